using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;

namespace OrgKeyRotation.Core.Tests.Planning;

/// <summary>When a key was last used, relative to now.</summary>
internal sealed record Use(bool Known, TimeSpan? Ago)
{
    public static Use Never { get; } = new(true, null);
    public static Use Unknown { get; } = new(false, null);

    public static Use DaysAgo(double days) => new(true, TimeSpan.FromDays(days));

    public static Use Before(TimeSpan ago) => new(true, ago);

    public override string ToString() => !Known ? "unknown" : Ago is { } ago ? $"{ago.TotalDays:0.##}d ago" : "never";
}

/// <summary>A key described relative to now: id, status, age, last use.</summary>
internal sealed record KeySpec(string Id, AccessKeyStatus Status, TimeSpan Age, Use LastUsed)
{
    public KeyFacts At(DateTimeOffset now) => new(Id, Status, now - Age, LastUsed.Ago is { } ago ? now - ago : null, LastUsed.Known);
}

/// <summary>
/// The user's secret, relative to now. <see cref="DeactivatedAgo"/> is when the deactivation tag was written,
/// <see cref="AttemptedAgo"/> when the last attempt to create a key was recorded, <see cref="HandOffAgo"/> when
/// <see cref="HandOffKey"/> was recorded as promoted.
/// </summary>
internal sealed record SecretSpec(bool Managed, string? Current, string? Pending, string? Previous, string? Deactivated, TimeSpan? DeactivatedAgo)
{
    public TimeSpan? AttemptedAgo { get; init; }

    /// <summary>The key the recorded attempt set out to replace, or null (a record without it).</summary>
    public string? AttemptReplaced { get; init; }

    public string? HandOffKey { get; init; }

    public TimeSpan? HandOffAgo { get; init; }

    /// <summary>When the secret was scheduled for deletion (its DeletedDate), or null.</summary>
    public TimeSpan? DeletedAgo { get; init; }

    /// <summary>The key the restore record names, and how long ago it was written.</summary>
    public (string Key, TimeSpan Ago)? Restore { get; init; }

    public SecretFacts At(DateTimeOffset now) => new(Managed, Current, Pending, Previous, Deactivated, DeactivatedAgo is { } ago ? now - ago : null,
        AttemptedAgo is { } attempted ? now - attempted : null,
        HandOffKey is { } key && HandOffAgo is { } handedOff ? new KeyHandOff(key, now - handedOff) : null,
        DeletedAgo is { } deleted ? now - deleted : null,
        AttemptReplaced)
    {
        Restored = Restore is { } r ? new KeyHandOff(r.Key, now - r.Ago) : null,
    };

    /// <summary>The same secret with a restore of <paramref name="key"/> recorded this many days ago.</summary>
    public SecretSpec Restored(string key, double daysAgo) => this with { Restore = (key, TimeSpan.FromDays(daysAgo)) };

    /// <summary>The same secret, scheduled for deletion this many days ago.</summary>
    public SecretSpec ScheduledForDeletion(double daysAgo) => this with { DeletedAgo = TimeSpan.FromDays(daysAgo) };

    /// <summary>The same secret with an attempt recorded this long ago, replacing <paramref name="replacing"/> (null: not recorded).</summary>
    public SecretSpec Attempted(TimeSpan ago, string? replacing = null) => this with { AttemptedAgo = ago, AttemptReplaced = replacing };

    /// <summary>The same secret with a hand-off of <paramref name="key"/> recorded this many days ago.</summary>
    public SecretSpec HandedOff(string key, double daysAgo) => this with { HandOffKey = key, HandOffAgo = TimeSpan.FromDays(daysAgo) };
}

/// <summary>A destination configured for the user: its id (also its name here) and the key the secret's record says it holds (null: no record).</summary>
internal sealed record DestSpec(string Id, string? Holds);

/// <summary>Readable builders for planner cases. Every instant is relative to the fake clock's "now".</summary>
internal static class Scenario
{
    public const string Cur = "AKIACURRENT000000001";
    public const string Prev = "AKIAPREVIOUS00000001";
    public const string Other = "AKIAOTHER00000000001";
    public const string Pend = "AKIAPENDING000000001";
    public const string Gone = "AKIAGONE000000000001";

    public const AccessKeyStatus Active = AccessKeyStatus.Active;
    public const AccessKeyStatus Inactive = AccessKeyStatus.Inactive;

    /// <summary>A fixed instant; the planner never reads a clock, the tests take "now" from here.</summary>
    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero));

    public static DateTimeOffset Now { get; } = Clock().GetUtcNow();

    public static KeySpec Key(string id, AccessKeyStatus status, double ageDays, Use lastUsed) => new(id, status, TimeSpan.FromDays(ageDays), lastUsed);

    public static KeySpec KeyAged(string id, AccessKeyStatus status, TimeSpan age, Use lastUsed) => new(id, status, age, lastUsed);

    public static SecretSpec Tracks(string? current = null, string? pending = null, string? previous = null) =>
        new(true, current, pending, previous, null, null);

    public static SecretSpec TracksDeactivated(string current, string deactivated, double daysAgo) =>
        new(true, current, null, deactivated, deactivated, TimeSpan.FromDays(daysAgo));

    public static SecretSpec Unmanaged { get; } = new(false, null, null, null, null, null);

    public static UserFacts Facts(IEnumerable<KeySpec> keys, SecretSpec? secret, ExemptionFacts? exemption = null, DateTimeOffset? now = null)
    {
        var at = now ?? Now;
        return new UserFacts("111111111111", "alice", keys.Select(k => k.At(at)).ToList(), secret?.At(at), exemption ?? ExemptionFacts.None);
    }

    /// <summary>
    /// The user's destinations: each configured (named "ssm:/NAME") and, on the secret (when there is one), recorded as
    /// holding its key; <paramref name="unconfigured"/> are records of destinations no longer configured.
    /// </summary>
    public static UserFacts WithDestinations(UserFacts facts, IReadOnlyList<DestSpec> destinations, IReadOnlyList<DestSpec>? unconfigured = null)
    {
        var records = destinations.Concat(unconfigured ?? []).Where(d => d.Holds is not null)
            .ToDictionary(d => d.Id, d => new DestinationRecord(d.Holds!, Now.AddDays(-1)), StringComparer.Ordinal);
        return facts with
        {
            Destinations = destinations.Select(d => new DestinationFacts(d.Id, "ssm:/" + d.Id)).ToList(),
            Secret = facts.Secret is { } secret ? secret with { Destinations = records } : null,
        };
    }

    public static DestSpec Dest(string id, string? holds = null) => new(id, holds);

    public static string Render(PlannedAction action) => action.AccessKeyId is { } id ? $"{action.Kind} {id}" : action.Kind.ToString();

    public static string[] Render(UserPlan plan) => plan.Actions.Select(Render).ToArray();
}
