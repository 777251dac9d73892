using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;

namespace OrgKeyRotation.Bench;

/// <summary>
/// Spreads member accounts over several moto processes, because one moto process serves requests one at a time
/// (Python's GIL) and is the benchmark's bottleneck. moto names the account of a request by its access key id, so
/// routing follows the key: an <c>AssumeRole</c> goes to the shard of the account in its <c>RoleArn</c>, every
/// access key id seen in a response (assumed-role and <c>CreateAccessKey</c> keys) is remembered with the shard that
/// minted it, and anything else (the central account: SNS, the caller's own credentials) goes to shard 0.
/// </summary>
internal sealed class ShardRouter(IReadOnlyList<Uri> shards)
{
    private static readonly byte[] AccessKeyIdOpen = "<AccessKeyId>"u8.ToArray();
    private readonly ConcurrentDictionary<string, int> _shardOfKey = new(StringComparer.Ordinal);

    public IReadOnlyList<Uri> Shards { get; } = shards;

    public int ShardOfAccount(string accountId) =>
        long.TryParse(accountId, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? (int)(number % Shards.Count) : 0;

    public int Route(string authorization, byte[] body)
    {
        if (Shards.Count == 1)
        {
            return 0;
        }

        var accessKeyId = AccessKeyId(authorization);
        if (accessKeyId is not null && _shardOfKey.TryGetValue(accessKeyId, out var shard))
        {
            return shard;
        }

        if (QueryParameter(body, "Action") == "AssumeRole" && QueryParameter(body, "RoleArn") is { } roleArn)
        {
            // arn:aws:iam::ACCOUNT:role/NAME
            var parts = roleArn.Split(':');
            return parts.Length > 4 ? ShardOfAccount(parts[4]) : 0;
        }

        return 0;
    }

    /// <summary>Remembers every access key id in a moto response as living in <paramref name="shard"/>.</summary>
    public void Learn(byte[] payload, int shard)
    {
        if (Shards.Count == 1)
        {
            return;
        }

        var span = payload.AsSpan();
        int at;
        while ((at = span.IndexOf(AccessKeyIdOpen)) >= 0)
        {
            span = span[(at + AccessKeyIdOpen.Length)..];
            var end = span.IndexOf((byte)'<');
            if (end < 0)
            {
                return;
            }

            _shardOfKey[Encoding.ASCII.GetString(span[..end])] = shard;
            span = span[end..];
        }
    }

    /// <summary>A parameter of a form-encoded (AWS query protocol) body, decoded; null when absent.</summary>
    public static string? QueryParameter(byte[] body, string name)
    {
        var prefix = name + "=";
        foreach (var pair in Encoding.UTF8.GetString(body).Split('&'))
        {
            if (pair.StartsWith(prefix, StringComparison.Ordinal))
            {
                return WebUtility.UrlDecode(pair[prefix.Length..]);
            }
        }

        return null;
    }

    /// <summary>The signing service from a SigV4 Authorization header (Credential=AKID/date/region/SERVICE/aws4_request).</summary>
    public static string? SigningService(string authorization)
    {
        var scope = CredentialScope(authorization);
        return scope is { Length: > 3 } ? scope[3] : null;
    }

    private static string? AccessKeyId(string authorization) => CredentialScope(authorization)?[0];

    private static string[]? CredentialScope(string authorization)
    {
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += "Credential=".Length;
        var end = authorization.IndexOf(',', start);
        return authorization[start..(end < 0 ? authorization.Length : end)].Split('/');
    }
}
