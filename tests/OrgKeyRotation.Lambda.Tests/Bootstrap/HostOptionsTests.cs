using OrgKeyRotation.Aws;
using OrgKeyRotation.Engine;
using OrgKeyRotation.Lambda.Bootstrap;

namespace OrgKeyRotation.Lambda.Tests.Bootstrap;

public class HostOptionsTests
{
    [Fact]
    public void FromEnvironment_NotSet_MarginIsTheWorstCaseOfOneUsersWork()
    {
        var (options, problems) = HostOptions.FromEnvironment(new Dictionary<string, string?>());

        Assert.Empty(problems);
        // Verification timeout 60 s, then the promotion, the two deactivation calls and the alert batch at 30 s of
        // retries plus a 20 s attempt each, then 2 s to post the response.
        Assert.Equal(TimeSpan.FromSeconds(262), options.DeadlineMargin);
    }

    [Fact]
    public void WorstCaseMargin_LongerVerificationOrRetries_GrowsWithThem()
    {
        var defaults = HostOptions.WorstCaseMargin(new EngineOptions(), new RetryOptions());

        Assert.Equal(defaults + TimeSpan.FromSeconds(30), HostOptions.WorstCaseMargin(new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(90) }, new RetryOptions()));
        Assert.Equal(defaults + TimeSpan.FromSeconds(40), HostOptions.WorstCaseMargin(new EngineOptions(), new RetryOptions { TotalBudget = TimeSpan.FromSeconds(40) }));
        Assert.Equal(defaults + TimeSpan.FromSeconds(20), HostOptions.WorstCaseMargin(new EngineOptions(), new RetryOptions { AttemptTimeout = TimeSpan.FromSeconds(25) }));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("45", 45)]
    [InlineData("600", 600)]
    public void FromEnvironment_ValidMargin_Used(string value, int expectedSeconds)
    {
        var (options, problems) = HostOptions.FromEnvironment(new Dictionary<string, string?> { [HostOptions.DeadlineMarginVariable] = value });

        Assert.Empty(problems);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), options.DeadlineMargin);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("601")]
    [InlineData("20s")]
    [InlineData("1.5")]
    public void FromEnvironment_InvalidMargin_ProblemNamesTheVariable(string value)
    {
        var (_, problems) = HostOptions.FromEnvironment(new Dictionary<string, string?> { [HostOptions.DeadlineMarginVariable] = value });

        var problem = Assert.Single(problems);
        Assert.Equal("ROTATION_DEADLINE_MARGIN_SECONDS", problem.Path);
        Assert.Contains(value, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_DigestDelay_SetsTheEngineOptionAndDefaultsToAMinute()
    {
        var (defaults, _) = HostOptions.FromEnvironment(new Dictionary<string, string?>());
        var (options, problems) = HostOptions.FromEnvironment(new Dictionary<string, string?> { [HostOptions.DigestDelayVariable] = "0" });

        Assert.Empty(problems);
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.Engine.DigestDelay);
        Assert.Equal(TimeSpan.Zero, options.Engine.DigestDelay);
    }

    [Theory]
    [InlineData("901")]
    [InlineData("-5")]
    [InlineData("soon")]
    public void FromEnvironment_InvalidDigestDelay_ProblemNamesTheVariableAndTheLimit(string value)
    {
        var (_, problems) = HostOptions.FromEnvironment(new Dictionary<string, string?> { [HostOptions.DigestDelayVariable] = value });

        var problem = Assert.Single(problems);
        Assert.Equal("DIGEST_DELAY_SECONDS", problem.Path);
        Assert.Contains("0 to 900", problem.Message, StringComparison.Ordinal);
    }
}
