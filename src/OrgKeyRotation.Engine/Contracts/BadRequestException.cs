namespace OrgKeyRotation.Engine.Contracts;

/// <summary>The request itself is invalid (an account outside the scope, an unknown rotation step, a malformed id). Nothing was changed.</summary>
public sealed class BadRequestException(string message) : Exception(message);
