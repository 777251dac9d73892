using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Destinations;

/// <summary>
/// One user's destinations (<paramref name="Configured"/>, resolved from the configuration) and what the secret's
/// records say each holds (<paramref name="Records"/>, by destination id). Immutable: a write gives the next state
/// (<see cref="After"/>).
/// </summary>
internal sealed record UserDestinations(IReadOnlyList<KeyDestination> Configured, IReadOnlyDictionary<string, DestinationRecord> Records)
{
    public static UserDestinations None { get; } = new([], new Dictionary<string, DestinationRecord>(StringComparer.Ordinal));

    /// <summary>The user's destinations and the records on its secret (none without a secret the rotator manages).</summary>
    public static UserDestinations Of(IReadOnlyList<KeyDestination> configured, SecretDescription? secret) => new(
        configured,
        secret is { DeletedDate: null } && ManagedSecret.IsManaged(secret)
            ? ManagedSecret.ParseDestinationTags(secret).ToDictionary(r => r.Key, r => new DestinationRecord(r.Value.KeyId, r.Value.At), StringComparer.Ordinal)
            : new Dictionary<string, DestinationRecord>(StringComparer.Ordinal));

    /// <summary>The planner's view: each destination's id and name.</summary>
    public IReadOnlyList<DestinationFacts> Facts => Configured.Select(d => new DestinationFacts(d.Id, d.Name)).ToList();

    /// <summary>The destinations whose record does not name <paramref name="accessKeyId"/>.</summary>
    public IReadOnlyList<KeyDestination> NotHolding(string accessKeyId) =>
        Configured.Where(d => Records.GetValueOrDefault(d.Id)?.AccessKeyId != accessKeyId).ToList();

    /// <summary>After <paramref name="writes"/> of <paramref name="accessKeyId"/> at <paramref name="at"/>: the ones that succeeded now hold it.</summary>
    public UserDestinations After(IEnumerable<DestinationWrite> writes, string accessKeyId, DateTimeOffset at)
    {
        var records = new Dictionary<string, DestinationRecord>(Records, StringComparer.Ordinal);
        foreach (var write in writes.Where(w => w.Succeeded))
        {
            records[write.Destination.Id] = new DestinationRecord(accessKeyId, at);
        }

        return this with { Records = records };
    }

    /// <summary>For results and alerts: each destination, what it holds, and whether that is <paramref name="currentKeyId"/>. Null without destinations.</summary>
    public IReadOnlyList<DestinationSnapshot>? View(string? currentKeyId) => Configured.Count == 0
        ? null
        : Configured.Select(d => Records.GetValueOrDefault(d.Id) is { } record
            ? new DestinationSnapshot(d.Id, d.Name, record.AccessKeyId, record.At, currentKeyId is not null && record.AccessKeyId == currentKeyId)
            : new DestinationSnapshot(d.Id, d.Name, null, null, false)).ToList();
}

/// <summary>One destination's write: <see cref="Error"/> says what failed and what to do (null: it holds the key now).</summary>
internal sealed record DestinationWrite(KeyDestination Destination, string? Error)
{
    public bool Succeeded => Error is null;
}
