using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Lambda.Handling;

/// <summary>What started the invocation, for logs and the metric dimension.</summary>
internal enum Trigger
{
    Manual,
    Scheduled,
    Sqs,
    RotationStep,
}

/// <summary>Where a sweep runs.</summary>
internal enum SweepMode
{
    /// <summary>Fan out to the work queue when one is configured, otherwise sweep in this invocation.</summary>
    Auto,
    /// <summary>Sweep in this invocation even when a work queue is configured.</summary>
    Inline,
    /// <summary>Send one work item per account to the work queue (needs WORK_QUEUE_URL).</summary>
    Enqueue,
}

/// <summary>An event the host understood; anything else was refused by <see cref="EventParser"/>.</summary>
internal abstract record LambdaEvent(Trigger Trigger);

internal sealed record SweepEvent(Trigger Trigger, SweepMode Mode, bool? DryRun, IReadOnlyList<string>? Accounts, string? SweepId) : LambdaEvent(Trigger);

/// <summary>
/// One SQS record: an account's work item, the sweep's digest item, or why it is neither (it is then reported as a
/// batch item failure).
/// </summary>
internal sealed record SqsWorkRecord(string MessageId, AccountWorkItem? WorkItem, string? Problem)
{
    public DigestWorkItem? Digest { get; init; }
}

internal sealed record SqsBatchEvent(IReadOnlyList<SqsWorkRecord> Records) : LambdaEvent(Trigger.Sqs);

internal sealed record RotationStepEvent(RotationStepRequest Request) : LambdaEvent(Trigger.RotationStep);

/// <summary>The partial batch response SQS event source mappings read (ReportBatchItemFailures).</summary>
internal sealed record SqsBatchResponse(IReadOnlyList<BatchItemFailure> BatchItemFailures);

internal sealed record BatchItemFailure(string ItemIdentifier);

/// <summary>A refused or failed invocation; <see cref="ErrorType"/> becomes Lambda-Runtime-Function-Error-Type.</summary>
internal sealed class InvocationException(string errorType, string message) : Exception(message)
{
    public const string InvalidEvent = "InvalidEvent";
    public const string RotationStepFailed = "RotationStepFailed";

    public string ErrorType { get; } = errorType;
}
