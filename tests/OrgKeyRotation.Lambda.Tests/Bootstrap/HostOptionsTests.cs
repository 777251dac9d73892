using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine;
using OrgKeyRotation.Lambda.Bootstrap;

namespace OrgKeyRotation.Lambda.Tests.Bootstrap;

public class HostOptionsTests
{
    [Fact]
    public void For_MarginNotSet_MarginIsTheWorstCaseOfOneUsersWork()
    {
        var options = HostOptions.For(new RotationConfig());

        // Verification timeout 60 s, then the promotion, the two deactivation calls and the alert batch at 30 s of
        // retries plus a 20 s attempt each, then 2 s to post the response.
        Assert.Equal(TimeSpan.FromSeconds(262), options.DeadlineMargin);
        Assert.Equal(HostOptions.DefaultDeadlineMargin, options.DeadlineMargin);
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
    public void For_MarginFromTheEnvironment_IsUsed(string value, int expectedSeconds)
    {
        var loaded = ConfigLoader.FromEnvironment(new Dictionary<string, string?>
        {
            [EnvironmentVariables.AccountsUsersJson] = """{"111111111111": ["alice"]}""",
            [EnvironmentVariables.DeadlineMarginSeconds] = value,
        });

        Assert.True(loaded.IsValid, string.Join("; ", loaded.Problems));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), HostOptions.For(loaded.Config!).DeadlineMargin);
    }
}
