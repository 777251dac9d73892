using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>
/// SNS PublishBatch over the Query protocol (2010-03-31), signed for the topic's own region. Attributes are sent as
/// String message attributes. A message with an email rendering goes out with MessageStructure=json (the Publish API
/// reference: "If you want to send different messages for each transport protocol, set the value of the
/// MessageStructure parameter to json and use a JSON object for the Message parameter"; the object needs a "default"
/// string): email subscriptions get the text, every other protocol the default.
/// </summary>
internal sealed class SnsClient(Func<string, SignedServiceClient> clientForRegion) : ISnsClient
{
    /// <summary>
    /// PublishBatch API reference: at most 10 entries, and "the maximum allowed individual message size and the maximum
    /// total payload size (the sum of the individual lengths of all of the batched messages) are both 256 KB
    /// (262,144 bytes)". A message's size counts its body and attributes; the subject is counted too, to stay clear.
    /// </summary>
    internal const int MaxBatchEntries = 10;

    internal const int MaxPayloadBytes = 262_144;

    internal const string CutMarker = "\n... [cut to fit SNS's 256 KB message limit]";

    private const string Version = "2010-03-31";

    // SNS refuses subjects of 100 characters or more, non-ASCII or with control characters; an alert must not fail over its subject.
    private const int MaxSubject = 99;

    private readonly ConcurrentDictionary<string, SignedServiceClient> _clients = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<SnsPublishFailure>> PublishBatchAsync(string topicArn, IReadOnlyList<SnsMessage> messages, CancellationToken cancellationToken)
    {
        var client = _clients.GetOrAdd(RegionOf(topicArn), clientForRegion);
        var failed = new List<SnsPublishFailure>();
        foreach (var batch in Batches(messages.Select(Fit)))
        {
            var parameters = new List<KeyValuePair<string, string>> { new("TopicArn", topicArn) };
            for (var i = 0; i < batch.Count; i++)
            {
                var prefix = $"PublishBatchRequestEntries.member.{(i + 1).ToString(CultureInfo.InvariantCulture)}.";
                parameters.Add(new(prefix + "Id", batch[i].Id));
                AddMessage(parameters, prefix, batch[i]);
            }

            try
            {
                var refused = await client.QueryAsync("PublishBatch", Version, parameters, idempotent: true, result => result.Members("Failed")
                    .Select(f => new SnsPublishFailure(f.Required("Id"), $"{f.Text("Code") ?? "Failed"}: {f.Text("Message") ?? "no message"}"))
                    .ToList(), cancellationToken).ConfigureAwait(false);
                failed.AddRange(refused);
            }
            catch (AwsException e)
            {
                // This request failed as a whole; the next ones may still go through.
                failed.AddRange(batch.Select(m => new SnsPublishFailure(m.Id, e.Message)));
            }
        }

        return failed;
    }

    /// <summary>The region of arn:&lt;partition&gt;:sns:&lt;region&gt;:&lt;account&gt;:&lt;name&gt;: a topic lives in one region only.</summary>
    internal static string RegionOf(string topicArn)
    {
        var parts = topicArn.Split(':');
        return parts.Length == 6 && parts[0] == "arn" && parts[2] == "sns" && parts[3].Length > 0
            ? parts[3]
            : throw new ArgumentException($"'{topicArn}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>).", nameof(topicArn));
    }

    /// <summary>Groups messages in order into requests of at most 10 entries and 256 KB.</summary>
    internal static List<List<SnsMessage>> Batches(IEnumerable<SnsMessage> messages)
    {
        var batches = new List<List<SnsMessage>>();
        var current = new List<SnsMessage>();
        var bytes = 0;
        foreach (var message in messages)
        {
            var size = SizeOf(message);
            if (current.Count == MaxBatchEntries || (current.Count > 0 && bytes + size > MaxPayloadBytes))
            {
                batches.Add(current);
                current = [];
                bytes = 0;
            }

            current.Add(message);
            bytes += size;
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }

    /// <summary>
    /// Bytes a message counts for: the Message parameter as sent (with an email rendering, the whole JSON object holding
    /// both), the subject and each attribute's name, type and value.
    /// </summary>
    internal static int SizeOf(SnsMessage message) =>
        Encoding.UTF8.GetByteCount(MessageParameter(message))
        + Encoding.UTF8.GetByteCount(SanitizeSubject(message.Subject))
        + message.Attributes.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + "String".Length + Encoding.UTF8.GetByteCount(a.Value));

    /// <summary>
    /// A message that alone exceeds 256 KB keeps the head of its text and says it was cut: the email rendering when
    /// there is one (the default is a JSON document a cut would break), else the body.
    /// </summary>
    internal static SnsMessage Fit(SnsMessage message)
    {
        var excess = SizeOf(message) - MaxPayloadBytes;
        if (excess <= 0)
        {
            return message;
        }

        if (message.EmailBody is { } email)
        {
            // In the JSON object each byte of the text may cost up to six (an escape); cut generously rather than twice.
            return message with { EmailBody = Cut(email, Math.Min(Encoding.UTF8.GetByteCount(email), excess * 6)) };
        }

        return message with { Body = Cut(message.Body, excess) };
    }

    /// <summary>The Message parameter: the body, or with an email rendering the MessageStructure=json object.</summary>
    internal static string MessageParameter(SnsMessage message)
    {
        if (message.EmailBody is null)
        {
            return message.Body;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("default", message.Body);
            writer.WriteString("email", message.EmailBody);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Cut(string text, int excessBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var keep = Math.Max(0, bytes.Length - excessBytes - Encoding.UTF8.GetByteCount(CutMarker));

        // Never split a UTF-8 sequence: back up to the start of a character.
        while (keep > 0 && keep < bytes.Length && (bytes[keep] & 0xC0) == 0x80)
        {
            keep--;
        }

        return Encoding.UTF8.GetString(bytes, 0, keep) + CutMarker;
    }

    private static void AddMessage(List<KeyValuePair<string, string>> parameters, string prefix, SnsMessage message)
    {
        parameters.Add(new(prefix + "Message", MessageParameter(message)));
        if (message.EmailBody is not null)
        {
            parameters.Add(new(prefix + "MessageStructure", "json"));
        }

        var subject = SanitizeSubject(message.Subject);
        if (subject.Length > 0)
        {
            parameters.Add(new(prefix + "Subject", subject));
        }

        var n = 0;
        foreach (var (name, value) in message.Attributes)
        {
            var entry = $"{prefix}MessageAttributes.entry.{(++n).ToString(CultureInfo.InvariantCulture)}.";
            parameters.Add(new(entry + "Name", name));
            parameters.Add(new(entry + "Value.DataType", "String"));
            parameters.Add(new(entry + "Value.StringValue", value));
        }
    }

    internal static string SanitizeSubject(string subject)
    {
        var clean = new string(subject.Select(c => char.IsControl(c) ? ' ' : c > '~' ? '?' : c).ToArray()).Trim();
        return clean.Length > MaxSubject ? clean[..(MaxSubject - 3)] + "..." : clean;
    }
}
