using OrgKeyRotation.GitHub.Http;

namespace OrgKeyRotation.GitHub.Tests.Http;

/// <summary>
/// Which answers are rate limits and how long to wait ("Troubleshooting the REST API", Rate limit errors:
/// retry-after first, then x-ratelimit-reset when x-ratelimit-remaining is 0, otherwise at least one minute).
/// </summary>
public class GitHubHttpTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RateLimitedUntil_429WithRetryAfter_ThatManySeconds() =>
        Assert.Equal(Now.AddSeconds(17), GitHubHttp.RateLimitedUntil(new GitHubResponse(429, [], null, RetryAfter: "17"), Now));

    [Fact]
    public void RateLimitedUntil_403RemainingZero_TheResetTime() =>
        Assert.Equal(Now.AddMinutes(12), GitHubHttp.RateLimitedUntil(new GitHubResponse(403, [], null, RateLimitRemaining: "0", RateLimitReset: Now.AddMinutes(12).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), Now));

    [Fact]
    public void RateLimitedUntil_RetryAfterAndReset_RetryAfterWins() =>
        Assert.Equal(Now.AddSeconds(5), GitHubHttp.RateLimitedUntil(new GitHubResponse(403, [], null, RetryAfter: "5", RateLimitRemaining: "0", RateLimitReset: Now.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), Now));

    [Fact]
    public void RateLimitedUntil_403SecondaryMessageWithoutHeaders_OneMinute() =>
        Assert.Equal(Now.AddMinutes(1), GitHubHttp.RateLimitedUntil(new GitHubResponse(403, """{"message":"You have exceeded a secondary rate limit."}"""u8.ToArray(), null), Now));

    [Fact]
    public void RateLimitedUntil_429WithoutHeaders_OneMinute() =>
        Assert.Equal(Now.AddMinutes(1), GitHubHttp.RateLimitedUntil(new GitHubResponse(429, [], null), Now));

    [Fact]
    public void RateLimitedUntil_403PermissionAnswer_NotARateLimit() =>
        Assert.Null(GitHubHttp.RateLimitedUntil(new GitHubResponse(403, """{"message":"Resource not accessible by integration"}"""u8.ToArray(), null, RateLimitRemaining: "4999"), Now));

    [Theory]
    [InlineData(200)]
    [InlineData(404)]
    [InlineData(500)]
    public void RateLimitedUntil_OtherStatus_Null(int status) =>
        Assert.Null(GitHubHttp.RateLimitedUntil(new GitHubResponse(status, [], null, RetryAfter: "5"), Now));
}
