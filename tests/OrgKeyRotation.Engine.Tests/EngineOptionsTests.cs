namespace OrgKeyRotation.Engine.Tests;

public class EngineOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValidAndBoundTheOvershootToUnderTwoSeconds()
    {
        var options = new EngineOptions();

        options.Validate();
        // The longest a key is usable before the next try notices: interval plus jitter, under the 2 s overshoot bound.
        Assert.Equal(TimeSpan.FromMilliseconds(1800), options.VerificationPollInterval + options.VerificationPollJitter);
        Assert.Equal(1000, options.VerificationConcurrency);
    }

    public static TheoryData<string, EngineOptions> OutOfRange => new()
    {
        { "VerificationTimeout", new EngineOptions { VerificationTimeout = TimeSpan.FromMilliseconds(999) } },
        { "VerificationTimeout", new EngineOptions { VerificationTimeout = TimeSpan.FromMinutes(5.1) } },
        { "VerificationPollInterval", new EngineOptions { VerificationPollInterval = TimeSpan.FromMilliseconds(9) } },
        { "VerificationPollInterval", new EngineOptions { VerificationPollInterval = TimeSpan.FromSeconds(11) } },
        { "VerificationPollJitter", new EngineOptions { VerificationPollJitter = TimeSpan.FromMilliseconds(-1) } },
        { "VerificationPollJitter", new EngineOptions { VerificationPollJitter = TimeSpan.FromSeconds(11) } },
        { "VerificationConcurrency", new EngineOptions { VerificationConcurrency = 0 } },
        { "VerificationConcurrency", new EngineOptions { VerificationConcurrency = 10_001 } },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_OutOfRange_NamesTheOption(string name, EngineOptions options)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(name, error.ParamName);
    }
}
