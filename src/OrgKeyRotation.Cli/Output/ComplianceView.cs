using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Output;

/// <summary>Compliance findings on one key. The codes appear in every output format.</summary>
internal static class Findings
{
    /// <summary>Active and older than the policy's maximum age (CIS 1.14).</summary>
    public const string OverAge = "over-age";

    /// <summary>Active and not used for 45 days or more, counting from creation when never used (CIS 1.12).</summary>
    public const string Unused45 = "unused-45d";

    /// <summary>One of two active keys of the same user that nothing is retiring (CIS 1.13).</summary>
    public const string TwoActive = "two-active";

    /// <summary>
    /// One of the current and previous keys of a user while both are active and the rotator deactivates the previous one
    /// by a date (the hand-off window: the rotator working as designed, not CIS 1.13's finding).
    /// </summary>
    public const string InHandOff = "in-hand-off";

    /// <summary>Never used since creation.</summary>
    public const string NeverUsed = "never-used";

    public const int UnusedDaysThreshold = 45;

    /// <summary>Whether a person should act on these findings: the CIS ones, not the informational never-used and in-hand-off.</summary>
    public static bool NeedAttention(IEnumerable<string> findings) => findings.Any(f => f is OverAge or Unused45 or TwoActive);

    /// <summary>How every format shows a finding to a person: its code, and for a hand-off the date it ends by.</summary>
    public static string Text(string finding, ReportRow row) =>
        finding == InHandOff && row.HandOffUntil is { } until ? $"in hand-off until {Formatting.Date(until)}" : finding;
}

internal sealed record ReportRow(
    string AccountId,
    string UserName,
    string AccessKeyId,
    string Status,
    string Role,
    DateTimeOffset CreateDate,
    int AgeDays,
    DateTimeOffset? LastUsed,
    int? DaysSinceLastUse,
    bool Managed,
    bool Exempt,
    DateTimeOffset? ExemptUntil,
    string? Owner,
    IReadOnlyList<string> Findings,
    DateTimeOffset? HandOffUntil);

internal sealed record ExemptUser(string AccountId, string UserName, DateTimeOffset? ExemptUntil, string? Owner);

internal sealed record UserRef(string AccountId, string UserName);

/// <summary>A user whose two active keys are the rotator's hand-off: the previous key is deactivated by <see cref="Until"/> at the latest.</summary>
internal sealed record HandOffUser(string AccountId, string UserName, DateTimeOffset Until, string? Owner);

internal sealed record AgeBucket(string Label, int MinDays, int? MaxDays, int Count, bool BeyondPolicy);

internal sealed record ComplianceSummary(
    int Accounts,
    int Users,
    int ManagedUsers,
    int UnmanagedUsers,
    int Keys,
    int ActiveKeys,
    int OverAgeKeys,
    int UnusedOver45DaysKeys,
    int NeverUsedKeys,
    int UsersWithTwoActiveKeys,
    int UsersInHandOff,
    int ExemptUsers,
    int FailedAccounts,
    int Destinations,
    int DestinationsNotCurrent);

/// <summary>The org-wide inventory with its compliance findings, as every report format renders it.</summary>
internal sealed record ComplianceReport(
    DateTimeOffset GeneratedAt,
    int MaxKeyAgeDays,
    ComplianceSummary Summary,
    IReadOnlyList<AgeBucket> AgeBuckets,
    IReadOnlyList<UserRef> UsersWithTwoActiveKeys,
    IReadOnlyList<HandOffUser> UsersInHandOff,
    IReadOnlyList<ExemptUser> ExemptUsers,
    IReadOnlyList<AccountFailure> FailedAccounts,
    IReadOnlyList<ReportRow> Keys,
    IReadOnlyList<DestinationRow> Destinations);

internal static class ComplianceView
{
    private static readonly (string Label, int Min, int? Max)[] Buckets =
    [
        ("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("91-180", 91, 180), ("181-365", 181, 365), (">365", 366, null),
    ];

    /// <summary>Evaluates the inventory at its own <see cref="InventoryReport.GeneratedAt"/> (the engine's clock, so <c>--as-of</c> applies).</summary>
    public static ComplianceReport From(InventoryReport inventory)
    {
        var now = inventory.GeneratedAt;
        var rows = new List<ReportRow>();
        var twoActive = new List<UserRef>();
        var inHandOff = new List<HandOffUser>();
        foreach (var user in inventory.Users)
        {
            var activeCount = user.Keys.Count(IsActive);
            // The pair the rotator retires by a date is its hand-off; any other second active key is CIS 1.13's finding.
            var handOffUntil = activeCount == 2 && user.HandOffUntil is { } until && until > now ? until : (DateTimeOffset?)null;
            if (handOffUntil is { } end)
            {
                inHandOff.Add(new HandOffUser(user.AccountId, user.UserName, end, user.Owner));
            }
            else if (activeCount >= 2)
            {
                twoActive.Add(new UserRef(user.AccountId, user.UserName));
            }

            rows.AddRange(user.Keys.Select(key => Row(user, key, now, inventory.MaxKeyAgeDays, activeCount, handOffUntil)));
        }

        var buckets = Buckets
            .Select(b => new AgeBucket(
                b.Label,
                b.Min,
                b.Max,
                rows.Count(r => Math.Max(r.AgeDays, 0) >= b.Min && (b.Max is null || Math.Max(r.AgeDays, 0) <= b.Max)),
                b.Min > inventory.MaxKeyAgeDays))
            .ToList();
        var exempt = inventory.Users.Where(u => u.Exempt).Select(u => new ExemptUser(u.AccountId, u.UserName, u.ExemptUntil, u.Owner)).ToList();
        var failed = inventory.FailedAccounts.Select(a => new AccountFailure(a.AccountId, a.Outcome.ToString(), a.Error)).ToList();
        var accounts = inventory.Users.Select(u => u.AccountId).Concat(failed.Select(f => f.AccountId)).Distinct(StringComparer.Ordinal).Count();
        var destinations = inventory.Users.SelectMany(u => DestinationView.Rows(u.AccountId, u.UserName, u.Destinations)).ToList();

        var summary = new ComplianceSummary(
            accounts,
            inventory.Users.Count,
            inventory.Users.Count(u => u.Managed),
            inventory.Users.Count(u => !u.Managed),
            rows.Count,
            rows.Count(r => IsActive(r.Status)),
            rows.Count(r => r.Findings.Contains(Findings.OverAge)),
            rows.Count(r => r.Findings.Contains(Findings.Unused45)),
            rows.Count(r => r.Findings.Contains(Findings.NeverUsed)),
            twoActive.Count,
            inHandOff.Count,
            exempt.Count,
            failed.Count,
            destinations.Count,
            destinations.Count(d => !d.HoldsCurrentKey));
        return new ComplianceReport(now, inventory.MaxKeyAgeDays, summary, buckets, twoActive, inHandOff, exempt, failed, rows, destinations);
    }

    private static ReportRow Row(InventoryUser user, KeySnapshot key, DateTimeOffset now, int maxAgeDays, int activeKeysOfUser, DateTimeOffset? handOffUntil)
    {
        var age = PlanView.AgeDays(now, key.CreateDate);
        int? sinceUse = key.LastUsedDate is { } used ? PlanView.AgeDays(now, used) : null;
        var findings = new List<string>();
        if (IsActive(key))
        {
            if (age > maxAgeDays)
            {
                findings.Add(Findings.OverAge);
            }

            if ((sinceUse ?? age) >= Findings.UnusedDaysThreshold)
            {
                findings.Add(Findings.Unused45);
            }

            if (activeKeysOfUser >= 2)
            {
                findings.Add(handOffUntil is null ? Findings.TwoActive : Findings.InHandOff);
            }
        }

        if (key.LastUsedDate is null)
        {
            findings.Add(Findings.NeverUsed);
        }

        return new ReportRow(
            user.AccountId, user.UserName, key.AccessKeyId, key.Status, key.Role.ToString(), key.CreateDate, age, key.LastUsedDate, sinceUse,
            user.Managed, user.Exempt, user.ExemptUntil, user.Owner, findings, handOffUntil);
    }

    private static bool IsActive(KeySnapshot key) => IsActive(key.Status);

    private static bool IsActive(string status) => string.Equals(status, "Active", StringComparison.OrdinalIgnoreCase);
}
