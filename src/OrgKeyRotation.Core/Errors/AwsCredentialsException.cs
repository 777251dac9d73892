namespace OrgKeyRotation.Core.Errors;

/// <summary>No AWS credentials could be resolved from the default chain or the configuration.</summary>
public sealed class AwsCredentialsException : Exception
{
    public AwsCredentialsException(string detail, Exception? inner = null)
        : base($"No AWS credentials could be resolved: {detail}. Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE (--profile), or run where a role is attached.", inner)
    {
    }

    private AwsCredentialsException(Exception? inner, string message)
        : base(message, inner)
    {
    }

    /// <summary>A named profile that cannot give credentials; <paramref name="detail"/> says why and what to do about that profile.</summary>
    public static AwsCredentialsException InProfile(string profile, string detail, Exception? inner = null) => new(inner, $"No AWS credentials from profile '{profile}': {detail}.");
}
