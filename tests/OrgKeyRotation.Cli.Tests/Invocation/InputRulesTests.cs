using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Cli.Invocation;

namespace OrgKeyRotation.Cli.Tests.Invocation;

public class InputRulesTests
{
    [Theory]
    [InlineData("2027-01-31", "2027-01-31T00:00:00+00:00")]
    [InlineData("2027-01-31T12:30", "2027-01-31T12:30:00+00:00")]
    [InlineData("2027-01-31T12:30:15Z", "2027-01-31T12:30:15+00:00")]
    [InlineData("2027-01-31T12:30:15.250+02:00", "2027-01-31T10:30:15.25+00:00")]
    public void TryParseAsOf_IsoInput_IsUtc(string input, string expected)
    {
        Assert.True(InputRules.TryParseAsOf(input, out var asOf));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), asOf);
        Assert.Equal(TimeSpan.Zero, asOf.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2027-02-30")]
    [InlineData("31/01/2027")]
    [InlineData("2027-1-5")]
    [InlineData("now")]
    public void TryParseAsOf_Other_Fails(string input) => Assert.False(InputRules.TryParseAsOf(input, out _));

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("https://iam.amazonaws.com", true)]
    [InlineData("127.0.0.1:5000", false)]
    [InlineData("ftp://host", false)]
    public void TryParseEndpoint_Shapes(string value, bool valid) => Assert.Equal(valid, InputRules.TryParseEndpoint(value, out _));

    [Fact]
    public void ShiftedTimeProvider_StartsAtAsOfAndKeepsTicking()
    {
        var real = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var asOf = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var shifted = new ShiftedTimeProvider(real, asOf);
        var start = shifted.GetTimestamp();

        real.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(asOf.AddSeconds(90), shifted.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), shifted.GetElapsedTime(start));
    }
}
