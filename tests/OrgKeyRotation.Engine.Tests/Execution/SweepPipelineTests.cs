using System.Net;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Execution;

/// <summary>
/// The staged pipeline against moto with AWS's key propagation modelled (<see cref="NewKeyPropagation"/>: a new key is
/// refused with InvalidClientTokenId for its first seconds): keys are staged under the IAM bounds, verified outside
/// them, and promoted only once verified; the deadline and a slow account end only what they must.
/// These engines run on the real clock (a minute ahead, as moto stamps real times), since their waits must pass.
/// </summary>
[Trait("Category", "Integration")]
public class SweepPipelineTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string AccountC = "333333333333";

    /// <summary>Rotate whenever swept, and retire the replaced key at once: every sweep after the first promotes a new key.</summary>
    private static readonly RotationPolicy RotateAndRetire = new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 0, DeleteAfterDays = 0, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 0 };

    private static readonly EngineOptions Polling = new() { VerificationTimeout = TimeSpan.FromSeconds(15), VerificationPollInterval = TimeSpan.FromMilliseconds(200), VerificationPollJitter = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task SweepAsync_NewKeysRefusedForTheirFirstSeconds_StagedWithinTheBoundsVerifiedThenPromoted()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var users = new Dictionary<string, IReadOnlyList<string>> { [AccountA] = Users(4), [AccountB] = Users(4) };
        var config = await WithFirstSecretsAsync(h, users) with { Concurrency = new ConcurrencyConfig { Accounts = 1, UsersPerAccount = 2 } };
        var propagation = new NewKeyPropagation(TimeSpan.FromSeconds(3));
        var probe = new PipelineProbe(TimeSpan.FromMilliseconds(20));
        var model = new AwsModel().Use(propagation).Use(probe);

        var result = await h.Service(config, () => model.CreateHandler(), Polling, h.RealClock).SweepAsync(new SweepRequest(), default);

        Assert.Equal(8, result.Counts.Rotated);
        Assert.Equal(0, result.Counts.Failed);
        var events = probe.Events;
        foreach (var (account, names) in users)
        {
            foreach (var user in names)
            {
                var rotate = result.Only(account, user, ActionKind.Rotate);
                var newKey = rotate.NewAccessKeyId!;
                Assert.Equal(newKey, await h.KeyInSecretAsync(account, user));
                Assert.Equal([(newKey, "Active"), (rotate.AccessKeyId!, "Inactive")], (await h.KeysAsync(account, user)).OrderBy(k => k.AccessKeyId != newKey).ToList());
                Assert.True(propagation.Key(newKey)!.Refused > 0, $"{newKey} was never refused: the model did not delay it");

                // Never promoted unverified: AWSCURRENT moved to the key's version only after a call signed by it passed.
                var token = ManagedSecret.VersionTokenFor(account, user, newKey);
                var promoted = IndexOf(events, ProbeEventKind.Promoted, token);
                Assert.True(promoted > IndexOf(events, ProbeEventKind.KeyVerified, newKey), $"{account}/{user}: promoted before verified");
            }

            // Measured: two users at a time, each reading its keys and its user at once, never more than four calls.
            Assert.InRange(probe.PeakInFlight(account), 2, 2 * config.Concurrency.UsersPerAccount);
        }

        // Waiting for IAM holds no slot: every user of an account has its key before the first of them is verified
        // (with the slot held through the wait, users 3 and 4 would start only after users 1 and 2 were verified),
        // and the second account stages while the first one's keys still wait (one account at a time).
        var accountOf = events.Where(e => e.Kind == ProbeEventKind.KeyCreated).ToDictionary(e => e.Detail, e => e.AccountId!);
        int FirstVerified(string account) => events.ToList().FindIndex(e => e.Kind == ProbeEventKind.KeyVerified && accountOf.GetValueOrDefault(e.Detail) == account);
        int LastCreated(string account) => events.ToList().FindLastIndex(e => e.Kind == ProbeEventKind.KeyCreated && e.AccountId == account);
        int FirstCreated(string account) => events.ToList().FindIndex(e => e.Kind == ProbeEventKind.KeyCreated && e.AccountId == account);
        Assert.True(LastCreated(AccountA) < FirstVerified(AccountA), "a user of A waited for another user's verification");
        Assert.True(LastCreated(AccountB) < FirstVerified(AccountB), "a user of B waited for another user's verification");
        Assert.True(FirstCreated(AccountB) < FirstVerified(AccountA), "account B waited for account A's verifications");
        h.AssertNoSecretsIn(result);
    }

    [Fact]
    public async Task SweepAsync_NewKeyNeverAccepted_StaysPendingUnpromotedAndTheNextSweepCompletesIt()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var config = await WithFirstSecretsAsync(h, new() { [AccountA] = ["alice"] });
        var current = (await h.KeyInSecretAsync(AccountA, "alice"))!;
        var model = new AwsModel().Use(new NewKeyPropagation(TimeSpan.FromHours(1)));

        var result = await h.Service(config, () => model.CreateHandler(), Polling with { VerificationTimeout = TimeSpan.FromSeconds(2) }, h.RealClock).SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Failed, rotate.Outcome);
        Assert.Contains("did not authenticate within 2 s", rotate.Error, StringComparison.Ordinal);
        Assert.Contains("InvalidClientTokenId", rotate.Error, StringComparison.Ordinal);
        Assert.Contains("AWSCURRENT still holds the old key", rotate.Error, StringComparison.Ordinal);
        var deactivate = result.Only(AccountA, "alice", ActionKind.Deactivate);
        Assert.Equal(Outcome.Skipped, deactivate.Outcome);
        Assert.StartsWith("not attempted", deactivate.Reason, StringComparison.Ordinal);
        Assert.Equal(current, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice", "AWSPENDING"));
        Assert.Contains((current, "Active"), await h.KeysAsync(AccountA, "alice"));
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "failed" && a.Attributes["accessKeyId"] == rotate.NewAccessKeyId);

        h.Time.Advance(TimeSpan.FromDays(2));
        var next = await h.Service(config).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, next.Only(AccountA, "alice", ActionKind.CompleteRotation).Outcome);
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        await h.AssertSafeAsync(AccountA, "alice");
        // Promoted two days after it was created: the hand-off is recorded, so the old key's clock starts now.
        var tags = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("Tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString());
        Assert.Equal($"{rotate.NewAccessKeyId} {ManagedSecret.RecordInstant(h.Time.GetUtcNow())}", tags[ManagedSecret.HandOffTag]);
    }

    [Fact]
    public async Task SweepAsync_FirstRotationWhileTheNewKeyIsRefusedForSeconds_VerifiedThenCurrent()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var propagation = new NewKeyPropagation(TimeSpan.FromSeconds(2));
        var model = new AwsModel().Use(propagation);

        var result = await h.Service(h.Config(policy: RotateAndRetire with { DeactivateAfterDays = 7, RequireOldKeyUnused = true }), () => model.CreateHandler(), Polling, h.RealClock)
            .SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Succeeded, rotate.Outcome);
        Assert.True(propagation.Key(rotate.NewAccessKeyId!)!.Refused > 0, "the model did not delay the new key");
        Assert.NotNull(propagation.Key(rotate.NewAccessKeyId!)!.FirstAcceptedAt);
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Equal([(old, "Active"), (rotate.NewAccessKeyId!, "Active")], (await h.KeysAsync(AccountA, "alice")).OrderBy(k => k.AccessKeyId != old).ToList());
    }

    [Fact]
    public async Task SweepAsync_FirstSecretsKeyNeverAccepted_FailureSaysTheNewKeyIsCurrentAlready()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var model = new AwsModel().Use(new NewKeyPropagation(TimeSpan.FromHours(1)));

        var result = await h.Service(h.Config(policy: RotateAndRetire with { DeactivateAfterDays = 7 }), () => model.CreateHandler(), Polling with { VerificationTimeout = TimeSpan.FromSeconds(1) }, h.RealClock)
            .SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Failed, rotate.Outcome);
        // A first secret's first version is AWSCURRENT from its creation: the alert must not claim the old key is.
        Assert.Contains("is AWSCURRENT already", rotate.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("still holds the old key", rotate.Error, StringComparison.Ordinal);
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Contains((old, "Active"), await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_DeadlineComesWhileAKeyIsStaged_ReportedNotStartedWithAWarningAndTheNextSweepCompletesIt()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var config = await WithFirstSecretsAsync(h, new() { [AccountA] = ["alice"] });
        var current = (await h.KeyInSecretAsync(AccountA, "alice"))!;
        var model = new AwsModel().Use(new NewKeyPropagation(TimeSpan.FromHours(1)));
        // The key is created well before the stop instant; storing it ends after it, so less than a verification is left.
        var slowStore = new FaultInjectingHandler(model.CreateHandler()).On("PutSecretValue", 1, Fault.Callback((_, ct) => Task.Delay(TimeSpan.FromSeconds(5), ct)));
        var stopAt = h.RealClock.GetUtcNow() + TimeSpan.FromSeconds(4);

        var result = await h.Service(config, () => slowStore, Polling with { VerificationTimeout = TimeSpan.FromSeconds(2) }, h.RealClock)
            .SweepAsync(new SweepRequest { StopStartingWorkAt = stopAt }, default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.NotStarted, rotate.Outcome);
        Assert.NotNull(rotate.NewAccessKeyId);
        Assert.Contains("the next sweep verifies and promotes it", rotate.Reason, StringComparison.Ordinal);
        Assert.Equal(0, result.Counts.Failed);
        Assert.Equal(1, result.Counts.NotStarted);
        Assert.Equal(Outcome.Skipped, result.Only(AccountA, "alice", ActionKind.Deactivate).Outcome);
        Assert.Equal(current, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice", "AWSPENDING"));
        var alerts = await h.AlertsAsync();
        Assert.Contains(alerts, a => a.Attributes["event"] == "deferred" && a.Attributes["accessKeyId"] == rotate.NewAccessKeyId);
        Assert.DoesNotContain(alerts, a => a.Attributes["event"] == "failed");

        var next = await h.Service(config).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, next.Only(AccountA, "alice", ActionKind.CompleteRotation).Outcome);
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_DeadlineComesWhileAFirstRotationsKeyIsUnverified_TheAlertSaysItIsCurrentAlready()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var model = new AwsModel().Use(new NewKeyPropagation(TimeSpan.FromHours(1)));
        var slowStore = new FaultInjectingHandler(model.CreateHandler()).On("PutSecretValue", 1, Fault.Callback((_, ct) => Task.Delay(TimeSpan.FromSeconds(5), ct)));
        var stopAt = h.RealClock.GetUtcNow() + TimeSpan.FromSeconds(4);

        var result = await h.Service(h.Config(policy: RotateAndRetire), () => slowStore, Polling with { VerificationTimeout = TimeSpan.FromSeconds(2) }, h.RealClock)
            .SweepAsync(new SweepRequest { StopStartingWorkAt = stopAt }, default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.NotStarted, rotate.Outcome);
        // The first version of a new secret is AWSCURRENT from the moment it is stored: nothing is left to promote.
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Contains("AWSCURRENT already, so it is not verified again", rotate.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("AWSPENDING", rotate.Reason, StringComparison.Ordinal);
        Assert.Contains((old, "Active"), await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_DeadlinePassesBeforeTheKeyIsCreated_CreatesNoKey()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var key = await h.UserWithKeyAsync(AccountA, "alice");
        // The user is started before the stop instant; reading its keys ends after it.
        var slowRead = new FaultInjectingHandler().On("ListAccessKeys", 1, Fault.Callback((_, ct) => Task.Delay(TimeSpan.FromSeconds(3), ct)));
        var stopAt = h.RealClock.GetUtcNow() + TimeSpan.FromSeconds(1.5);

        var result = await h.Service(h.Config(policy: RotateAndRetire), () => slowRead, Polling, h.RealClock).SweepAsync(new SweepRequest { StopStartingWorkAt = stopAt }, default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.NotStarted, rotate.Outcome);
        Assert.Contains("too little time", rotate.Reason, StringComparison.Ordinal);
        Assert.Equal(0, slowRead.Seen("CreateAccessKey"));
        Assert.Equal([(key, "Active")], await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_ConcurrentKeyMakesIamRefuseTheNewOne_TheCurrentKeyIsNotDeactivated()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var config = await WithFirstSecretsAsync(h, new() { [AccountA] = ["alice"] });
        var current = (await h.KeyInSecretAsync(AccountA, "alice"))!;

        var result = await h.Service(config, () => new RefusingHandler("CreateAccessKey", "alice", "LimitExceeded", HttpStatusCode.Conflict)).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Skipped, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        var deactivate = result.Only(AccountA, "alice", ActionKind.Deactivate);
        Assert.Equal(Outcome.Skipped, deactivate.Outcome);
        Assert.Contains("did not happen", deactivate.Reason, StringComparison.Ordinal);
        Assert.Equal([(current, "Active")], await h.KeysAsync(AccountA, "alice"));
        await h.AssertSafeAsync(AccountA, "alice");
    }

    [Fact]
    public async Task SweepAsync_OneAccountStopsAnswering_FailsThatAccountWithAnAlertAndTheOthersGoOn()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        foreach (var account in new[] { AccountA, AccountB, AccountC })
        {
            await h.UserWithKeyAsync(account, "alice");
        }

        // One account at a time, the slow one first: its failure comes before any other account was opened.
        var config = h.Config(new() { [AccountA] = ["alice"], [AccountB] = ["alice"], [AccountC] = ["alice"] }, RotateAndRetire) with { Concurrency = new ConcurrencyConfig { Accounts = 1, UsersPerAccount = 4 } };
        var retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(20), TotalBudget = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromSeconds(1) };

        var result = await h.Service(config, () => new StallingHandler(AccountA), Polling, h.Time, retry).SweepAsync(new SweepRequest(), default);

        var slow = result.Accounts.Single(a => a.AccountId == AccountA);
        Assert.Equal(Outcome.Failed, slow.Outcome);
        Assert.Contains("No response within 1 s", slow.Error, StringComparison.Ordinal);
        Assert.Equal(Outcome.Succeeded, result.Only(AccountB, "alice", ActionKind.Rotate).Outcome);
        Assert.Equal(Outcome.Succeeded, result.Only(AccountC, "alice", ActionKind.Rotate).Outcome);
        Assert.Equal(1, result.Counts.Failed);
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "failed" && a.Attributes.GetValueOrDefault("accountId") == AccountA);
    }

    [Fact]
    public async Task SweepAsync_AccountStopsAnsweringAfterItsFirstStoredKey_FailsItsRemainingWorkAndTheOthersGoOn()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var users = new Dictionary<string, IReadOnlyList<string>> { [AccountA] = Users(3), [AccountB] = Users(2) };
        var config = await WithFirstSecretsAsync(h, users) with { Concurrency = new ConcurrencyConfig { Accounts = 2, UsersPerAccount = 1 } };
        var unresponsive = new UnresponsiveAccounts([]);
        var model = new AwsModel().Use(unresponsive);
        // Account A stops answering right after the first of its new keys is stored: in the middle of its users.
        var trigger = new FaultInjectingHandler(model.CreateHandler()).Always("PutSecretValue", Fault.Callback(
            (request, _) =>
            {
                if (request.Options.TryGetValue(AwsRequestInfo.OptionKey, out var info) && info.AccountId == AccountA)
                {
                    unresponsive.Add(AccountA);
                }

                return Task.CompletedTask;
            },
            afterForwarding: true));
        var retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(20), TotalBudget = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromSeconds(1) };

        var result = await h.Service(config, () => trigger, Polling, h.Time, retry).SweepAsync(new SweepRequest(), default).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(unresponsive.Hung > 0, "account A never stopped answering");
        Assert.Equal(Outcome.Failed, result.Accounts.Single(a => a.AccountId == AccountA).Outcome);
        Assert.All(users[AccountA], u => Assert.Contains(result.ActionsOf(AccountA, u), a => a.Outcome == Outcome.Failed));
        Assert.All(users[AccountB], u => Assert.Equal(Outcome.Succeeded, result.Only(AccountB, u, ActionKind.Rotate).Outcome));
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "failed" && a.Attributes.GetValueOrDefault("accountId") == AccountA);
        foreach (var user in users[AccountA])
        {
            await h.AssertSafeAsync(AccountA, user);
        }

        // Once A answers again, a later sweep finishes its users (the half-done one as a completion or an orphan's deletion).
        unresponsive.Remove(AccountA);
        h.Time.Advance(Core.Planning.Planner.OrphanMinimumAge + TimeSpan.FromMinutes(1));
        var service = h.Service(config);
        await service.SweepAsync(new SweepRequest { Accounts = [AccountA] }, default);
        var settled = await service.SweepAsync(new SweepRequest { Accounts = [AccountA] }, default);
        Assert.Equal(0, settled.Counts.Failed);
        foreach (var user in users[AccountA])
        {
            await h.AssertSafeAsync(AccountA, user);
        }
    }

    [Fact]
    public async Task SweepAsync_AwsUnreachable_EndsTheSweepAsTheHostsProblem()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        await h.UserWithKeyAsync(AccountB, "bob");
        var unreachable = new FaultInjectingHandler().Always("AssumeRole", Fault.ConnectionResetBeforeSend);
        var config = h.Config(new() { [AccountA] = ["alice"], [AccountB] = ["bob"] }, RotateAndRetire);
        var retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(20) };

        var error = await Assert.ThrowsAsync<AwsTransportException>(() => h.Service(config, () => unreachable, Polling, h.Time, retry).SweepAsync(new SweepRequest(), default));

        Assert.Equal("AssumeRole", error.Operation);
        Assert.Single(await h.KeysAsync(AccountA, "alice"));
        Assert.Single(await h.KeysAsync(AccountB, "bob"));
    }

    private static List<string> Users(int count) => Enumerable.Range(1, count).Select(i => $"user{i}").ToList();

    /// <summary>Seeds the users with a key, and gives each its first secret (keys usable at once), so the next rotation promotes.</summary>
    private static async Task<RotationConfig> WithFirstSecretsAsync(EngineHarness h, Dictionary<string, IReadOnlyList<string>> users)
    {
        foreach (var (account, names) in users)
        {
            foreach (var user in names)
            {
                await h.UserWithKeyAsync(account, user);
            }
        }

        var config = h.Config(users, RotateAndRetire);
        var first = await h.Service(config).SweepAsync(new SweepRequest(), default);
        Assert.Equal(users.Values.Sum(u => u.Count), first.Counts.Rotated);
        await h.AlertsAsync();
        return config;
    }

    private static int IndexOf(IReadOnlyList<ProbeEvent> events, ProbeEventKind kind, string detail)
    {
        var index = events.ToList().FindIndex(e => e.Kind == kind && e.Detail == detail);
        Assert.True(index >= 0, $"no {kind} event for {detail}");
        return index;
    }
}
