using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>Settings of the Lambda host itself, from the configuration's <c>lambda</c> section.</summary>
internal sealed record HostOptions
{
    /// <summary>
    /// Calls that can follow one user's verification: the promotion (UpdateSecretVersionStage) and the deactivation of
    /// the key it replaces (TagResource, UpdateAccessKey); then the sweep's last alert batch (PublishBatch).
    /// </summary>
    public const int CallsAfterVerification = 4;

    /// <summary>Writing the metrics line and posting the response to the local Runtime API.</summary>
    public static readonly TimeSpan ResponsePosting = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest one user's work can run after it was started at the stop instant: a key staged then is verified for
    /// up to <see cref="EngineOptions.VerificationTimeout"/>, then each call after it may use its whole retry budget plus
    /// one attempt's timeout, then the response is posted. With the defaults: 60 + 4 x (30 + 20) + 2 = 262 s.
    /// </summary>
    public static TimeSpan WorstCaseMargin(EngineOptions engine, RetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(retry);
        return engine.VerificationTimeout + (CallsAfterVerification * (retry.TotalBudget + retry.AttemptTimeout)) + ResponsePosting;
    }

    /// <summary>The margin for the engine's and the AWS layer's default options (the ones the Lambda runs with).</summary>
    public static TimeSpan DefaultDeadlineMargin { get; } = WorstCaseMargin(new EngineOptions(), new RetryOptions());

    /// <summary>
    /// Time kept free before the deadline for the work already started and for posting the response:
    /// lambda.deadlineMarginSeconds, or <see cref="DefaultDeadlineMargin"/> when it is null.
    /// </summary>
    public TimeSpan DeadlineMargin { get; init; } = DefaultDeadlineMargin;

    /// <summary>The host's options as <paramref name="config"/> sets them.</summary>
    public static HostOptions For(RotationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Lambda.DeadlineMarginSeconds is { } seconds ? new HostOptions { DeadlineMargin = TimeSpan.FromSeconds(seconds) } : new HostOptions();
    }
}
