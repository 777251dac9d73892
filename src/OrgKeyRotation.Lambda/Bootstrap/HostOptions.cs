using System.Globalization;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>Settings of the Lambda host itself (the engine's configuration is Core's RotationConfig).</summary>
internal sealed record HostOptions
{
    /// <summary>Seconds before the Lambda deadline after which no new account, user, key or work item is started.</summary>
    public const string DeadlineMarginVariable = "ROTATION_DEADLINE_MARGIN_SECONDS";

    public const int MaxDeadlineMarginSeconds = 600;

    /// <summary>Fan-out: seconds the sweep's digest item waits before it first gathers the accounts' reports (EngineOptions.DigestDelay).</summary>
    public const string DigestDelayVariable = "DIGEST_DELAY_SECONDS";

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
    /// Time kept free before the deadline for the work already started and for posting the response. Default
    /// <see cref="DefaultDeadlineMargin"/>; <see cref="DeadlineMarginVariable"/> overrides it (0-600 s).
    /// </summary>
    public TimeSpan DeadlineMargin { get; init; } = DefaultDeadlineMargin;

    /// <summary>The engine's options as the environment sets them (<see cref="DigestDelayVariable"/>, 0-900 s).</summary>
    public EngineOptions Engine { get; init; } = new();

    public static (HostOptions Options, IReadOnlyList<ConfigProblem> Problems) FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var options = new HostOptions();
        var problems = new List<ConfigProblem>();
        if (environment.TryGetValue(DeadlineMarginVariable, out var margin) && !string.IsNullOrWhiteSpace(margin))
        {
            if (int.TryParse(margin, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxDeadlineMarginSeconds)
            {
                options = options with { DeadlineMargin = TimeSpan.FromSeconds(seconds) };
            }
            else
            {
                problems.Add(new ConfigProblem(DeadlineMarginVariable, $"\"{margin}\" is not a whole number of seconds from 0 to {MaxDeadlineMarginSeconds} (default {DefaultDeadlineMargin.TotalSeconds:0}, derived from the worst case of one user's work)"));
            }
        }

        if (environment.TryGetValue(DigestDelayVariable, out var delay) && !string.IsNullOrWhiteSpace(delay))
        {
            var max = (int)EngineOptions.MaxDigestDelay.TotalSeconds;
            if (int.TryParse(delay, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= max)
            {
                options = options with { Engine = options.Engine with { DigestDelay = TimeSpan.FromSeconds(seconds) } };
            }
            else
            {
                problems.Add(new ConfigProblem(DigestDelayVariable, $"\"{delay}\" is not a whole number of seconds from 0 to {max} (SQS's longest delay; default {new EngineOptions().DigestDelay.TotalSeconds:0})"));
            }
        }

        return (options, problems);
    }
}
