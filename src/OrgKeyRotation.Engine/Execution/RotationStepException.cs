namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// A rotation step found AWS in a state it cannot continue from; the message says what and what happens next.
/// <see cref="NeedsPerson"/>: the state is the same at every sweep until a person changes it (a secret that is not the
/// rotator's), so a sweep reports the user blocked rather than failed.
/// </summary>
public sealed class RotationStepException(string message) : Exception(message)
{
    public bool NeedsPerson { get; init; }
}
