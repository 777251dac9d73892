using System.Globalization;

namespace OrgKeyRotation.Cli.Invocation;

/// <summary>
/// Shapes of operator input that only the CLI has, checked before any AWS call. AWS identifiers (account, user,
/// access key) are checked by Core's <see cref="Core.Configuration.AwsIdentifiers"/>, like everywhere else.
/// </summary>
internal static class InputRules
{
    private static readonly string[] AsOfFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

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
}
