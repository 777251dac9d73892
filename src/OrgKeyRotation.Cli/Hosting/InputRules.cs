using System.Globalization;
using System.Text.RegularExpressions;

namespace OrgKeyRotation.Cli.Hosting;

/// <summary>Shapes of operator input, checked before any AWS call.</summary>
internal static partial class InputRules
{
    private static readonly string[] AsOfFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static bool IsAccountId(string value) => AccountIdPattern().IsMatch(value);

    public static bool IsUserName(string value) => UserNamePattern().IsMatch(value);

    public static bool IsAccessKeyId(string value) => AccessKeyIdPattern().IsMatch(value);

    /// <summary>
    /// ISO 8601 date (midnight UTC of that day) or date and time; a time without offset is UTC.
    /// </summary>
    public static bool TryParseAsOf(string value, out DateTimeOffset asOf) =>
        DateTimeOffset.TryParseExact(value, AsOfFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out asOf);

    /// <summary>An absolute http(s) URL such as http://127.0.0.1:5000.</summary>
    public static bool TryParseEndpoint(string value, out Uri? endpoint)
    {
        endpoint = Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;
        return endpoint is not null;
    }

    [GeneratedRegex("^[0-9]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountIdPattern();

    // IAM user names: 1-64 of letters, digits and +=,.@_-
    [GeneratedRegex("^[A-Za-z0-9+=,.@_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserNamePattern();

    // AKIA: a long-term IAM user key; ASIA: a temporary (STS) key id, accepted so the engine can say why it cannot act.
    [GeneratedRegex("^(AKIA|ASIA)[A-Z0-9]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccessKeyIdPattern();
}
