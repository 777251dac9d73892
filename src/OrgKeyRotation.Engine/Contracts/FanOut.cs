using System.Text.Json.Serialization;

namespace OrgKeyRotation.Engine.Contracts;

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
