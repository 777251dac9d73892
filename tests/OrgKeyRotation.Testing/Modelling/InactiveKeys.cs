using System.Collections.Concurrent;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// An inactive access key signs nothing. UpdateAccessKey: "Active means that the key can be used for programmatic calls
/// to Amazon Web Services, while Inactive means that the key cannot be used"
/// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html); AWS answers such a request like one
/// signed by an unknown key. moto accepts an inactive key (with authorization on it checks only that the key exists).
/// The model learns each key's status from the UpdateAccessKey calls passing through it and refuses every request an
/// inactive key signs with InvalidClientTokenId, in the request's protocol, until the key is set Active again.
/// </summary>
public sealed class InactiveKeys : AwsBehaviour
{
    private readonly ConcurrentDictionary<string, byte> _inactive = new(StringComparer.Ordinal);
    private int _refused;

    /// <summary>Requests refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public bool IsInactive(string accessKeyId) => _inactive.ContainsKey(accessKeyId);

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (call.AccessKeyId is { } signer && _inactive.ContainsKey(signer))
        {
            Interlocked.Increment(ref _refused);
            return AwsErrorResponses.InvalidClientTokenId(call);
        }

        var response = await next(cancellationToken);
        if (call.Operation == "UpdateAccessKey" && response.IsSuccessStatusCode && call.Parameter("AccessKeyId") is { } key)
        {
            if (call.Parameter("Status") == "Inactive")
            {
                _inactive[key] = 0;
            }
            else
            {
                _inactive.TryRemove(key, out _);
            }
        }

        return response;
    }
}
