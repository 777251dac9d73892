using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Reliability;

/// <summary>Sweeps under throttling and concurrency: bounded retries absorb throttling, IAM's two-key limit is the lock.</summary>
[Trait("Category", "Integration")]
public class LoadTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static async Task<Dictionary<string, IReadOnlyList<string>>> UsersAsync(EngineHarness h, int perAccount, params string[] accounts)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var account in accounts)
        {
            var users = Enumerable.Range(1, perAccount).Select(i => $"user{i}").ToList();
            foreach (var user in users)
            {
                await h.UserWithKeyAsync(account, user);
            }

            map[account] = users;
        }

        return map;
    }

    [Fact]
    public async Task SweepAsync_TwentyPercentOfCallsThrottled_RotatesEveryUser()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var accounts = await UsersAsync(h, 8, AccountA, AccountB);
        var throttling = new ThrottlingHandler(0.2, seed: 42);
        // Eight attempts: a call fails only after eight throttles in a row (0.2^8, about 3 in a million).
        var retry = Reliability.FastRetry with { MaxAttempts = 8 };

        var result = await Reliability.Service(h, h.Config(accounts, RotateNow), throttling, retry).SweepAsync(new SweepRequest(), default);

        Assert.True(throttling.Throttled > 20, $"only {throttling.Throttled} calls were throttled");
        Assert.Equal(0, result.Counts.Failed);
        Assert.Equal(16, result.Counts.Rotated);
        foreach (var (account, users) in accounts)
        {
            foreach (var user in users)
            {
                Assert.Equal(Outcome.Succeeded, result.Only(account, user, ActionKind.Rotate).Outcome);
                Assert.Equal(2, (await h.KeysAsync(account, user)).Count);
                await h.AssertSafeAsync(account, user);
            }
        }
    }

    [Fact]
    public async Task SweepAsync_OneAccountAlwaysThrottled_FailsThatAccountAndFinishesTheOthers()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var accounts = await UsersAsync(h, 3, AccountA, AccountB);
        var throttling = new ThrottlingHandler(0, seed: 1, always: info => info.AccountId == AccountB && info.Service == "iam");
        var retry = Reliability.FastRetry with { MaxAttempts = 3 };

        var result = await Reliability.Service(h, h.Config(accounts, RotateNow), throttling, retry).SweepAsync(new SweepRequest(), default);

        var b = result.Accounts.Single(a => a.AccountId == AccountB);
        Assert.Equal(Outcome.Failed, b.Outcome);
        Assert.All(b.Users, u => Assert.Contains(u.Actions, a => a.Outcome == Outcome.Failed && a.Error!.Contains("Throttling", StringComparison.Ordinal)));
        Assert.Equal(Outcome.Succeeded, result.Accounts.Single(a => a.AccountId == AccountA).Outcome);
        Assert.Equal(3, result.Counts.Rotated);
        foreach (var user in accounts[AccountB])
        {
            Assert.Single(await h.KeysAsync(AccountB, user));
        }

        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "failed" && a.Attributes.GetValueOrDefault("accountId") == AccountB);
    }

    [Fact]
    public async Task SweepAsync_ThreeSweepsAtOnce_CreateExactlyOneNewKeyPerUser()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var accounts = await UsersAsync(h, 5, AccountA, AccountB);
        var config = h.Config(accounts, RotateNow);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Reliability.Service(h, config).SweepAsync(new SweepRequest(), default)));

        Assert.Equal(10, results.Sum(r => r.Counts.Rotated));
        Assert.Equal(0, results.Sum(r => r.Counts.Failed));
        foreach (var (account, users) in accounts)
        {
            foreach (var user in users)
            {
                Assert.Equal(2, (await h.KeysAsync(account, user)).Count);
                await h.AssertSafeAsync(account, user);
            }
        }
    }

    [Fact]
    public async Task SweepAndCreateSecretStep_AtOnceOnOneUser_CreateAtMostOneNewKey()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var policy = new RotationPolicy { MaxKeyAgeDays = 30, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 0 };
        var lifecycle = Reliability.Service(h, h.Config(policy: policy with { MaxKeyAgeDays = 0 }));
        await lifecycle.SweepAsync(new SweepRequest(), default);
        var current = (await h.KeyInSecretAsync(AccountA, "alice"))!;
        var settle = Reliability.Service(h, h.Config(policy: policy));
        h.Time.Advance(TimeSpan.FromDays(8));
        await settle.SweepAsync(new SweepRequest(), default);
        h.Time.Advance(TimeSpan.FromDays(8));
        await settle.SweepAsync(new SweepRequest(), default);
        Assert.Equal([(current, "Active")], await h.KeysAsync(AccountA, "alice"));
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("ARN").GetString()!;
        var config = h.Config(policy: policy with { MaxKeyAgeDays = 1 });
        h.Time.Advance(TimeSpan.FromDays(1));

        var sweep = Reliability.Service(h, config).SweepAsync(new SweepRequest(), default);
        var step = Reliability.Service(h, config).RunRotationStepAsync(new RotationStepRequest("createSecret", arn, "0b8e6c4a-2f1d-4a7b-9e3c-5d6f7a8b9c0d"), default);
        await Task.WhenAll(sweep, step);

        var keys = await h.KeysAsync(AccountA, "alice");
        Assert.Equal(2, keys.Count);
        Assert.Contains((current, "Active"), keys);
        Assert.Equal(0, (await sweep).Counts.Failed);
        await h.AssertSafeAsync(AccountA, "alice");
    }
}
