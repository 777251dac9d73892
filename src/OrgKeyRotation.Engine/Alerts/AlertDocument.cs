using System.Text.Json.Serialization;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.Alerts;

/// <summary>
/// The body of every alert message, version 1 (docs/alerts.md, docs/alerts.schema.json): what a machine subscriber
/// reads. Fields are only ever added within a version; a removal or a change of meaning is a new version.
/// </summary>
internal sealed record AlertDocument(
    string Schema,
    int Version,
    string Event,
    IReadOnlyList<string> Events,
    string Severity,
    string Time,
    string SweepId,
    string? AccountId,
    string? UserName,
    string? Owner,
    AlertKeys? Keys,
    AlertSecret? Secret,
    string Text,
    IReadOnlyList<AlertStep> Detail,
    DigestDocument? Digest,
    IReadOnlyList<DestinationSnapshot>? Destinations = null)
{
    public const string SchemaName = "orgkeyrotation.alert";
    public const int CurrentVersion = 1;
}

/// <summary>Key ids by what happened to them (never a secret access key).</summary>
internal sealed record AlertKeys(string? New, string? Replaced, IReadOnlyList<string>? Deactivated, IReadOnlyList<string>? Deleted, IReadOnlyList<string>? Restored);

/// <summary>Where the user's key is handed over, and the command that reads it (with the user's own credentials).</summary>
internal sealed record AlertSecret(string Name, string? Arn, string? Read);

/// <summary>One thing that happened to the user in the sweep.</summary>
internal sealed record AlertStep(string Event, string Severity, string? AccessKeyId, string Title, string Text);

/// <summary>The sweep's digest: totals, the accounts that failed or did not report, and what needs a person.</summary>
internal sealed record DigestDocument(
    string Mode,
    string StartedAt,
    string FinishedAt,
    SweepCounts Totals,
    DigestAccounts Accounts,
    IReadOnlyList<AttentionItem> Attention,
    int AttentionTotal,
    bool Truncated);

/// <summary>
/// Accounts of the sweep. <see cref="Reported"/> counts the accounts whose results the digest holds; the lists name
/// the accounts with failures (the account, or some of its users), that did not report (fan-out: the worker failed or timed out), were not started
/// before the deadline, or could not be enqueued.
/// </summary>
internal sealed record DigestAccounts(int InScope, int Reported, AccountIdList Failed, AccountIdList NotReported, AccountIdList NotStarted, AccountIdList NotEnqueued);

/// <summary>A list of account ids, cut to fit the message when long; <see cref="Count"/> is always the full number.</summary>
internal sealed record AccountIdList(int Count, IReadOnlyList<string> Ids);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertDocument))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
