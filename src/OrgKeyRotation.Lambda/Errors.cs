using System.Net;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Lambda;

/// <summary>Every message this host shows a user: what failed and what to do about it.</summary>
internal static class Errors
{
    public const string ExpectedEvents =
        "Expected one of: a manual invoke ({} or {\"dryRun\": true, \"accounts\": [\"111111111111\"], \"mode\": \"inline\"}), " +
        "an EventBridge \"Scheduled Event\", an SQS batch whose bodies are AccountWorkItem or DigestWorkItem JSON, " +
        "or a Secrets Manager rotation step {\"Step\", \"SecretId\", \"ClientRequestToken\"}.";

    public static string RuntimeApiMissing(string variable) =>
        $"{variable} is not set: this program is a Lambda custom runtime (bootstrap) and must run inside Lambda or against a Runtime API emulator.";

    public static string MissingRuntimeHeader(string header) =>
        $"The Runtime API answered the next-invocation call without a valid {header} header; the runtime cannot answer that invocation.";

    public static string RuntimeApiCallFailed(string call, HttpStatusCode status, string body) =>
        $"Runtime API call {call} failed with HTTP {(int)status}: {body}";

    public static string InvalidConfiguration(IEnumerable<ConfigProblem> problems) =>
        "Invalid configuration, fix these environment variables: " + string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"));

    public static string InitialisationFailed(Exception exception) =>
        $"Initialisation failed ({exception.GetType().Name}): {exception.Message}";

    public static string EventTooLarge(int bytes, int limit) =>
        $"The event is {bytes} bytes, over the {limit}-byte limit this function accepts. {ExpectedEvents}";

    public static string EventNotJson(string detail) => $"The event is not valid JSON ({detail}). {ExpectedEvents}";

    public static string EventNotObject(string kind) => $"The event is a JSON {kind}, not an object. {ExpectedEvents}";

    public static string UnknownManualField(string field) =>
        $"Unknown field \"{field}\" in a manual invoke, which accepts only dryRun, accounts, mode and sweepId; nothing was changed. {ExpectedEvents}";

    public static string InvalidManualField(string field, string expected) =>
        $"Manual invoke field \"{field}\" must be {expected}; nothing was changed.";

    public static string UnsupportedEventBridgeEvent(string? detailType) =>
        $"EventBridge event with detail-type \"{detailType}\" is not handled; only \"Scheduled Event\" starts a sweep. {ExpectedEvents}";

    public static string UnsupportedRecords(string? eventSource) =>
        $"A Records batch from \"{eventSource}\" is not handled; only SQS (aws:sqs) work-item batches are. {ExpectedEvents}";

    public static string InvalidSqsRecord(string detail) => $"SQS record is not usable: {detail}.";

    public static string InvalidRotationStep(string detail) =>
        $"Secrets Manager rotation event is invalid: {detail}. It needs string fields Step (createSecret, setSecret, testSecret or finishSecret), SecretId and ClientRequestToken.";

    public static string EnqueueWithoutQueue(string variable) =>
        $"Manual invoke asked for mode \"enqueue\", but fan-out is off: set {variable} to the work queue URL, or use mode \"inline\".";

    public static string RotationStepFailed(string step, string message) =>
        $"Rotation step {step} failed: {message}. Secrets Manager will retry the step; see the function log for the account and user.";

    public static string InvalidWorkItem(string detail) =>
        $"The body is not an AccountWorkItem ({detail}); expected {{\"sweepId\": \"...\", \"accountId\": \"111111111111\", \"dryRun\": false}}.";

    public static string InvalidDigestItem(string detail) =>
        $"The body is not a DigestWorkItem ({detail}); expected {{\"kind\": \"digest\", \"sweepId\": \"...\", \"startedAt\": \"...\", \"accounts\": [\"111111111111\"], \"notEnqueued\": [], \"round\": 0, \"seenIdle\": false}}.";
}
