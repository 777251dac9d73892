using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretsManagerRotation;
using OrgKeyRotation.Lambda.Serialization;

namespace OrgKeyRotation.Lambda.Handling;

/// <summary>
/// Recognises an event by its shape. Pure: it refuses anything it does not fully understand with an
/// <see cref="InvocationException"/> naming what was expected, before the engine is ever called.
/// </summary>
internal static class EventParser
{
    /// <summary>Our events are a few hundred bytes; a much larger one is a mistake, not a workload.</summary>
    public const int MaxEventBytes = 256 * 1024;

    public static LambdaEvent Parse(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > MaxEventBytes)
        {
            throw Invalid(Errors.EventTooLarge(payload.Length, MaxEventBytes));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException ex)
        {
            throw Invalid(Errors.EventNotJson(ex.Message));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(Errors.EventNotObject(root.ValueKind.ToString().ToLowerInvariant()));
            }

            if (root.TryGetProperty("Records", out var records))
            {
                return ParseSqs(records);
            }

            if (root.TryGetProperty("Step", out _))
            {
                return ParseRotationStep(root);
            }

            if (root.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String && source.GetString() == "aws.events")
            {
                return ParseEventBridge(root);
            }

            return ParseManual(root);
        }
    }

    private static SweepEvent ParseEventBridge(JsonElement root)
    {
        var detailType = StringOrNull(root, "detail-type");
        if (detailType != "Scheduled Event")
        {
            throw Invalid(Errors.UnsupportedEventBridgeEvent(detailType));
        }

        // The EventBridge event id ties the sweep's logs and alerts to the schedule's own record.
        return new SweepEvent(Trigger.Scheduled, SweepMode.Auto, DryRun: null, Accounts: null, SweepId: StringOrNull(root, "id"));
    }

    private static SweepEvent ParseManual(JsonElement root)
    {
        bool? dryRun = null;
        List<string>? accounts = null;
        string? sweepId = null;
        var mode = SweepMode.Auto;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "dryRun":
                    dryRun = value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw Invalid(Errors.InvalidManualField("dryRun", "true or false")),
                    };
                    break;
                case "accounts":
                    accounts = ParseAccounts(value);
                    break;
                case "mode":
                    mode = value.ValueKind == JsonValueKind.String ? value.GetString() switch
                    {
                        "inline" => SweepMode.Inline,
                        "enqueue" => SweepMode.Enqueue,
                        _ => throw Invalid(Errors.InvalidManualField("mode", "\"inline\" or \"enqueue\"")),
                    }
                    : throw Invalid(Errors.InvalidManualField("mode", "\"inline\" or \"enqueue\""));
                    break;
                case "sweepId":
                    sweepId = value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 128 } id
                        ? id
                        : throw Invalid(Errors.InvalidManualField("sweepId", "a non-empty string of at most 128 characters"));
                    break;
                default:
                    throw Invalid(Errors.UnknownManualField(property.Name));
            }
        }

        return new SweepEvent(Trigger.Manual, mode, dryRun, accounts, sweepId);
    }

    private static List<string> ParseAccounts(JsonElement value)
    {
        const string Expected = "a non-empty array of 12-digit account ids";
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Invalid(Errors.InvalidManualField("accounts", Expected));
        }

        var accounts = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var account = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (!AwsIdentifiers.IsAccountId(account))
            {
                throw Invalid(Errors.InvalidManualField("accounts", Expected));
            }

            accounts.Add(account!);
        }

        return accounts;
    }

    private static SqsBatchEvent ParseSqs(JsonElement records)
    {
        if (records.ValueKind != JsonValueKind.Array || records.GetArrayLength() == 0)
        {
            throw Invalid(Errors.UnsupportedRecords(eventSource: null));
        }

        var parsed = new List<SqsWorkRecord>();
        foreach (var record in records.EnumerateArray())
        {
            var source = record.ValueKind == JsonValueKind.Object ? StringOrNull(record, "eventSource") : null;
            if (source != "aws:sqs")
            {
                throw Invalid(Errors.UnsupportedRecords(source));
            }

            // Without a message id the record cannot be reported back, so the whole batch is refused (and redelivered).
            var messageId = StringOrNull(record, "messageId");
            if (string.IsNullOrEmpty(messageId))
            {
                throw Invalid(Errors.InvalidSqsRecord("a record has no messageId"));
            }

            parsed.Add(ParseWorkRecord(messageId, StringOrNull(record, "body")));
        }

        return new SqsBatchEvent(parsed);
    }

    private static SqsWorkRecord ParseWorkRecord(string messageId, string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return new SqsWorkRecord(messageId, null, Errors.InvalidWorkItem("empty body"));
        }

        if (IsDigestItem(body))
        {
            return ParseDigestRecord(messageId, body);
        }

        AccountWorkItem? item;
        try
        {
            item = JsonSerializer.Deserialize(body, LambdaJsonContext.Default.AccountWorkItem);
        }
        catch (JsonException ex)
        {
            return new SqsWorkRecord(messageId, null, Errors.InvalidWorkItem(ex.Message));
        }

        if (item is null || string.IsNullOrEmpty(item.SweepId) || !AwsIdentifiers.IsAccountId(item.AccountId))
        {
            return new SqsWorkRecord(messageId, null, Errors.InvalidWorkItem("sweepId and a 12-digit accountId are required"));
        }

        return new SqsWorkRecord(messageId, item, null);
    }

    /// <summary>A digest item says so in its <c>kind</c>; an account's work item has none.</summary>
    private static bool IsDigestItem(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.EnumerateObject().Any(p => string.Equals(p.Name, "kind", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == DigestWorkItem.DigestKind);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static SqsWorkRecord ParseDigestRecord(string messageId, string body)
    {
        DigestWorkItem? item;
        try
        {
            item = JsonSerializer.Deserialize(body, LambdaJsonContext.Default.DigestWorkItem);
        }
        catch (JsonException ex)
        {
            return new SqsWorkRecord(messageId, null, Errors.InvalidDigestItem(ex.Message));
        }

        if (item is null || string.IsNullOrEmpty(item.SweepId) || item.Accounts is null || item.NotEnqueued is null
            || item.Accounts.Concat(item.NotEnqueued).Any(a => !AwsIdentifiers.IsAccountId(a)) || item.Round < 0)
        {
            return new SqsWorkRecord(messageId, null, Errors.InvalidDigestItem("sweepId, 12-digit account ids in accounts and notEnqueued, and a round of 0 or more are required"));
        }

        return new SqsWorkRecord(messageId, null, null) { Digest = item };
    }

    private static RotationStepEvent ParseRotationStep(JsonElement root)
    {
        var step = StringOrNull(root, "Step");
        var secretId = StringOrNull(root, "SecretId");
        var token = StringOrNull(root, "ClientRequestToken");
        if (!RotationSteps.TryParse(step, out _))
        {
            throw Invalid(Errors.InvalidRotationStep($"Step \"{step}\" is not a rotation step"));
        }

        if (string.IsNullOrEmpty(secretId) || string.IsNullOrEmpty(token))
        {
            throw Invalid(Errors.InvalidRotationStep("SecretId or ClientRequestToken is missing"));
        }

        return new RotationStepEvent(new RotationStepRequest(step, secretId, token));
    }

    private static string? StringOrNull(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static InvocationException Invalid(string message) => new(InvocationException.InvalidEvent, message);
}
