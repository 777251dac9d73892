using System.Text.Json.Serialization;

namespace OrgKeyRotation.Engine.Contracts;

/// <summary>What one lifecycle step does to a user's keys.</summary>
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

/// <summary>Which role a key plays for the rotator, derived from the user's secret.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KeyRole>))]
public enum KeyRole
{
    /// <summary>Held by the secret's AWSCURRENT version.</summary>
    Current,
    /// <summary>Held by AWSPENDING: a rotation in progress.</summary>
    Pending,
    /// <summary>Held by AWSPREVIOUS: replaced, on its way to deactivation and deletion.</summary>
    Previous,
    /// <summary>Not in the secret (unmanaged user, or an orphan from a lost response).</summary>
    Untracked,
}

/// <summary>One access key as the sweep saw it (no secret).</summary>
public sealed record KeySnapshot(
    string AccessKeyId,
    string Status,
    DateTimeOffset CreateDate,
    DateTimeOffset? LastUsedDate,
    KeyRole Role);

public sealed record UserResult(string AccountId, string UserName, IReadOnlyList<KeySnapshot> Keys, IReadOnlyList<ActionResult> Actions);

public sealed record AccountResult(string AccountId, Outcome Outcome, string? Error, IReadOnlyList<UserResult> Users);

public sealed record SweepCounts(int Accounts, int Users, int Rotated, int Deactivated, int Deleted, int Reactivated, int Warnings, int Failed, int NotStarted);

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

public sealed record EnqueueResult(string SweepId, int Enqueued, IReadOnlyList<string> Accounts, IReadOnlyList<string> FailedToEnqueue);

/// <summary>A Secrets Manager rotation step event: Step is createSecret, setSecret, testSecret or finishSecret.</summary>
public sealed record RotationStepRequest(string Step, string SecretId, string ClientRequestToken);

public sealed record RotationStepResult(string Step, string SecretId, string ClientRequestToken, Outcome Outcome, string Message, string? AccessKeyId);

/// <summary>The engine as the hosts (Lambda, CLI) see it.</summary>
public interface IRotationService
{
    /// <summary>Plans and (unless dry run) executes the lifecycle for every user in scope, in this process.</summary>
    Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken);

    /// <summary>Fan-out: enumerates the accounts in scope and sends one work item per account to the work queue.</summary>
    Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken);

    /// <summary>Fan-out worker: sweeps the one account of a work item.</summary>
    Task<SweepResult> ProcessWorkItemAsync(AccountWorkItem item, DateTimeOffset? stopStartingWorkAt, CancellationToken cancellationToken);

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
