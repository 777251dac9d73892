using System.Globalization;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>One call a consumer signed: with which key, whether AWS accepted it, which try of the consumer's backoff it was.</summary>
internal sealed record ConsumerCall(DateTimeOffset At, Consumer Consumer, string AccessKeyId, bool Accepted, int Attempt);

/// <summary>A consumer's call failed for good (its own way of switching did not bring it a working key).</summary>
internal sealed record GaveUp(DateTimeOffset At, Consumer Consumer, string AccessKeyId);

/// <summary>A consumer read its destination and found this key (null: the destination holds none yet).</summary>
internal sealed record ConsumerRead(DateTimeOffset At, Consumer Consumer, string? AccessKeyId);

/// <summary>Something the simulation itself did: a sweep, a restore by the operator.</summary>
internal sealed record Happening(DateTimeOffset At, SimulatedUser? User, string Text);

/// <summary>An invariant that did not hold, for whom, when and why.</summary>
internal sealed record Violation(string Invariant, SimulatedUser User, DateTimeOffset At, string Why);

/// <summary>
/// Everything that happened in a run, in order: keys (from the model's IAM view), consumer reads and calls, alerts,
/// sweeps and restores. Keys are named K1, K2, ... per user in creation order and times are the simulated day and
/// minute, so the same seed renders the same text.
/// </summary>
internal sealed class Timeline(DateTimeOffset start, KeyLifecycle keys, AlertTap alerts)
{
    private readonly Lock _lock = new();
    private readonly List<ConsumerCall> _calls = [];
    private readonly List<GaveUp> _gaveUp = [];
    private readonly List<ConsumerRead> _reads = [];
    private readonly List<Happening> _happenings = [];
    private readonly List<(DateTimeOffset Start, DateTimeOffset End)> _engineWork = [];
    private readonly HashSet<SimulatedUser> _withDestinations = [];
    private readonly Dictionary<(SimulatedUser User, string AccessKeyId), DateTimeOffset> _destinationsHold = [];

    public IReadOnlyList<ConsumerCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<ConsumerRead> Reads
    {
        get
        {
            lock (_lock)
            {
                return [.. _reads];
            }
        }
    }

    public IReadOnlyList<PublishedMessage> Alerts => alerts.Messages;

    public IReadOnlyList<Happening> Happenings
    {
        get
        {
            lock (_lock)
            {
                return [.. _happenings];
            }
        }
    }

    /// <summary>The user has destinations besides its secret (the configuration's destinations).</summary>
    public void HasDestinations(SimulatedUser user)
    {
        lock (_lock)
        {
            _withDestinations.Add(user);
        }
    }

    /// <summary>Every destination of <paramref name="user"/> holds <paramref name="accessKeyId"/> (the first sweep that says so counts).</summary>
    public void DestinationsHold(SimulatedUser user, string accessKeyId, DateTimeOffset at)
    {
        lock (_lock)
        {
            _destinationsHold.TryAdd((user, accessKeyId), at);
        }
    }

    /// <summary>
    /// When every destination of <paramref name="user"/> first held <paramref name="accessKeyId"/>: the start of time
    /// for a user without destinations, null while they do not.
    /// </summary>
    public DateTimeOffset? DestinationsHeld(SimulatedUser user, string accessKeyId)
    {
        lock (_lock)
        {
            return !_withDestinations.Contains(user) ? DateTimeOffset.MinValue : _destinationsHold.TryGetValue((user, accessKeyId), out var at) ? at : null;
        }
    }

    public void Add(ConsumerCall call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }

    public void Add(GaveUp gaveUp)
    {
        lock (_lock)
        {
            _gaveUp.Add(gaveUp);
        }
    }

    public void Add(ConsumerRead read)
    {
        lock (_lock)
        {
            _reads.Add(read);
        }
    }

    /// <summary>
    /// Engine work (a sweep, a restore) ran from <paramref name="start"/> to <paramref name="end"/>. The simulated clock
    /// moves inside it by however many timers the engine waited on; what happens inside is shown at its start's minute.
    /// </summary>
    public void AddEngineWork(DateTimeOffset start, DateTimeOffset end)
    {
        lock (_lock)
        {
            _engineWork.Add((start, end));
        }
    }

    public void Add(Happening happening)
    {
        lock (_lock)
        {
            _happenings.Add(happening);
        }
    }

    /// <summary>The key messages an alert names: the key of its event, and those of the body's <c>keys</c>.</summary>
    public static IEnumerable<string> KeysNamed(PublishedMessage message)
    {
        if (message.Attribute("accessKeyId") is { } key)
        {
            yield return key;
        }

        using var body = JsonDocument.Parse(message.Body);
        if (body.RootElement.TryGetProperty("keys", out var named))
        {
            foreach (var group in named.EnumerateObject())
            {
                if (group.Value.ValueKind == JsonValueKind.String)
                {
                    yield return group.Value.GetString()!;
                }
                else if (group.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var id in group.Value.EnumerateArray())
                    {
                        yield return id.GetString()!;
                    }
                }
            }
        }
    }

    /// <summary>The one-line text of an alert (the body's <c>text</c>).</summary>
    public static string TextOf(PublishedMessage message)
    {
        using var body = JsonDocument.Parse(message.Body);
        return body.RootElement.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "";
    }

    /// <summary>Everything a person reads in an alert: its line and each step's explanation.</summary>
    public static string DetailsOf(PublishedMessage message)
    {
        using var body = JsonDocument.Parse(message.Body);
        var steps = body.RootElement.TryGetProperty("detail", out var detail) ? detail.EnumerateArray().Select(d => d.GetProperty("text").GetString()) : [];
        return string.Join("\n", steps.Prepend(TextOf(message)));
    }

    /// <summary>The timeline of <paramref name="user"/>, one line per event, keys named K1, K2, ...</summary>
    public string Render(SimulatedUser user)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var created in keys.Events.Where(e => e.Change == KeyChange.Created && Is(user, e.AccountId, e.UserName)))
        {
            labels.TryAdd(created.AccessKeyId, "K" + (labels.Count + 1).ToString(CultureInfo.InvariantCulture));
        }

        string Label(string? id) => id is null ? "none" : labels.TryGetValue(id, out var label) ? label : "another key";
        string Named(string text) => labels.Aggregate(text, (t, pair) => t.Replace(pair.Key, pair.Value, StringComparison.Ordinal));

        var lines = new List<(DateTimeOffset At, int Order, string Text)>();
        lock (_lock)
        {
            lines.AddRange(_happenings.Where(h => h.User is null || h.User == user).Select(h => (h.At, 0, h.Text)));
            lines.AddRange(_reads.Where(r => r.Consumer.User == user).Select(r => (r.At, 3, $"{Describe(r.Consumer)} reads {Label(r.AccessKeyId)}")));
            lines.AddRange(_calls.Where(c => c.Consumer.User == user).Select(c => (c.At, 3, $"{Describe(c.Consumer)} calls with {Label(c.AccessKeyId)}: {(c.Accepted ? "ok" : "REFUSED")}{(c.Attempt > 0 ? $" (retry {c.Attempt})" : "")}")));
            lines.AddRange(_gaveUp.Where(g => g.Consumer.User == user).Select(g => (g.At, 4, $"{Describe(g.Consumer)} GAVE UP: no working key ({Label(g.AccessKeyId)} refused)")));
        }

        lines.AddRange(keys.Events.Where(e => Is(user, e.AccountId, e.UserName)).Select(e => (e.At, 1, $"key {Label(e.AccessKeyId)} {e.Change.ToString().ToLowerInvariant()}")));
        lines.AddRange(alerts.Messages.Where(m => m.Attribute("userName") == user.UserName && m.Attribute("accountId") == user.AccountId)
            .Select(m => (m.At, 2, $"alert [{m.Attribute("severity")}] {m.Attribute("event")}: {Named(TextOf(m))}")));

        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"timeline of {user.UserName} in {user.AccountId} (day 0 = {start:yyyy-MM-dd}):");
        foreach (var line in lines.OrderBy(l => l.At).ThenBy(l => l.Order))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Stamp(line.At)}  {line.Text}");
        }

        return text.ToString();
    }

    /// <summary>Day and minute since the start: "d090 10:00"; inside engine work, that of its start.</summary>
    public string Stamp(DateTimeOffset at)
    {
        lock (_lock)
        {
            var work = _engineWork.FindLast(w => w.Start <= at && at <= w.End);
            at = work == default ? at : work.Start;
        }

        var since = at - start;
        return $"d{(int)Math.Floor(since.TotalDays):000} {at.UtcDateTime:HH:mm}";
    }

    private static string Describe(Consumer consumer) => $"{consumer.Name} (kind {(int)consumer.Kind})";

    private static bool Is(SimulatedUser user, string accountId, string userName) =>
        user.AccountId == accountId && string.Equals(user.UserName, userName, StringComparison.OrdinalIgnoreCase);
}
