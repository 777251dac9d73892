using System.Globalization;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.Alerts;

/// <summary>What a digest is made of, before it is fitted into one message.</summary>
internal sealed record DigestInput(
    string SweepId,
    string Mode,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    SweepCounts Totals,
    int AccountsInScope,
    int AccountsReported,
    IReadOnlyList<string> FailedAccounts,
    IReadOnlyList<string> NotReportedAccounts,
    IReadOnlyList<string> NotStartedAccounts,
    IReadOnlyList<string> NotEnqueuedAccounts,
    IReadOnlyList<AttentionItem> Attention,
    int AttentionTotal)
{
    public const string SingleProcess = "single-process";
    public const string FanOut = "fan-out";
}

/// <summary>
/// Alert messages, format v1 (docs/alerts.md): a JSON body (<see cref="AlertDocument"/>) for machines, a subject and an
/// email text for people, and the message attributes subscriptions filter on: event, severity, sweepId, accountId,
/// userName, owner, and accessKeyId (the key of the message's event).
/// </summary>
internal static class AlertFormat
{
    public const string Info = "info";
    public const string ActionRequired = "action-required";
    public const string SummarySeverity = "summary";

    /// <summary>SNS's limit for one message (body and attributes), 256 KB.</summary>
    public const int MaxMessageBytes = 262_144;

    /// <summary>What a digest may take of it: the rest is for the subject and the attributes, with room to spare.</summary>
    public const int DigestBudgetBytes = 240 * 1024;

    /// <summary>SNS refuses a subject of 100 characters or more.</summary>
    public const int MaxSubjectLength = 99;

    private const string SubjectPrefix = "[OrgKeyRotation] ";

    /// <summary>Most significant first: the message's <c>event</c> is the first of these among its steps.</summary>
    private static readonly AlertEvent[] Significance =
        [AlertEvent.Failed, AlertEvent.Blocked, AlertEvent.Deferred, AlertEvent.Restored, AlertEvent.Rotated, AlertEvent.Deactivated, AlertEvent.Deleted, AlertEvent.Warning, AlertEvent.Summary];

    public static string EventName(AlertEvent alertEvent) => alertEvent switch
    {
        AlertEvent.Rotated => "rotated",
        AlertEvent.Deactivated => "deactivated",
        AlertEvent.Deleted => "deleted",
        AlertEvent.Restored => "restored",
        AlertEvent.Failed => "failed",
        AlertEvent.Warning => "warning",
        AlertEvent.Blocked => "blocked",
        AlertEvent.Deferred => "deferred",
        AlertEvent.Summary => "digest",
        _ => throw new ArgumentOutOfRangeException(nameof(alertEvent), alertEvent, "no wire name for this event"),
    };

    /// <summary>
    /// action-required for what a person must act on: failures, blocked users, restores, keys not verified in time, and a
    /// previous key deactivated at the forced deadline while still in use; info for the routine rest.
    /// </summary>
    public static string SeverityOf(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Event switch
        {
            AlertEvent.Summary => SummarySeverity,
            AlertEvent.Failed or AlertEvent.Blocked or AlertEvent.Restored or AlertEvent.Deferred => ActionRequired,
            _ => alert.ActionRequired ? ActionRequired : Info,
        };
    }

    /// <summary>The command that prints the secret's value; the ARN's region, so it works from any configured region.</summary>
    public static string ReadCommand(string secretArn)
    {
        var parts = secretArn.Split(':');
        var region = parts.Length >= 7 && parts[0] == "arn" ? parts[3] : null;
        return $"aws secretsmanager get-secret-value --secret-id {secretArn}{(string.IsNullOrEmpty(region) ? "" : $" --region {region}")} --query SecretString --output text";
    }

    /// <summary>
    /// All that happened to one user in one sweep, as one message. <paramref name="alerts"/> are that user's alerts in the
    /// order they were raised.
    /// </summary>
    public static (SnsMessage Message, AttentionItem? Attention) ForUser(IReadOnlyList<Alert> alerts, DateTimeOffset time, string id)
    {
        ArgumentOutOfRangeException.ThrowIfZero(alerts.Count);
        var first = alerts[0];
        var steps = alerts.Select(a => new AlertStep(EventName(a.Event), SeverityOf(a), a.AccessKeyId, a.Title, a.Detail)).ToList();
        var primary = Significance.First(e => alerts.Any(a => a.Event == e));
        var severity = steps.Any(s => s.Severity == ActionRequired) ? ActionRequired : Info;
        var owner = alerts.Select(a => a.Owner).FirstOrDefault(o => !string.IsNullOrEmpty(o));
        var secretName = alerts.Select(a => a.SecretName).LastOrDefault(n => n is not null);
        var secretArn = alerts.Select(a => a.SecretArn).LastOrDefault(n => n is not null);
        var secret = secretName is null && secretArn is null ? null : new AlertSecret(secretName ?? secretArn!, secretArn, secretArn is null ? null : ReadCommand(secretArn));
        var rotated = alerts.LastOrDefault(a => a.Event == AlertEvent.Rotated);
        List<string>? KeysOf(AlertEvent e) => alerts.Where(a => a.Event == e && a.AccessKeyId is not null).Select(a => a.AccessKeyId!).Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } ids ? ids : null;
        var keys = new AlertKeys(rotated?.AccessKeyId, rotated?.ReplacedAccessKeyId, KeysOf(AlertEvent.Deactivated), KeysOf(AlertEvent.Deleted), KeysOf(AlertEvent.Restored));
        var hasKeys = keys.New is not null || keys.Replaced is not null || keys.Deactivated is not null || keys.Deleted is not null || keys.Restored is not null;
        // A user's message says who once, then each step in a few words; an account's or the sweep's is its title.
        var text = first.UserName is null
            ? string.Join("; ", alerts.Select(a => a.Title))
            : $"{first.UserName} in {first.AccountId}: {string.Join("; ", alerts.Select(Phrase))}";
        var document = new AlertDocument(
            AlertDocument.SchemaName,
            AlertDocument.CurrentVersion,
            EventName(primary),
            steps.Select(s => s.Event).Distinct(StringComparer.Ordinal).ToList(),
            severity,
            Instant(time),
            first.SweepId,
            first.AccountId,
            first.UserName,
            owner,
            hasKeys ? keys : null,
            secret,
            text,
            steps,
            Digest: null,
            alerts.Select(a => a.Destinations).LastOrDefault(d => d is not null));
        var email = UserEmail(document);
        var message = Message(id, Subject(severity, text), document, email, alerts.Last(a => a.Event == primary).AccessKeyId);
        var attention = severity == ActionRequired ? new AttentionItem(first.AccountId, first.UserName, owner, document.Event, text) : null;
        return (message, attention);
    }

    /// <summary>The sweep's digest as one message, its lists cut (and said to be) until it fits SNS's limit.</summary>
    public static SnsMessage ForDigest(DigestInput input, DateTimeOffset time, string id)
    {
        ArgumentNullException.ThrowIfNull(input);
        var longest = new[] { input.FailedAccounts.Count, input.NotReportedAccounts.Count, input.NotStartedAccounts.Count, input.NotEnqueuedAccounts.Count, input.Attention.Count }.Max();
        var cap = Math.Min(longest, 1000);
        while (true)
        {
            var message = DigestMessage(input, time, id, cap, truncated: cap < longest || input.Attention.Count < input.AttentionTotal);
            if (cap == 0 || Encoding.UTF8.GetByteCount(Envelope(message)) <= DigestBudgetBytes)
            {
                return message;
            }

            cap /= 2;
        }
    }

    /// <summary>The Message parameter SNS receives for <paramref name="message"/>: both renderings in one JSON object.</summary>
    public static string Envelope(SnsMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("default", message.Body);
            if (message.EmailBody is not null)
            {
                writer.WriteString("email", message.EmailBody);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static SnsMessage DigestMessage(DigestInput input, DateTimeOffset time, string id, int cap, bool truncated)
    {
        AccountIdList Cut(IReadOnlyList<string> ids) => new(ids.Count, ids.Take(cap).ToList());
        var totals = input.Totals;
        var needs = input.AttentionTotal;
        var text = $"Sweep {input.SweepId}: {totals.Rotated} rotated, {totals.Deactivated} deactivated, {totals.Deleted} deleted, {totals.FailedNotBlocked} failed, {totals.Blocked} blocked, "
            + $"{needs} need{(needs == 1 ? "s" : "")} a person; {totals.Users} users in {input.AccountsReported} of {input.AccountsInScope} accounts"
            + (input.NotReportedAccounts.Count > 0 ? $", {input.NotReportedAccounts.Count} not reported" : "");
        var digest = new DigestDocument(
            input.Mode,
            Instant(input.StartedAt),
            Instant(input.FinishedAt),
            totals,
            new DigestAccounts(input.AccountsInScope, input.AccountsReported, Cut(input.FailedAccounts), Cut(input.NotReportedAccounts), Cut(input.NotStartedAccounts), Cut(input.NotEnqueuedAccounts)),
            input.Attention.Take(cap).ToList(),
            input.AttentionTotal,
            truncated);
        var step = new AlertStep(EventName(AlertEvent.Summary), SummarySeverity, null, "sweep digest", text);
        var document = new AlertDocument(
            AlertDocument.SchemaName, AlertDocument.CurrentVersion, step.Event, [step.Event], SummarySeverity, Instant(time), input.SweepId,
            AccountId: null, UserName: null, Owner: null, Keys: null, Secret: null, text, [step], digest);
        var subject = $"digest: {totals.Rotated} rotated, {totals.FailedNotBlocked} failed, {needs} to act on"
            + (input.NotReportedAccounts.Count > 0 ? $", {input.NotReportedAccounts.Count} accounts not reported" : "");
        return Message(id, SubjectPrefix + subject, document, DigestEmail(document, digest), accessKeyId: null);
    }

    private static SnsMessage Message(string id, string subject, AlertDocument document, string email, string? accessKeyId)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["event"] = document.Event,
            ["severity"] = document.Severity,
            ["sweepId"] = document.SweepId,
        };
        void Put(string name, string? value)
        {
            // SNS refuses an attribute without a value.
            if (!string.IsNullOrEmpty(value))
            {
                attributes[name] = value;
            }
        }

        Put("accountId", document.AccountId);
        Put("userName", document.UserName);
        Put("owner", document.Owner);
        Put("accessKeyId", accessKeyId);
        var body = JsonSerializer.Serialize(document, AlertJsonContext.Default.AlertDocument);
        return new SnsMessage(id, Shorten(subject), body, attributes, email);
    }

    private static string Subject(string severity, string text) =>
        SubjectPrefix + (severity == ActionRequired ? "action required: " : "") + text;

    /// <summary>Subjects are ASCII, on one line and under 100 characters (SNS's rule); the text line says the rest.</summary>
    private static string Shorten(string subject)
    {
        var clean = new string(subject.Select(c => char.IsControl(c) ? ' ' : c > '~' ? '?' : c).ToArray()).Trim();
        return clean.Length > MaxSubjectLength ? clean[..(MaxSubjectLength - 3)] + "..." : clean;
    }

    /// <summary>One step, in a few words.</summary>
    private static string Phrase(Alert alert) => alert.Event switch
    {
        AlertEvent.Rotated => alert.ReplacedAccessKeyId is null ? $"new key {alert.AccessKeyId} is current" : $"rotated ({alert.AccessKeyId} replaces {alert.ReplacedAccessKeyId})",
        AlertEvent.Deactivated => alert.ActionRequired ? $"old key {alert.AccessKeyId} deactivated although still in use (forced deadline)" : $"old key {alert.AccessKeyId} deactivated",
        AlertEvent.Deleted => $"key {alert.AccessKeyId} deleted",
        AlertEvent.Restored => $"key {alert.AccessKeyId} re-activated (restore)",
        _ => WithoutWho(alert.Title, alert.AccountId, alert.UserName),
    };

    /// <summary>A title without the account/user it names: the text line says who once, at its start.</summary>
    private static string WithoutWho(string title, string? accountId, string? userName)
    {
        if (accountId is null || userName is null)
        {
            return title;
        }

        // Only where a title names the user (at its start, or after "for" or "of"): a destination's name may hold the
        // account and user too, and stays whole.
        var who = $"{accountId}/{userName}";
        foreach (var start in new[] { $"{who}: ", $"{who} " })
        {
            if (title.StartsWith(start, StringComparison.Ordinal))
            {
                title = title[start.Length..];
                break;
            }
        }

        foreach (var form in new[] { $" for {who}", $" of {who}" })
        {
            title = title.Replace(form, "", StringComparison.Ordinal);
        }

        return title.Trim();
    }

    private static string UserEmail(AlertDocument document)
    {
        var text = new StringBuilder()
            .AppendLine(document.Text)
            .AppendLine()
            .AppendLine(document.Severity == ActionRequired ? "A person needs to act on this." : "Nothing to do: this is for your information.")
            .AppendLine();
        foreach (var step in document.Detail)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {step.Title} [{step.Event}{(step.Severity == ActionRequired ? ", action required" : "")}]");
            foreach (var line in step.Text.Split('\n'))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {line.TrimEnd()}");
            }
        }

        if (document.Destinations is { } destinations)
        {
            text.AppendLine()
                .AppendLine("The key is also written to these destinations (never shown here):");
            foreach (var destination in destinations)
            {
                var holds = destination.AccessKeyId is null ? "not written yet" : $"holds {destination.AccessKeyId} since {destination.RecordedAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}";
                text.AppendLine(CultureInfo.InvariantCulture, $"  {destination.Name}: {(destination.HoldsCurrentKey ? "current" : "NOT current")} ({holds})");
            }
        }

        if (document.Secret is { } secret)
        {
            text.AppendLine()
                .AppendLine("The key is handed over in AWS Secrets Manager; this message never contains it.")
                .AppendLine(CultureInfo.InvariantCulture, $"  Secret: {secret.Name}");
            if (secret.Arn is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  ARN:    {secret.Arn}")
                    .AppendLine("  Read it with the user's own credentials:")
                    .AppendLine(CultureInfo.InvariantCulture, $"  {secret.Read}");
            }
        }

        return Footer(text, document).ToString();
    }

    private static string DigestEmail(AlertDocument document, DigestDocument digest)
    {
        var t = digest.Totals;
        var text = new StringBuilder()
            .AppendLine(document.Text)
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Rotated {t.Rotated}, deactivated {t.Deactivated}, deleted {t.Deleted}, re-activated {t.Reactivated}, failed {t.FailedNotBlocked}, blocked {t.Blocked}, warnings {t.Warnings}, not started {t.NotStarted}.")
            .AppendLine(CultureInfo.InvariantCulture, $"{t.Users} users in {digest.Accounts.Reported} of {digest.Accounts.InScope} accounts ({digest.Mode}), {digest.StartedAt} to {digest.FinishedAt}.");
        void Accounts(string title, AccountIdList list)
        {
            if (list.Count > 0)
            {
                text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{title} ({list.Count}): {string.Join(", ", list.Ids)}{(list.Ids.Count < list.Count ? ", ..." : "")}");
            }
        }

        Accounts("Accounts that failed", digest.Accounts.Failed);
        Accounts("Accounts that did not report (their worker failed or timed out; see the function's logs and the dead-letter queue)", digest.Accounts.NotReported);
        Accounts("Accounts not started before the deadline (the next sweep does them)", digest.Accounts.NotStarted);
        Accounts("Accounts that could not be enqueued", digest.Accounts.NotEnqueued);
        if (digest.AttentionTotal > 0)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Needs a person ({digest.AttentionTotal}):");
            foreach (var item in digest.Attention)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {item.Text}{(item.Owner is null ? "" : $" (owner: {item.Owner})")}");
            }

            if (digest.Attention.Count < digest.AttentionTotal)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- ... and {digest.AttentionTotal - digest.Attention.Count} more: each had its own action-required message.");
            }
        }
        else
        {
            text.AppendLine().AppendLine("Nothing needs a person.");
        }

        return Footer(text, document).ToString();
    }

    private static StringBuilder Footer(StringBuilder text, AlertDocument document)
    {
        text.AppendLine()
            .AppendLine("--")
            .AppendLine(CultureInfo.InvariantCulture, $"Sweep {document.SweepId}, {document.Time}. Event {document.Event}, severity {document.Severity}.");
        if (document.AccountId is not null || document.UserName is not null || document.Owner is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Account {document.AccountId ?? "-"}, user {document.UserName ?? "-"}, owner {document.Owner ?? "-"}.");
        }

        return text.AppendLine(CultureInfo.InvariantCulture, $"Machine subscribers receive this as JSON ({document.Schema} v{document.Version}; see docs/alerts.md).");
    }

    private static string Instant(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
