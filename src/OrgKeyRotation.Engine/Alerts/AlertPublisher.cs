using System.Globalization;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.Alerts;

/// <summary>
/// Publishes a sweep's alerts to SNS as they happen. Alerts about one user are held until the user's work is finished
/// (<see cref="UserFinished"/>), then go out as ONE message ("rotated, old key deactivated"); alerts about no user
/// (an account that failed, a rotation step) go out on their own. Messages are sent in PublishBatch calls (the SNS
/// client groups them by 10 and 256 KB) as soon as ten are ready, at least every <see cref="DefaultFlushInterval"/>
/// (on the injected clock), and at the end (<see cref="FlushAsync"/>), the digest last. When SNS fails the rotation
/// still stands: the failure is logged, and every alert was logged when it was raised.
/// </summary>
internal sealed partial class AlertPublisher : IAsyncDisposable
{
    /// <summary>The longest a finished user's message waits for a batch to fill.</summary>
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromSeconds(2);

    /// <summary>Action-required lines kept for the digest; the digest counts the rest.</summary>
    public const int MaxAttentionKept = 10_000;

    private const int BatchSize = 10;

    private readonly ISnsClient _sns;
    private readonly string? _topicArn;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly Dictionary<(string AccountId, string UserName), List<Alert>> _users = [];
    private readonly List<SnsMessage> _ready = [];
    private readonly List<AttentionItem> _attention = [];
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ITimer _timer;
    private int _attentionTotal;
    private int _nextId;
    private int _backgroundRunning;
    private Task _background = Task.CompletedTask;

    public AlertPublisher(ISnsClient sns, string? topicArn, TimeProvider time, ILogger logger, TimeSpan? flushInterval = null)
    {
        _sns = sns;
        _topicArn = topicArn;
        _time = time;
        _logger = logger;
        var interval = flushInterval ?? DefaultFlushInterval;
        _timer = time.CreateTimer(_ => Kick(), null, interval, interval);
    }

    /// <summary>Alerts that needed a person, as digest lines (at most <see cref="MaxAttentionKept"/>).</summary>
    public IReadOnlyList<AttentionItem> Attention
    {
        get
        {
            lock (_lock)
            {
                return [.. _attention];
            }
        }
    }

    /// <summary>How many alert messages needed a person.</summary>
    public int AttentionTotal => Volatile.Read(ref _attentionTotal);

    /// <summary>Logs the alert and holds it with its user's others, or makes it ready when it is about no user.</summary>
    public void Add(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var level = alert.Event is AlertEvent.Failed or AlertEvent.Blocked ? LogLevel.Error
            : alert.Event is AlertEvent.Warning || AlertFormat.SeverityOf(alert) == AlertFormat.ActionRequired ? LogLevel.Warning
            : LogLevel.Information;
        LogAlert(_logger, level, AlertFormat.EventName(alert.Event), alert.AccountId, alert.UserName, alert.AccessKeyId, alert.Detail, alert.SweepId);
        lock (_lock)
        {
            if (alert.AccountId is { } accountId && alert.UserName is { } userName)
            {
                if (!_users.TryGetValue((accountId, userName), out var alerts))
                {
                    _users[(accountId, userName)] = alerts = [];
                }

                alerts.Add(alert);
                return;
            }

            Compose([alert]);
        }

        KickWhenFull();
    }

    /// <summary>The user's work in this sweep is finished: its alerts become one message.</summary>
    public void UserFinished(string accountId, string userName)
    {
        lock (_lock)
        {
            if (!_users.Remove((accountId, userName), out var alerts))
            {
                return;
            }

            Compose(alerts);
        }

        KickWhenFull();
    }

    /// <summary>Every user's alerts not yet sent become their messages (the end of a sweep, a restore, a rotation step).</summary>
    public void FinishUsers()
    {
        lock (_lock)
        {
            foreach (var alerts in _users.Values)
            {
                Compose(alerts);
            }

            _users.Clear();
        }
    }

    /// <summary>Publishes everything held or ready, and stops the periodic flush. Never throws for an SNS failure.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _timer.DisposeAsync();
        FinishUsers();
        await _background;
        await PublishReadyAsync(cancellationToken);
    }

    /// <summary>
    /// Publishes the sweep's digest after everything else, in the same PublishBatch call as the last user messages when
    /// they fit; true when SNS took the digest (or no topic is configured: the digest is in the log).
    /// </summary>
    public async Task<bool> PublishDigestAsync(DigestInput digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        await _timer.DisposeAsync();
        FinishUsers();
        await _background;
        var message = AlertFormat.ForDigest(digest, _time.GetUtcNow(), NextId());
        LogDigest(_logger, digest.SweepId, message.Subject);
        lock (_lock)
        {
            _ready.Add(message);
        }

        var failed = await PublishReadyAsync(cancellationToken);
        return !failed.Contains(message.Id);
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        await _background;
        _sending.Dispose();
    }

    /// <summary>Called under the lock.</summary>
    private void Compose(IReadOnlyList<Alert> alerts)
    {
        var (message, attention) = AlertFormat.ForUser(alerts, _time.GetUtcNow(), NextId());
        _ready.Add(message);
        if (attention is not null)
        {
            _attentionTotal++;
            if (_attention.Count < MaxAttentionKept)
            {
                _attention.Add(attention);
            }
        }
    }

    private string NextId() => "m" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    private void KickWhenFull()
    {
        bool full;
        lock (_lock)
        {
            full = _ready.Count >= BatchSize;
        }

        if (full)
        {
            Kick();
        }
    }

    /// <summary>Starts a background publish of what is ready, unless one runs already.</summary>
    private void Kick()
    {
        if (Interlocked.CompareExchange(ref _backgroundRunning, 1, 0) != 0)
        {
            return;
        }

        _background = PublishInBackgroundAsync();
    }

    private async Task PublishInBackgroundAsync()
    {
        try
        {
            await PublishReadyAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogBackgroundPublishFailed(_logger, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _backgroundRunning, 0);
        }
    }

    /// <summary>Publishes what is ready, in order; returns the ids of the messages SNS did not take.</summary>
    private async Task<HashSet<string>> PublishReadyAsync(CancellationToken cancellationToken)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        await _sending.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                List<SnsMessage> batch;
                lock (_lock)
                {
                    if (_ready.Count == 0)
                    {
                        return failed;
                    }

                    batch = [.. _ready];
                    _ready.Clear();
                }

                failed.UnionWith(await SendAsync(batch, cancellationToken));
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Returns the ids of the messages SNS did not take.</summary>
    private async Task<IEnumerable<string>> SendAsync(IReadOnlyList<SnsMessage> messages, CancellationToken cancellationToken)
    {
        if (_topicArn is null)
        {
            return [];
        }

        try
        {
            var failed = await _sns.PublishBatchAsync(_topicArn, messages, cancellationToken);
            foreach (var reason in failed.GroupBy(f => f.Reason, StringComparer.Ordinal))
            {
                LogRefused(_logger, reason.Count(), messages.Count, _topicArn, reason.Key);
            }

            return failed.Select(f => f.Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(_logger, messages.Count, _topicArn, ex.Message);
            return messages.Select(m => m.Id);
        }
    }

    [LoggerMessage(Message = "Alert {Event} {AccountId} {UserName} {AccessKeyId}: {Detail} (sweep {SweepId})")]
    private static partial void LogAlert(ILogger logger, LogLevel level, string @event, string? accountId, string? userName, string? accessKeyId, string detail, string sweepId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest of sweep {SweepId}: {Subject}")]
    private static partial void LogDigest(ILogger logger, string sweepId, string subject);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing alerts in the background failed: {Error}. The alerts are in this log")]
    private static partial void LogBackgroundPublishFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "SNS refused {Count} of {Total} alert messages for topic {TopicArn}: {Reason}. The alerts are in this log")]
    private static partial void LogRefused(ILogger logger, int count, int total, string topicArn, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing {Total} alert messages to {TopicArn} failed: {Error}. The rotations stand; the alerts are in this log")]
    private static partial void LogPublishFailed(ILogger logger, int total, string topicArn, string error);
}
