namespace OrgKeyRotation.Engine.FanOut;

/// <summary>SNS did not take a fan-out digest: the digest item fails, and SQS delivers it again.</summary>
public sealed class DigestNotPublishedException(string message) : Exception(message);
