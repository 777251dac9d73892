using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Credentials;

namespace OrgKeyRotation.Aws.Tests.Credentials;

public class RoleCredentialCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private int _calls;

    [Fact]
    public async Task GetAsync_BeforeRefreshMargin_ReusesCredentials()
    {
        var cache = new RoleCredentialCache(AssumeAsync, _time);
        var first = await cache.GetAsync("111111111111", "sweep-1", default);

        _time.Advance(TimeSpan.FromMinutes(54));
        var second = await cache.GetAsync("111111111111", "sweep-1", default);

        Assert.Same(first, second);
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task GetAsync_WithinFiveMinutesOfExpiry_AssumesAgain()
    {
        var cache = new RoleCredentialCache(AssumeAsync, _time);
        var first = await cache.GetAsync("111111111111", "sweep-1", default);

        _time.Advance(TimeSpan.FromMinutes(55));
        var second = await cache.GetAsync("111111111111", "sweep-1", default);

        Assert.NotSame(first, second);
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task GetAsync_ConcurrentSameAccount_OneAssumeRole()
    {
        var release = new TaskCompletionSource();
        var cache = new RoleCredentialCache(async (account, _, token) =>
        {
            Interlocked.Increment(ref _calls);
            await release.Task;
            return Credentials(account);
        }, _time);

        var waiting = Enumerable.Range(0, 10).Select(_ => cache.GetAsync("111111111111", "sweep-1", default)).ToList();
        var other = cache.GetAsync("222222222222", "sweep-1", default);
        release.SetResult();
        await Task.WhenAll(waiting.Append(other));

        Assert.Equal(2, _calls);
        Assert.Single(waiting.Select(t => t.Result).Distinct());
    }

    [Fact]
    public async Task GetAsync_SameAccountOtherSessionName_AssumesAgain()
    {
        var cache = new RoleCredentialCache(AssumeAsync, _time);

        var first = await cache.GetAsync("111111111111", "sweep-1", default);
        var second = await cache.GetAsync("111111111111", "sweep-2", default);
        var firstAgain = await cache.GetAsync("111111111111", "sweep-1", default);

        Assert.NotSame(first, second);
        Assert.Same(first, firstAgain);
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task GetAsync_FailedAssume_NotCached()
    {
        var fail = true;
        var cache = new RoleCredentialCache((account, _, _) =>
        {
            _calls++;
            return fail ? Task.FromException<RoleCredentials>(new InvalidOperationException("denied")) : Task.FromResult(Credentials(account));
        }, _time);

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync("111111111111", "sweep-1", default));
        fail = false;
        await cache.GetAsync("111111111111", "sweep-1", default);

        Assert.Equal(2, _calls);
    }

    [Fact]
    public void ToString_RoleCredentials_HidesSecretAndToken()
    {
        var text = new RoleCredentials(new ImmutableCredentials("ASIAEXAMPLE", "very-secret", "session-token"), _time.GetUtcNow()).ToString();

        Assert.DoesNotContain("very-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token", text, StringComparison.Ordinal);
        Assert.Contains("ASIAEXAMPLE", text, StringComparison.Ordinal);
    }

    private Task<RoleCredentials> AssumeAsync(string account, string sessionName, CancellationToken cancellationToken)
    {
        _calls++;
        return Task.FromResult(Credentials(account));
    }

    private RoleCredentials Credentials(string account) =>
        new(new ImmutableCredentials("ASIA" + account, "secret", "token"), _time.GetUtcNow().AddHours(1));
}
