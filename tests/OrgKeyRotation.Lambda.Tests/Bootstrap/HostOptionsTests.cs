using OrgKeyRotation.Lambda.Bootstrap;

namespace OrgKeyRotation.Lambda.Tests.Bootstrap;

public class HostOptionsTests
{
    [Fact]
    public void FromEnvironment_NotSet_DefaultMarginOf20Seconds()
    {
        var (options, problems) = HostOptions.FromEnvironment(new Dictionary<string, string?>());

        Assert.Empty(problems);
        Assert.Equal(TimeSpan.FromSeconds(20), options.DeadlineMargin);
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
}
