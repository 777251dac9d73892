using System.Collections.Concurrent;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>What the model saw of one key created through it.</summary>
/// <param name="AccessKeyId">The key.</param>
/// <param name="AccountId">The account it was created in.</param>
/// <param name="CreatedAt">When CreateAccessKey answered.</param>
/// <param name="UsableAt">CreatedAt plus the propagation delay: from then on requests signed by it are accepted.</param>
/// <param name="FirstAcceptedAt">When the first request signed by it was accepted (reached moto); null: none yet.</param>
/// <param name="Refused">Requests signed by it that were refused while it was younger than the delay.</param>
public sealed record KeyPropagation(string AccessKeyId, string AccountId, DateTimeOffset CreatedAt, DateTimeOffset UsableAt, DateTimeOffset? FirstAcceptedAt, int Refused)
{
    /// <summary>How long after it became usable the key was first used ("verified minus usable"); null: never used.</summary>
    public TimeSpan? Overshoot => FirstAcceptedAt - UsableAt;
}

/// <summary>Figures over every key created through a <see cref="NewKeyPropagation"/> (for the benchmark).</summary>
/// <param name="KeysCreated">Keys CreateAccessKey returned through the model.</param>
/// <param name="KeysUsed">Of those, keys that signed an accepted request.</param>
/// <param name="RefusedRequests">Requests refused with InvalidClientTokenId.</param>
/// <param name="OvershootMax">Largest overshoot; null when no key was used.</param>
/// <param name="OvershootP50">Median overshoot (nearest rank).</param>
/// <param name="OvershootP95">95th percentile overshoot (nearest rank).</param>
public sealed record PropagationReport(int KeysCreated, int KeysUsed, int RefusedRequests, TimeSpan? OvershootMax, TimeSpan? OvershootP50, TimeSpan? OvershootP95);

/// <summary>
/// A new access key is not usable at once. IAM is eventually consistent: a key returned by CreateAccessKey is refused
/// with InvalidClientTokenId for its first seconds. The model learns each key's creation from the CreateAccessKey
/// answers passing through it, and refuses every request signed by that key (SigV4 credential) while the key is
/// younger than <see cref="Delay"/>, in the request's protocol (STS/IAM/SNS Query XML, Secrets Manager/Organizations/SQS
/// JSON). It records, per key, when it became usable and when it was first used (the overshoot), and the refusals.
/// Keys it did not see created (seeded straight into moto) are never refused.
/// IAM propagates each change to every region's data plane on its own (docs/emulator-limits.md cites
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/disaster-recovery-resiliency.html), so a region may be given its own,
/// longer delay (<see cref="RegionDelays"/>): a request signed in that region is refused until the key is that old.
/// </summary>
public sealed class NewKeyPropagation : AwsBehaviour
{
    private readonly ConcurrentDictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private int _refused;

    public NewKeyPropagation(TimeSpan delay, IReadOnlyDictionary<string, TimeSpan>? regionDelays = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Delay = delay;
        RegionDelays = regionDelays ?? new Dictionary<string, TimeSpan>();
        foreach (var (_, regional) in RegionDelays)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(regional, TimeSpan.Zero);
        }
    }

    /// <summary>The delay in every region not in <see cref="RegionDelays"/>.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Regions whose delay differs from <see cref="Delay"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> RegionDelays { get; }

    /// <summary>How long a new key is refused in <paramref name="region"/> (null: a request without a region).</summary>
    public TimeSpan DelayIn(string? region) => region is not null && RegionDelays.TryGetValue(region, out var regional) ? regional : Delay;

    /// <summary>
    /// Whether IAM in <paramref name="region"/> accepts <paramref name="accessKeyId"/> at <paramref name="at"/> as far as
    /// propagation goes: a key the model did not see created is accepted.
    /// </summary>
    public bool HasPropagated(string accessKeyId, string? region, DateTimeOffset at) =>
        !_keys.TryGetValue(accessKeyId, out var key) || at >= key.CreatedAt + DelayIn(region);

    /// <summary>Requests refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Every key created through the model so far, oldest first.</summary>
    public IReadOnlyList<KeyPropagation> Keys => [.. _keys.Values.Select(k => k.Snapshot()).OrderBy(k => k.CreatedAt)];

    /// <summary>The key's record; null when it was not created through the model.</summary>
    public KeyPropagation? Key(string accessKeyId) => _keys.TryGetValue(accessKeyId, out var key) ? key.Snapshot() : null;

    /// <summary>Forgets every key and count (the benchmark's runs share one proxy).</summary>
    public void Reset()
    {
        _keys.Clear();
        Volatile.Write(ref _refused, 0);
    }

    public PropagationReport Report()
    {
        var keys = Keys;
        var overshoots = keys.Where(k => k.Overshoot is not null).Select(k => k.Overshoot!.Value).Order().ToList();
        return new PropagationReport(
            keys.Count,
            overshoots.Count,
            Refused,
            overshoots.Count == 0 ? null : overshoots[^1],
            Percentile(overshoots, 0.50),
            Percentile(overshoots, 0.95));
    }

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (call.AccessKeyId is { } signer && _keys.TryGetValue(signer, out var key))
        {
            if (!key.TryAccept(call.ArrivedAt, DelayIn(call.Region)))
            {
                Interlocked.Increment(ref _refused);
                return AwsErrorResponses.InvalidClientTokenId(call);
            }

            return await next(cancellationToken);
        }

        var response = await next(cancellationToken);
        if (call.Operation == "CreateAccessKey" && response.IsSuccessStatusCode)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            if (AccountDirectory.FirstAccessKeyId(await response.Content.ReadAsByteArrayAsync(cancellationToken)) is { } created)
            {
                var now = call.Time.GetUtcNow();
                _keys[created] = new KeyState(created, call.AccountId, now, now + Delay);
            }
        }

        return response;
    }

    private static TimeSpan? Percentile(List<TimeSpan> sorted, double fraction) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed class KeyState(string accessKeyId, string accountId, DateTimeOffset createdAt, DateTimeOffset usableAt)
    {
        private readonly Lock _lock = new();
        private DateTimeOffset? _firstAcceptedAt;
        private int _refused;

        public DateTimeOffset CreatedAt => createdAt;

        /// <summary>Accepts (recording the first acceptance) when the key is <paramref name="delay"/> old at <paramref name="at"/>; else counts a refusal.</summary>
        public bool TryAccept(DateTimeOffset at, TimeSpan delay)
        {
            lock (_lock)
            {
                if (at < createdAt + delay)
                {
                    _refused++;
                    return false;
                }

                _firstAcceptedAt ??= at;
                return true;
            }
        }

        public KeyPropagation Snapshot()
        {
            lock (_lock)
            {
                return new KeyPropagation(accessKeyId, accountId, createdAt, usableAt, _firstAcceptedAt, _refused);
            }
        }
    }
}
