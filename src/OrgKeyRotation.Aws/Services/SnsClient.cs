using System.Globalization;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>SNS over the Query protocol (2010-03-31). Attributes are sent as String message attributes.</summary>
internal sealed class SnsClient(SignedServiceClient client) : ISnsClient
{
    private const string Version = "2010-03-31";
    private const int MaxBatch = 10;

    // SNS refuses subjects of 100 characters or more, non-ASCII or with control characters; an alert must not fail over its subject.
    private const int MaxSubject = 99;

    public async Task<string> PublishAsync(string topicArn, SnsMessage message, CancellationToken cancellationToken)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("TopicArn", topicArn) };
        AddMessage(parameters, string.Empty, message);
        var result = await client.QueryAsync("Publish", Version, parameters, idempotent: true, cancellationToken).ConfigureAwait(false);
        return result.Required("MessageId");
    }

    public async Task<IReadOnlyList<string>> PublishBatchAsync(string topicArn, IReadOnlyList<SnsMessage> messages, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var chunk in messages.Chunk(MaxBatch))
        {
            var parameters = new List<KeyValuePair<string, string>> { new("TopicArn", topicArn) };
            for (var i = 0; i < chunk.Length; i++)
            {
                var prefix = $"PublishBatchRequestEntries.member.{(i + 1).ToString(CultureInfo.InvariantCulture)}.";
                parameters.Add(new(prefix + "Id", chunk[i].Id));
                AddMessage(parameters, prefix, chunk[i]);
            }

            var result = await client.QueryAsync("PublishBatch", Version, parameters, idempotent: true, cancellationToken).ConfigureAwait(false);
            failed.AddRange(result.Members("Failed").Select(f => f.Required("Id")));
        }

        return failed;
    }

    private static void AddMessage(List<KeyValuePair<string, string>> parameters, string prefix, SnsMessage message)
    {
        parameters.Add(new(prefix + "Message", message.Body));
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
