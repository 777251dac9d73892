namespace OrgKeyRotation.Engine.Execution;

/// <summary>A rotation step found AWS in a state it cannot continue from; the message says what and what happens next.</summary>
public sealed class RotationStepException(string message) : Exception(message);
