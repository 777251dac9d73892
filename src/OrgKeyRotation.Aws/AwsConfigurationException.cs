namespace OrgKeyRotation.Aws;

/// <summary>The AWS layer's configuration is incomplete or contradictory (e.g. no region anywhere).</summary>
public sealed class AwsConfigurationException(string message) : Exception(message);
