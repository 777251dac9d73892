using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Engine.Alerts;

/// <summary>
/// Collects a sweep's alerts and publishes them to SNS in batches of ten at the end. When SNS fails the rotation
/// still stands: the failure is logged and the alerts stay in the log.
/// </summary>
internal sealed class AlertPublisher(ISnsClient sns, string? topicArn, ILogger logger)
{
    public const int MaxSubjectLength = 100;

    private readonly ConcurrentQueue<Alert> _pending = new();

    public void Add(Alert alert)
    {
        _pending.Enqueue(alert);
        var level = alert.Event is AlertEvent.Failed ? LogLevel.Error : alert.Event is AlertEvent.Warning ? LogLevel.Warning : LogLevel.Information;
        logger.Log(level, "Alert {Event} {AccountId} {UserName} {AccessKeyId}: {Detail} (sweep {SweepId})", alert.Event, alert.AccountId, alert.UserName, alert.AccessKeyId, alert.Detail, alert.SweepId);
    }

    public IReadOnlyList<Alert> Drain()
    {
        var all = new List<Alert>();
        while (_pending.TryDequeue(out var alert))
        {
            all.Add(alert);
        }

        return all;
    }

    /// <summary>Publishes everything collected so far. Never throws for an SNS failure.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var alerts = Drain();
        if (alerts.Count == 0 || topicArn is null)
        {
            return;
        }

        var messages = alerts.Select((a, i) => ToMessage(a, i)).ToList();
        try
        {
            var failed = await sns.PublishBatchAsync(topicArn, messages, cancellationToken);
            if (failed.Count > 0)
            {
                logger.LogError("SNS refused {Count} of {Total} alerts for topic {TopicArn}; they are in this log", failed.Count, messages.Count, topicArn);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError("Publishing {Total} alerts to {TopicArn} failed: {Error}. The rotations stand; the alerts are in this log", messages.Count, topicArn, ex.Message);
        }
    }

    public static SnsMessage ToMessage(Alert alert, int index)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var eventName = EventName(alert.Event);
        var subject = $"[OrgKeyRotation] {eventName}: {alert.Title}";
        if (subject.Length > MaxSubjectLength)
        {
            subject = subject[..(MaxSubjectLength - 1)] + "…";
        }

        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Event:      {eventName}")
            .AppendLine(CultureInfo.InvariantCulture, $"Account:    {alert.AccountId ?? "-"}")
            .AppendLine(CultureInfo.InvariantCulture, $"User:       {alert.UserName ?? "-"}")
            .AppendLine(CultureInfo.InvariantCulture, $"Key id:     {alert.AccessKeyId ?? "-"}")
            .AppendLine(CultureInfo.InvariantCulture, $"Owner:      {alert.Owner ?? "-"}")
            .AppendLine(CultureInfo.InvariantCulture, $"Sweep:      {alert.SweepId}")
            .AppendLine()
            .AppendLine(alert.Detail)
            .ToString();

        var attributes = new Dictionary<string, string> { ["event"] = eventName, ["sweepId"] = alert.SweepId };
        void Put(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                attributes[name] = value;
            }
        }

        Put("accountId", alert.AccountId);
        Put("userName", alert.UserName);
        Put("accessKeyId", alert.AccessKeyId);
        Put("owner", alert.Owner);
        return new SnsMessage($"m{index}", subject, body, attributes);
    }

    public static string EventName(AlertEvent alertEvent) => alertEvent switch
    {
        AlertEvent.Rotated => "rotated",
        AlertEvent.Deactivated => "deactivated",
        AlertEvent.Deleted => "deleted",
        AlertEvent.Restored => "restored",
        AlertEvent.Failed => "failed",
        AlertEvent.Warning => "warning",
        _ => "summary",
    };
}
