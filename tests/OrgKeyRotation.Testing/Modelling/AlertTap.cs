using System.Text.Json;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>One SNS message as it was published: its attributes (event, severity, userName, ...) and its default body.</summary>
public sealed record PublishedMessage(DateTimeOffset At, IReadOnlyDictionary<string, string> Attributes, string Body)
{
    public string? Attribute(string name) => Attributes.GetValueOrDefault(name);
}

/// <summary>
/// Keeps every message published through SNS PublishBatch that moto accepted, on the model's clock, so a test reads
/// the alerts without a queue subscription (and without the calls that would cost). A message published with
/// MessageStructure=json is kept as its "default" rendering, the one machine subscribers receive.
/// </summary>
public sealed class AlertTap : AwsBehaviour
{
    private readonly Lock _lock = new();
    private readonly List<PublishedMessage> _messages = [];

    public IReadOnlyList<PublishedMessage> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        var response = await next(cancellationToken);
        if (call.Service != "sns" || call.Operation != "PublishBatch" || !response.IsSuccessStatusCode)
        {
            return response;
        }

        var at = call.Time.GetUtcNow();
        var published = new List<PublishedMessage>();
        for (var i = 1; call.Parameter($"PublishBatchRequestEntries.member.{i}.Id") is not null; i++)
        {
            var prefix = $"PublishBatchRequestEntries.member.{i}.";
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var n = 1; call.Parameter($"{prefix}MessageAttributes.entry.{n}.Name") is { } name; n++)
            {
                attributes[name] = call.Parameter($"{prefix}MessageAttributes.entry.{n}.Value.StringValue") ?? "";
            }

            var message = call.Parameter(prefix + "Message") ?? "";
            if (call.Parameter(prefix + "MessageStructure") == "json")
            {
                using var structured = JsonDocument.Parse(message);
                message = structured.RootElement.GetProperty("default").GetString() ?? "";
            }

            published.Add(new PublishedMessage(at, attributes, message));
        }

        lock (_lock)
        {
            _messages.AddRange(published);
        }

        return response;
    }
}
