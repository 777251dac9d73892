namespace OrgKeyRotation.Core.Model;

/// <summary>Secrets Manager staging labels with meaning to the rotation protocol.</summary>
public static class SecretStages
{
    public const string Current = "AWSCURRENT";
    public const string Pending = "AWSPENDING";
    public const string Previous = "AWSPREVIOUS";
}

/// <summary>DescribeSecret or a ListSecrets entry, without any secret value. <see cref="DeletedDate"/> is set when the secret is scheduled for deletion.</summary>
public sealed record SecretDescription(
    string Arn,
    string Name,
    string? KmsKeyId,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, IReadOnlyList<string>> VersionIdsToStages,
    DateTimeOffset? DeletedDate)
{
    /// <summary>The version id that carries <paramref name="stage"/>, if any.</summary>
    public string? VersionWithStage(string stage) =>
        VersionIdsToStages.FirstOrDefault(v => v.Value.Contains(stage, StringComparer.Ordinal)).Key;
}

/// <summary>GetSecretValue. The string is sensitive: it holds a secret access key.</summary>
public sealed record SecretValue(string Arn, string Name, string VersionId, IReadOnlyList<string> Stages, SensitiveString SecretString, DateTimeOffset? CreatedDate)
{
    public override string ToString() => $"SecretValue {{ Name = {Name}, VersionId = {VersionId}, SecretString = {SensitiveString.Redacted} }}";
}

public sealed record CreateSecretRequest(
    string Name,
    string? Description,
    string? KmsKeyId,
    IReadOnlyDictionary<string, string> Tags,
    string? ClientRequestToken = null,
    SensitiveString? SecretString = null);
