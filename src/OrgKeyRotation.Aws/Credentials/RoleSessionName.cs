namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// The one place a RoleSessionName is made valid. AssumeRole API reference
/// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): 2 to 64 characters of
/// <c>[\w+=,.@-]</c>, where \w is ASCII letters, digits and underscore.
/// </summary>
internal static class RoleSessionName
{
    public const int MinLength = 2;
    public const int MaxLength = 64;

    /// <summary>Each character AWS does not allow becomes '-'; the result is cut to 64 and padded with '_' to 2.</summary>
    public static string From(string sessionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionName);
        var chars = sessionName.Trim().Select(c => IsAllowed(c) ? c : '-').Take(MaxLength).ToArray();
        return new string(chars).PadRight(MinLength, '_');
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-';
}
