namespace OrgKeyRotation.Engine.Contracts;

/// <summary>
/// A run that would write central secrets does not run as their configured rotator (secrets.rotatorArn): refused before
/// anything is read or written in a member account. The message names both principals and how to run as the rotator.
/// </summary>
public sealed class CentralRotatorRefusedException(string message) : Exception(message);
