namespace OrgKeyRotation.Core.Errors;

/// <summary>No AWS credentials could be resolved from the default chain or the configuration.</summary>
public sealed class AwsCredentialsException(string detail, Exception? inner = null)
    : Exception($"No AWS credentials could be resolved: {detail}. Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE (--profile), or run where a role is attached.", inner);
