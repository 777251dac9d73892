using OrgKeyRotation.Aws.Services;

namespace OrgKeyRotation.Aws.Tests.Services;

public class SnsSubjectTests
{
    [Theory]
    [InlineData("short", "short")]
    [InlineData("two\r\nlines\t!", "two  lines !")]
    [InlineData("naïve", "na?ve")]
    public void SanitizeSubject_Input_IsSnsSafe(string subject, string expected) =>
        Assert.Equal(expected, SnsClient.SanitizeSubject(subject));

    [Fact]
    public void SanitizeSubject_TooLong_TruncatedBelowHundred()
    {
        var result = SnsClient.SanitizeSubject(new string('x', 150));

        Assert.Equal(99, result.Length);
        Assert.EndsWith("...", result, StringComparison.Ordinal);
    }
}
