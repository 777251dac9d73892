using System.Globalization;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>Settings of the Lambda host itself (the engine's configuration is Core's RotationConfig).</summary>
internal sealed record HostOptions
{
    /// <summary>Seconds before the Lambda deadline after which no new account, user or work item is started.</summary>
    public const string DeadlineMarginVariable = "ROTATION_DEADLINE_MARGIN_SECONDS";

    public const int DefaultDeadlineMarginSeconds = 20;
    public const int MaxDeadlineMarginSeconds = 600;

    /// <summary>
    /// Time kept free before the deadline for the work already started (one user's rotation: a few IAM and Secrets
    /// Manager calls with retries) and for posting the response. Default 20 s. Range 0-600 s.
    /// </summary>
    public TimeSpan DeadlineMargin { get; init; } = TimeSpan.FromSeconds(DefaultDeadlineMarginSeconds);

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
                problems.Add(new ConfigProblem(DeadlineMarginVariable, $"\"{margin}\" is not a whole number of seconds from 0 to {MaxDeadlineMarginSeconds} (default {DefaultDeadlineMarginSeconds})"));
            }
        }

        return (options, problems);
    }
}
