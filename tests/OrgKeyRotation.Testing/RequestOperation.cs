using System.Text.RegularExpressions;
using OrgKeyRotation.Aws;

namespace OrgKeyRotation.Testing;

/// <summary>Service and operation of an outgoing AWS request, as an inner handler sees it.</summary>
public static partial class RequestOperation
{
    /// <summary>
    /// From <see cref="AwsRequestInfo"/> when the layer attached it; otherwise from X-Amz-Target (JSON protocols),
    /// the form's <c>Action=</c> (Query protocol) and the credential scope of the Authorization header.
    /// </summary>
    public static async Task<AwsRequestInfo> IdentifyAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        if (request.Options.TryGetValue(AwsRequestInfo.OptionKey, out var info))
        {
            return info;
        }

        var service = ServiceFromAuthorization(request) ?? "unknown";
        if (request.Headers.TryGetValues("X-Amz-Target", out var targets))
        {
            var target = targets.First();
            return new AwsRequestInfo(service, target[(target.LastIndexOf('.') + 1)..], null, 1);
        }

        if (request.Content is not null)
        {
            // Buffer first so the real handler can still send the body.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            var form = await request.Content.ReadAsStringAsync(cancellationToken);
            var match = ActionPattern().Match(form);
            if (match.Success)
            {
                return new AwsRequestInfo(service, Uri.UnescapeDataString(match.Groups[1].Value), null, 1);
            }
        }

        return new AwsRequestInfo(service, "unknown", null, 1);
    }

    private static string? ServiceFromAuthorization(HttpRequestMessage request)
    {
        var header = request.Headers.TryGetValues("Authorization", out var values) ? string.Join(",", values) : null;
        var match = header is null ? null : ScopePattern().Match(header);
        return match is { Success: true } ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"(?:^|&)Action=([^&]+)")]
    private static partial Regex ActionPattern();

    [GeneratedRegex(@"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")]
    private static partial Regex ScopePattern();
}
