using System.Collections.Concurrent;
using System.Text;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Which account an access key belongs to, as moto decides it: moto names the account of a request by its access key
/// id alone. The directory learns from the responses that mint keys: an <c>AssumeRole</c> into
/// <c>arn:aws:iam::ACCOUNT:role/...</c> returns a session key of ACCOUNT, and a <c>CreateAccessKey</c> returns a key of
/// the caller's account. Any other key (the host's "testing" credentials) is moto's default account. Thread-safe.
/// </summary>
public sealed class AccountDirectory
{
    /// <summary>moto's default account: the one unknown access keys act in (the central account of the tests).</summary>
    public const string DefaultAccount = "123456789012";

    private static readonly byte[] AccessKeyIdOpen = "<AccessKeyId>"u8.ToArray();
    private readonly ConcurrentDictionary<string, string> _accountOfKey = new(StringComparer.Ordinal);

    /// <summary>The account of <paramref name="accessKeyId"/>; <see cref="DefaultAccount"/> when unknown or null.</summary>
    public string AccountOf(string? accessKeyId) =>
        accessKeyId is not null && _accountOfKey.TryGetValue(accessKeyId, out var account) ? account : DefaultAccount;

    /// <summary>Records a key minted outside the model's sight (e.g. seeded straight into moto).</summary>
    public void Remember(string accessKeyId, string accountId) => _accountOfKey[accessKeyId] = accountId;

    /// <summary>The account field of an ARN (arn:partition:service:region:ACCOUNT:resource); null when there is none.</summary>
    public static string? AccountOfArn(string? arn)
    {
        var parts = arn?.Split(':');
        return parts is { Length: > 5 } && parts[4].Length == 12 ? parts[4] : null;
    }

    /// <summary>Learns from a successful AssumeRole or CreateAccessKey response (the body must be buffered).</summary>
    internal async Task LearnAsync(AwsCall call, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode || call.Operation is not ("AssumeRole" or "CreateAccessKey"))
        {
            return;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var account = call.Operation == "AssumeRole" ? call.TargetAccountId : call.AccountId;
        if (FirstAccessKeyId(body) is { } key)
        {
            _accountOfKey[key] = account;
        }
    }

    /// <summary>The first &lt;AccessKeyId&gt; of a Query (XML) response.</summary>
    internal static string? FirstAccessKeyId(ReadOnlySpan<byte> body)
    {
        var at = body.IndexOf(AccessKeyIdOpen);
        if (at < 0)
        {
            return null;
        }

        var rest = body[(at + AccessKeyIdOpen.Length)..];
        var end = rest.IndexOf((byte)'<');
        return end < 0 ? null : Encoding.ASCII.GetString(rest[..end]).Trim();
    }
}
