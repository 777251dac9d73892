namespace OrgKeyRotation.Core.Model;

public enum AccessKeyStatus
{
    Active,
    Inactive,
}

/// <summary>An access key as IAM lists it (no secret).</summary>
public sealed record AccessKeyMetadata(string AccessKeyId, string UserName, AccessKeyStatus Status, DateTimeOffset CreateDate);

/// <summary>GetAccessKeyLastUsed: <see cref="LastUsedDate"/> is null when the key was never used ("N/A").</summary>
public sealed record AccessKeyLastUsed(string AccessKeyId, DateTimeOffset? LastUsedDate, string? ServiceName, string? Region);

/// <summary>A key just returned by CreateAccessKey. The secret half exists only here and in Secrets Manager.</summary>
public sealed record NewAccessKey(string AccessKeyId, string UserName, SensitiveString SecretAccessKey, DateTimeOffset CreateDate)
{
    // Records print their members; spell it out so the redaction does not depend on SensitiveString alone.
    public override string ToString() => $"NewAccessKey {{ AccessKeyId = {AccessKeyId}, UserName = {UserName}, SecretAccessKey = {SensitiveString.Redacted} }}";
}

/// <summary>An IAM user. <see cref="Tags"/> is filled by GetUser and GetAccountAuthorizationDetails (ListUsers and GetGroup do not return tags).</summary>
public sealed record IamUser(string UserName, string UserId, string Arn, string Path, DateTimeOffset CreateDate)
{
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>Identity returned by sts:GetCallerIdentity.</summary>
public sealed record CallerIdentity(string Account, string Arn, string UserId);
