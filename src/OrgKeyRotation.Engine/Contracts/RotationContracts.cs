using System.Text.Json.Serialization;
using OrgKeyRotation.Core.Planning;

namespace OrgKeyRotation.Engine.Contracts;

/// <summary>
/// What one lifecycle step did (or, in a dry run, would do) to a user's keys, as results report it in JSON. The
/// planner decides in <see cref="PlannedActionKind"/>, which maps onto this (<c>UserExecutor.Map</c>); this enum is
/// the wire format and changes only with it, so a planner decision without a kind of its own (Block) is reported as
/// <see cref="Warn"/> with the outcome Failed.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionKind>))]
public enum ActionKind
{
    /// <summary>Create a new key, stage it AWSPENDING, verify it, promote it to AWSCURRENT.</summary>
    Rotate,
    /// <summary>Finish a rotation that stopped after the new key was staged (verify and promote).</summary>
    CompleteRotation,
    /// <summary>Set the previous key Inactive.</summary>
    Deactivate,
    /// <summary>Delete an inactive previous key, or an orphan left by a lost CreateAccessKey response.</summary>
    Delete,
    /// <summary>Set an inactive key Active again (restore).</summary>
    Reactivate,
    /// <summary>Record on the secret that a previous key was found inactive, so its restore window starts (a tag).</summary>
    RecordDeactivation,
    /// <summary>Nothing to do, with the reason.</summary>
    Skip,
    /// <summary>Nothing done, but a human should look (e.g. old key still in use).</summary>
    Warn,
}

[JsonConverter(typeof(JsonStringEnumConverter<Outcome>))]
public enum Outcome
{
    /// <summary>Dry run: would have been done.</summary>
    Planned,
    Succeeded,
    Failed,
    Skipped,
    /// <summary>Not started because the deadline came first; the next sweep (or redelivery) does it.</summary>
    NotStarted,
}

/// <summary>Overrides for one sweep; null means "as configured".</summary>
public sealed record SweepRequest
{
    /// <summary>Limit the sweep to these accounts (must be in scope).</summary>
    public IReadOnlyList<string>? Accounts { get; init; }

    public bool? DryRun { get; init; }

    /// <summary>Stop starting new work after this instant (the Lambda deadline minus a margin).</summary>
    public DateTimeOffset? StopStartingWorkAt { get; init; }

    /// <summary>Correlation id for logs and alerts; generated when absent.</summary>
    public string? SweepId { get; init; }

    /// <summary>Told about each account as soon as it is done (live progress in the CLI). Not part of the wire format.</summary>
    [JsonIgnore]
    public IProgress<AccountResult>? Progress { get; init; }
}

public sealed record ActionResult(
    ActionKind Action,
    Outcome Outcome,
    string Reason,
    string? AccessKeyId = null,
    string? NewAccessKeyId = null,
    string? Error = null);

/// <summary>
/// One access key as the sweep saw it (no secret). <paramref name="LastUsedKnown"/> is false when the sweep did not
/// read the key's last use (a rotation reads it only for keys whose fate depends on it); <paramref name="LastUsedDate"/>
/// is then null without meaning "never used".
/// </summary>
public sealed record KeySnapshot(
    string AccessKeyId,
    string Status,
    DateTimeOffset CreateDate,
    DateTimeOffset? LastUsedDate,
    KeyRole Role,
    bool LastUsedKnown = true);

public sealed record UserResult(string AccountId, string UserName, IReadOnlyList<KeySnapshot> Keys, IReadOnlyList<ActionResult> Actions);

public sealed record AccountResult(string AccountId, Outcome Outcome, string? Error, IReadOnlyList<UserResult> Users);

/// <summary>What a sweep, or one account of it, counted. The counts of several add up field by field (<c>+</c>).</summary>
public sealed record SweepCounts(int Accounts, int Users, int Rotated, int Deactivated, int Deleted, int Reactivated, int Warnings, int Failed, int NotStarted)
{
    /// <summary>Nothing counted: the start of a sum.</summary>
    public static SweepCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static SweepCounts operator +(SweepCounts left, SweepCounts right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(
            left.Accounts + right.Accounts,
            left.Users + right.Users,
            left.Rotated + right.Rotated,
            left.Deactivated + right.Deactivated,
            left.Deleted + right.Deleted,
            left.Reactivated + right.Reactivated,
            left.Warnings + right.Warnings,
            left.Failed + right.Failed,
            left.NotStarted + right.NotStarted);
    }
}

/// <summary>The structured result of a sweep. It never holds a secret.</summary>
public sealed record SweepResult(
    string SweepId,
    bool DryRun,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    SweepCounts Counts,
    IReadOnlyList<AccountResult> Accounts,
    IReadOnlyList<string> NotStartedAccounts);

/// <summary>One SQS message of the fan-out: sweep one account.</summary>
public sealed record AccountWorkItem(string SweepId, string AccountId, bool DryRun);

/// <summary>
/// The fan-out's last SQS message of a sweep, sent delayed after the accounts' work items: gather the account reports of
/// the sweep from the results queue and publish its one digest. <see cref="Round"/> counts how often it was sent again
/// (delayed) because accounts had not reported yet while work was still in flight; <see cref="SeenIdle"/> says the
/// previous round already found the work queue idle (its counts lag, so idle is believed on the second look).
/// </summary>
public sealed record DigestWorkItem(string SweepId, DateTimeOffset StartedAt, IReadOnlyList<string> Accounts, IReadOnlyList<string> NotEnqueued, int Round, bool SeenIdle)
{
    /// <summary>The <c>kind</c> of a digest item's body; an account work item has none.</summary>
    public const string DigestKind = "digest";

    public string Kind { get; init; } = DigestKind;
}

/// <summary>What a person should look at: the one-line text of an action-required alert.</summary>
public sealed record AttentionItem(string? AccountId, string? UserName, string? Owner, string Event, string Text);

/// <summary>
/// A fan-out worker's result for one account, sent to the results queue for the sweep's digest. A work item delivered
/// again (SQS retries a failed one) reports again; <see cref="ReportId"/> tells a duplicate delivery from a new report.
/// </summary>
public sealed record AccountReport(
    string SweepId,
    string AccountId,
    string ReportId,
    DateTimeOffset ReportedAt,
    Outcome Outcome,
    string? Error,
    SweepCounts Counts,
    bool NotStarted,
    IReadOnlyList<AttentionItem> Attention,
    int AttentionTotal);

/// <summary>One message of the results queue: an account report, or the mark that the sweep's digest went out.</summary>
public sealed record ResultsMessage(string SweepId, DateTimeOffset At, AccountReport? Report = null, bool DigestPublished = false);

[JsonConverter(typeof(JsonStringEnumConverter<DigestOutcome>))]
public enum DigestOutcome
{
    /// <summary>The digest was published (or logged, without a topic).</summary>
    Published,
    /// <summary>Accounts are missing and work is still in flight: the digest item was sent again, delayed.</summary>
    Redelayed,
    /// <summary>An earlier delivery of this digest item published it already: nothing was published again.</summary>
    AlreadyPublished,
}

/// <summary>What a digest item did.</summary>
public sealed record DigestResult(string SweepId, DigestOutcome Outcome, int Round, int AccountsReported, IReadOnlyList<string> NotReported, SweepCounts Counts);

public sealed record EnqueueResult(string SweepId, int Enqueued, IReadOnlyList<string> Accounts, IReadOnlyList<string> FailedToEnqueue);

/// <summary>A Secrets Manager rotation step event: Step is createSecret, setSecret, testSecret or finishSecret.</summary>
public sealed record RotationStepRequest(string Step, string SecretId, string ClientRequestToken);

public sealed record RotationStepResult(string Step, string SecretId, string ClientRequestToken, Outcome Outcome, string Message, string? AccessKeyId);

/// <summary>The engine as the hosts (Lambda, CLI) see it.</summary>
public interface IRotationService
{
    /// <summary>Plans and (unless dry run) executes the lifecycle for every user in scope, in this process.</summary>
    Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken);

    /// <summary>Fan-out: enumerates the accounts in scope and sends one work item per account to the work queue, then the delayed digest item.</summary>
    Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken);

    /// <summary>Fan-out worker: sweeps the one account of a work item and reports it to the results queue.</summary>
    Task<SweepResult> ProcessWorkItemAsync(AccountWorkItem item, DateTimeOffset? stopStartingWorkAt, CancellationToken cancellationToken);

    /// <summary>Fan-out: gathers a sweep's account reports and publishes its digest, or sends the item again (delayed) while accounts are missing.</summary>
    Task<DigestResult> ProcessDigestAsync(DigestWorkItem item, CancellationToken cancellationToken);

    /// <summary>One step of the Secrets Manager rotation protocol on a managed secret.</summary>
    Task<RotationStepResult> RunRotationStepAsync(RotationStepRequest request, CancellationToken cancellationToken);

    /// <summary>Emergency restore: sets an inactive key of a user Active again, with an alert.</summary>
    Task<ActionResult> RestoreAsync(string accountId, string userName, string accessKeyId, CancellationToken cancellationToken);

    /// <summary>Read-only inventory of every user and key in scope, for compliance reports.</summary>
    Task<InventoryReport> InventoryAsync(SweepRequest request, CancellationToken cancellationToken);
}

/// <summary>One user in the inventory.</summary>
public sealed record InventoryUser(
    string AccountId,
    string UserName,
    bool Managed,
    bool Exempt,
    DateTimeOffset? ExemptUntil,
    string? Owner,
    IReadOnlyList<KeySnapshot> Keys);

public sealed record InventoryReport(
    DateTimeOffset GeneratedAt,
    int MaxKeyAgeDays,
    IReadOnlyList<InventoryUser> Users,
    IReadOnlyList<AccountResult> FailedAccounts);

/// <summary>The request itself is invalid (an account outside the scope, an unknown rotation step, a malformed id). Nothing was changed.</summary>
public sealed class BadRequestException(string message) : Exception(message);
