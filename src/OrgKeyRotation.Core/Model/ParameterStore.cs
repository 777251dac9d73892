namespace OrgKeyRotation.Core.Model;

/// <summary>
/// Where a user's key goes in Parameter Store, in the user's own account: one JSON parameter (the same document as the
/// secret) or two parameters, the access key id and the secret access key, as the consumer prefers. Both are
/// SecureString, encrypted with <see cref="KmsKeyId"/> when set (else the account's AWS managed key).
/// </summary>
public sealed record ParameterStoreTarget
{
    private ParameterStoreTarget(string? jsonParameter, string? accessKeyIdParameter, string? secretAccessKeyParameter, string? kmsKeyId)
    {
        JsonParameter = jsonParameter;
        AccessKeyIdParameter = accessKeyIdParameter;
        SecretAccessKeyParameter = secretAccessKeyParameter;
        KmsKeyId = kmsKeyId;
    }

    /// <summary>The JSON parameter's name, or null for the two-parameter form.</summary>
    public string? JsonParameter { get; }

    public string? AccessKeyIdParameter { get; }

    public string? SecretAccessKeyParameter { get; }

    public string? KmsKeyId { get; }

    /// <summary>Every parameter the target writes, in write order.</summary>
    public IReadOnlyList<string> Names => JsonParameter is not null ? [JsonParameter] : [AccessKeyIdParameter!, SecretAccessKeyParameter!];

    /// <summary>One SecureString parameter holding the JSON key document. Throws ArgumentException naming the rule an invalid name breaks.</summary>
    public static ParameterStoreTarget Json(string name, string? kmsKeyId = null) =>
        new(Checked(name, nameof(name)), null, null, CheckedKey(kmsKeyId));

    /// <summary>Two SecureString parameters: the access key id and the secret access key.</summary>
    public static ParameterStoreTarget Pair(string accessKeyIdName, string secretAccessKeyName, string? kmsKeyId = null)
    {
        Checked(accessKeyIdName, nameof(accessKeyIdName));
        Checked(secretAccessKeyName, nameof(secretAccessKeyName));
        if (string.Equals(accessKeyIdName, secretAccessKeyName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The access key id and the secret access key need two different parameters, not both '{accessKeyIdName}'.", nameof(secretAccessKeyName));
        }

        return new(null, accessKeyIdName, secretAccessKeyName, CheckedKey(kmsKeyId));
    }

    private static string Checked(string name, string argument) =>
        ParameterNames.Problem(name) is { } problem ? throw new ArgumentException(problem, argument) : name;

    private static string? CheckedKey(string? kmsKeyId) =>
        kmsKeyId is not null && (kmsKeyId.Length == 0 || kmsKeyId.Any(char.IsWhiteSpace))
            ? throw new ArgumentException($"'{kmsKeyId}' is not a KMS key: give a key id, key ARN, alias name (alias/...) or alias ARN, or none for the AWS managed key.", nameof(kmsKeyId))
            : kmsKeyId;
}

/// <summary>
/// Parameter Store's naming rules (PutParameter API reference, Name:
/// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html), checked before any call so
/// that a configuration error is reported as one.
/// </summary>
public static class ParameterNames
{
    /// <summary>
    /// AWS allows 1011 characters including the ARN before the name (arn:aws:ssm:us-east-2:111122223333:parameter/
    /// is 45); 64 are kept for the longest partition and region names.
    /// </summary>
    public const int MaxLength = 1011 - 64;

    /// <summary>"Parameter hierarchies are limited to a maximum depth of fifteen levels."</summary>
    public const int MaxDepth = 15;

    /// <summary>Null when <paramref name="name"/> is a valid parameter name, else what is wrong with it.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A parameter name is empty.";
        }

        if (name.Length > MaxLength)
        {
            return $"The parameter name '{name[..40]}…' has {name.Length} characters; at most {MaxLength} fit in AWS's 1011 with the ARN.";
        }

        var bad = name.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/'));
        if (bad != default)
        {
            return $"The parameter name '{name}' contains '{bad}': only a-z, A-Z, 0-9, _ . - and / are allowed.";
        }

        if (name.Contains('/', StringComparison.Ordinal) && !name.StartsWith('/'))
        {
            return $"The parameter name '{name}' has a hierarchy but no leading '/': write '/{name}'.";
        }

        var segments = name.TrimStart('/').Split('/');
        if (segments.Any(s => s.Length == 0))
        {
            return $"The parameter name '{name}' has an empty level ('//' or a trailing '/').";
        }

        if (segments.Length > MaxDepth)
        {
            return $"The parameter name '{name}' has {segments.Length} levels; Parameter Store allows at most {MaxDepth}.";
        }

        var first = segments[0];
        return first.StartsWith("aws", StringComparison.OrdinalIgnoreCase) || first.StartsWith("ssm", StringComparison.OrdinalIgnoreCase)
            ? $"The parameter name '{name}' starts with 'aws' or 'ssm', which AWS reserves (any case)."
            : null;
    }
}
