using System.Text.Json.Serialization;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Output;

/// <summary>One line of a plan or rotation: a key and what the sweep did (or would do) to it.</summary>
internal sealed record PlanRow(
    string AccountId,
    string UserName,
    string? AccessKeyId,
    string? Status,
    int? AgeDays,
    DateTimeOffset? LastUsed,
    bool LastUsedKnown,
    string Action,
    string Outcome,
    string Reason,
    string? NewAccessKeyId,
    string? Error);

internal sealed record AccountFailure(string AccountId, string Outcome, string? Error);

/// <summary>The machine-readable form of a sweep (plan or rotate): its rows per key, and each user's destinations.</summary>
internal sealed record PlanDocument(
    string SweepId,
    bool DryRun,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    SweepCounts Counts,
    IReadOnlyList<PlanRow> Rows,
    IReadOnlyList<AccountFailure> FailedAccounts,
    IReadOnlyList<string> NotStartedAccounts,
    IReadOnlyList<DestinationRow> Destinations)
{
    [JsonIgnore]
    public bool HasFailures =>
        Counts.Failed > 0 || FailedAccounts.Count > 0 || NotStartedAccounts.Count > 0 || Rows.Any(r => r.Outcome is nameof(Outcome.Failed) or nameof(Outcome.Blocked));
}

internal static class PlanView
{
    public const string NoAction = "None";

    /// <summary>
    /// Flattens a sweep into rows, one per key and action on it. Actions that name no key of the user (e.g. a
    /// user-level Skip) apply to each key that has no action of its own; a user without keys gets one row.
    /// Ages are measured at the sweep's start, which is the engine's clock (so <c>--as-of</c> shows through).
    /// </summary>
    public static PlanDocument From(SweepResult sweep)
    {
        var rows = new List<PlanRow>();
        foreach (var account in sweep.Accounts)
        {
            if (account.Users.Count == 0 && account.Outcome is Outcome.Failed or Outcome.NotStarted)
            {
                rows.Add(new PlanRow(account.AccountId, "-", null, null, null, null, false, NoAction, account.Outcome.ToString(), "account not processed", null, account.Error));
            }

            foreach (var user in account.Users)
            {
                AddUserRows(rows, sweep.StartedAt, user);
            }
        }

        var failed = sweep.Accounts
            .Where(a => a.Outcome is Outcome.Failed or Outcome.NotStarted)
            .Select(a => new AccountFailure(a.AccountId, a.Outcome.ToString(), a.Error))
            .ToList();
        var destinations = sweep.Accounts.SelectMany(a => a.Users).SelectMany(u => DestinationView.Rows(u.AccountId, u.UserName, u.Destinations)).ToList();
        return new PlanDocument(sweep.SweepId, sweep.DryRun, sweep.StartedAt, sweep.FinishedAt, sweep.DryRun ? Planned(sweep) : sweep.Counts, rows, failed, sweep.NotStartedAccounts, destinations);
    }

    /// <summary>The engine counts what a sweep did; a plan shows what it would do.</summary>
    private static SweepCounts Planned(SweepResult sweep)
    {
        var planned = sweep.Accounts.SelectMany(a => a.Users).SelectMany(u => u.Actions).Where(a => a.Outcome == Outcome.Planned).ToList();
        int Count(params ActionKind[] kinds) => planned.Count(a => kinds.Contains(a.Action));
        return sweep.Counts with
        {
            Rotated = Count(ActionKind.Rotate, ActionKind.CompleteRotation),
            Deactivated = Count(ActionKind.Deactivate),
            Deleted = Count(ActionKind.Delete),
            Reactivated = Count(ActionKind.Reactivate),
        };
    }

    private static void AddUserRows(List<PlanRow> rows, DateTimeOffset now, UserResult user)
    {
        var keyIds = user.Keys.Select(k => k.AccessKeyId).ToHashSet(StringComparer.Ordinal);
        var userLevel = user.Actions.Where(a => a.AccessKeyId is null).ToList();
        foreach (var key in user.Keys)
        {
            var own = user.Actions.Where(a => a.AccessKeyId == key.AccessKeyId).ToList();
            var actions = own.Count > 0 ? own : userLevel;
            if (actions.Count == 0)
            {
                rows.Add(KeyRow(user, key, now, null));
            }

            rows.AddRange(actions.Select(a => KeyRow(user, key, now, a)));
        }

        // Actions on keys the listing did not show (e.g. an orphan already deleted), and user-level actions of a user without keys.
        var unattached = user.Actions.Where(a => a.AccessKeyId is not null && !keyIds.Contains(a.AccessKeyId));
        if (user.Keys.Count == 0)
        {
            unattached = unattached.Concat(userLevel);
        }

        rows.AddRange(unattached.Select(a => new PlanRow(
            user.AccountId, user.UserName, a.AccessKeyId, null, null, null, false, a.Action.ToString(), a.Outcome.ToString(), a.Reason, a.NewAccessKeyId, a.Error)));
    }

    private static PlanRow KeyRow(UserResult user, KeySnapshot key, DateTimeOffset now, ActionResult? action) => new(
        user.AccountId,
        user.UserName,
        key.AccessKeyId,
        key.Status,
        AgeDays(now, key.CreateDate),
        key.LastUsedDate,
        key.LastUsedKnown,
        action?.Action.ToString() ?? NoAction,
        action?.Outcome.ToString() ?? "-",
        action?.Reason ?? "",
        action?.NewAccessKeyId,
        action?.Error);

    /// <summary>Whole days elapsed; negative when <c>--as-of</c> lies before the key was created.</summary>
    public static int AgeDays(DateTimeOffset now, DateTimeOffset then) => (int)Math.Floor((now - then).TotalDays);
}
