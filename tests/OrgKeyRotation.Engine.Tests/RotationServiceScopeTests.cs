using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests;

/// <summary>Which accounts and users a sweep covers, and how failures stay in their unit.</summary>
[Trait("Category", "Integration")]
public class RotationServiceScopeTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task SweepAsync_OrganizationDiscovery_CoversActiveAccountsUnderTheOuMinusExclusions()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.Seed.CreateOrganizationAsync();
        var root = await h.Seed.RootIdAsync();
        var ou = await h.Seed.CreateOuAsync(root, "workloads");
        var nested = await h.Seed.CreateOuAsync(ou, "team");
        var inOu = await h.Seed.CreateAccountAsync("in-ou");
        var inNested = await h.Seed.CreateAccountAsync("in-nested");
        var excluded = await h.Seed.CreateAccountAsync("excluded");
        var outside = await h.Seed.CreateAccountAsync("outside");
        await h.Seed.MoveAccountAsync(inOu, root, ou);
        await h.Seed.MoveAccountAsync(inNested, root, nested);
        await h.Seed.MoveAccountAsync(excluded, root, ou);
        foreach (var account in new[] { inOu, inNested, excluded, outside })
        {
            await h.UserWithKeyAsync(account, "svc-tagged", new Dictionary<string, string> { ["key-rotation"] = "enabled" });
            await h.UserWithKeyAsync(account, "svc-untagged");
        }

        var config = h.Config(accounts: new(), policy: RotateNow) with
        {
            Discovery = new DiscoveryConfig { Organization = true, IncludeOus = [ou], ExcludeAccounts = [excluded], UserTag = "key-rotation=enabled" },
        };

        var result = await h.Service(config).SweepAsync(new SweepRequest(), default);

        Assert.Equal(new[] { inOu, inNested }.Order(StringComparer.Ordinal), result.Accounts.Select(a => a.AccountId));
        Assert.All(result.Accounts, a => Assert.Equal("svc-tagged", Assert.Single(a.Users).UserName));
        Assert.Equal(2, result.Counts.Rotated);
        Assert.Single(await h.KeysAsync(outside, "svc-tagged"));
        Assert.Single(await h.KeysAsync(excluded, "svc-tagged"));
    }

    [Fact]
    public async Task SweepAsync_DiscoveryByPathAndTag_ReadsTheAccountsUsersInOneCallAndRotatesOnlyThoseInScope()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.Seed.CreateOrganizationAsync();
        var account = await h.Seed.CreateAccountAsync("workload");
        var enabled = new Dictionary<string, string> { ["key-rotation"] = "enabled" };
        await h.Seed.CreateUserAsync(account, "svc-in-scope", path: "/svc/", tags: enabled);
        await h.Seed.CreateUserAsync(account, "svc-untagged", path: "/svc/");
        await h.Seed.CreateUserAsync(account, "person-tagged", tags: enabled);
        foreach (var user in new[] { "svc-in-scope", "svc-untagged", "person-tagged" })
        {
            await h.Seed.CreateAccessKeyAsync(account, user);
        }

        h.RegisterSeen();
        var config = h.Config(accounts: new(), policy: RotateNow) with
        {
            Discovery = new DiscoveryConfig { Organization = true, UserPath = "/svc/", UserTag = "key-rotation=enabled" },
        };
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        var swept = result.Accounts.Single(a => a.AccountId == account);
        Assert.Equal("svc-in-scope", Assert.Single(swept.Users).UserName);
        Assert.Equal(Outcome.Succeeded, result.Only(account, "svc-in-scope", ActionKind.Rotate).Outcome);
        Assert.Equal(calls.Count("AssumeRole"), calls.Count("GetAccountAuthorizationDetails"));
        Assert.Equal(0, calls.Count("ListUsers") + calls.Count("GetUser"));
    }

    [Fact]
    public async Task SweepAsync_MissingUser_FailsThatUserOnlyWithAnAlert()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        await h.UserWithKeyAsync(AccountB, "bob");
        var config = h.Config(new() { [AccountA] = ["alice", "ghost"], [AccountB] = ["bob"] }, RotateNow);

        var result = await h.Service(config).SweepAsync(new SweepRequest(), default);

        var ghost = Assert.Single(result.ActionsOf(AccountA, "ghost"));
        Assert.Equal(Outcome.Failed, ghost.Outcome);
        Assert.Contains("does not exist", ghost.Error, StringComparison.Ordinal);
        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        Assert.Equal(Outcome.Succeeded, result.Only(AccountB, "bob", ActionKind.Rotate).Outcome);
        Assert.Equal(1, result.Counts.Failed);
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "failed" && a.Attributes["userName"] == "ghost");
    }

    [Fact]
    public async Task SweepAsync_AccessDeniedOnOneUsersCall_FailsThatUserOnly()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var bobKey = await h.UserWithKeyAsync(AccountA, "bob");
        var config = h.Config(new() { [AccountA] = ["alice", "bob"] }, RotateNow);

        var result = await h.Service(config, () => new RefusingHandler("CreateAccessKey", "bob")).SweepAsync(new SweepRequest(), default);

        var bob = result.Only(AccountA, "bob", ActionKind.Rotate);
        Assert.Equal(Outcome.Failed, bob.Outcome);
        Assert.Contains("AccessDenied", bob.Error, StringComparison.Ordinal);
        Assert.Equal([(bobKey, "Active")], await h.KeysAsync(AccountA, "bob"));
        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "failed" && a.Attributes["userName"] == "bob");

        // The failure's log line carries AWS's error code, HTTP status and request id as fields to filter on.
        var line = Assert.Single(h.Log.Lines, l => l.Values.ContainsKey("AwsErrorCode") && l.Values.GetValueOrDefault("UserName") == "bob");
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Equal(("AccessDenied", "403", "refused-1"), (line.Values["AwsErrorCode"], line.Values["HttpStatus"], line.Values["AwsRequestId"]));
    }

    [Fact]
    public async Task SweepAsync_AnswerThatDoesNotParse_FailsThatUserOnly()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var bobKey = await h.UserWithKeyAsync(AccountA, "bob");
        var config = h.Config(new() { [AccountA] = ["alice", "bob"] }, RotateNow);
        // A success status with a body cut short, as a broken proxy might answer: for bob's keys only.
        var garbled = new AnsweringHandler("ListAccessKeys", System.Net.HttpStatusCode.OK, "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><AccessKey", "text/xml", when: "UserName=bob");

        var result = await h.Service(config, () => garbled).SweepAsync(new SweepRequest(), default);

        var bob = Assert.Single(result.ActionsOf(AccountA, "bob"));
        Assert.Equal(Outcome.Failed, bob.Outcome);
        Assert.Contains("could not be read", bob.Error, StringComparison.Ordinal);
        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        Assert.Equal(1, result.Counts.Failed);
        Assert.Equal([(bobKey, "Active")], await h.KeysAsync(AccountA, "bob"));
    }

    [Fact]
    public async Task SweepAsync_TwoSweepsAtOnce_CreateExactlyOneNewKeyPerUserAndBlockNobody()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var users = Enumerable.Range(1, 6).Select(i => $"user{i}").ToList();
        var original = new Dictionary<string, string>();
        foreach (var user in users)
        {
            original[user] = await h.UserWithKeyAsync(AccountA, user);
        }

        var config = h.Config(new() { [AccountA] = users }, RotateNow);

        // Verification gets 30 s, not the harness's 2 s: this test is about the race between the sweeps, and on a loaded
        // machine a 2 s verification can time out. The orders of the two sweeps' calls that matter are pinned one by one
        // in RotationServiceConcurrencyTests; here the machine's load picks them.
        var patient = new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(30), VerificationPollInterval = TimeSpan.FromMilliseconds(100) };
        var results = await Task.WhenAll(
            h.Service(config, null, patient, h.Time).SweepAsync(new SweepRequest(), default),
            h.Service(config, null, patient, h.Time).SweepAsync(new SweepRequest(), default));
        // Failed and Blocked alike: a blocked user would be a person alerted for nothing.
        var failures = results.SelectMany(r => r.Accounts).SelectMany(a => a.Users).SelectMany(u => u.Actions.Select(a => (u.UserName, a))).Where(x => x.a.Outcome is Outcome.Failed or Outcome.Blocked).ToList();
        Assert.True(failures.Count == 0, string.Join("; ", failures.Select(f => $"{f.UserName} {f.a.Action} {f.a.Outcome}: {f.a.Reason} {f.a.Error}")));
        Assert.Equal(0, results.Sum(r => r.Counts.Failed));

        foreach (var user in users)
        {
            var newKey = await h.KeyInSecretAsync(AccountA, user);
            Assert.NotEqual(original[user], newKey);
            Assert.Equal([(original[user], "Active"), (newKey!, "Active")], (await h.KeysAsync(AccountA, user)).OrderBy(k => k.AccessKeyId == newKey));
            await h.AssertSafeAsync(AccountA, user);
        }

        Assert.Equal(users.Count, results.Sum(r => r.Counts.Rotated));
    }

    [Fact]
    public async Task SweepAsync_RequestForAccountOutsideScope_IsRefusedBeforeAnyCall()
    {
        var h = await EngineHarness.StartAsync(moto.Server);

        var error = await Assert.ThrowsAsync<BadRequestException>(() => h.Service(h.Config()).SweepAsync(new SweepRequest { Accounts = ["333333333333"] }, default));

        Assert.Contains("333333333333", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Log.Lines);
    }

    [Fact]
    public async Task SweepAsync_AccountsOverride_SweepsOnlyThoseAccounts()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        await h.UserWithKeyAsync(AccountB, "bob");
        var config = h.Config(new() { [AccountA] = ["alice"], [AccountB] = ["bob"] }, RotateNow);

        var reported = new ReportedAccounts();

        var result = await h.Service(config).SweepAsync(new SweepRequest { Accounts = [AccountB], Progress = reported }, default);

        Assert.Equal(AccountB, Assert.Single(result.Accounts).AccountId);
        Assert.Equal(AccountB, Assert.Single(reported.Accounts).AccountId);
        Assert.Single(await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_DeadlineAlreadyPassed_StartsNothingAndSaysSo()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");

        var result = await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest { StopStartingWorkAt = h.Time.GetUtcNow() }, default);

        Assert.Equal([AccountA], result.NotStartedAccounts);
        Assert.Equal(1, result.Counts.NotStarted);
        Assert.Single(await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RestoreAsync_DeactivatedKey_IsActiveAgainWithAnAlert()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var key = await h.UserWithKeyAsync(AccountA, "alice");
        await h.Seed.SetAccessKeyStatusAsync(AccountA, "alice", key, active: false);

        var result = await h.Service(h.Config()).RestoreAsync(AccountA, "alice", key, default);

        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal([(key, "Active")], await h.KeysAsync(AccountA, "alice"));
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "restored" && a.Attributes["accessKeyId"] == key);
    }

    [Fact]
    public async Task RestoreAsync_KeyThatDoesNotExist_BlockedWithoutChanges()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var key = await h.UserWithKeyAsync(AccountA, "alice");

        var result = await h.Service(h.Config()).RestoreAsync(AccountA, "alice", "AKIAAAAAAAAAAAAAAAAA", default);

        Assert.Equal(Outcome.Blocked, result.Outcome);
        Assert.Equal([(key, "Active")], await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task InventoryAsync_Users_ReportsKeysRolesExemptionsAndManagement()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice", new Dictionary<string, string> { ["owner"] = "team-a" });
        await h.UserWithKeyAsync(AccountA, "exempt");
        await h.Seed.AddUserToGroupAsync(AccountA, "exempt", "key-rotation-exempt");
        var config = h.Config(new() { [AccountA] = ["alice", "exempt"] }, RotateNow);
        await h.Service(config).SweepAsync(new SweepRequest(), default);
        var rotatedAt = h.Time.GetUtcNow();

        var report = await h.Service(config).InventoryAsync(new SweepRequest(), default);

        var alice = report.Users.Single(u => u.UserName == "alice");
        Assert.True(alice.Managed);
        Assert.Equal("team-a", alice.Owner);
        Assert.Equal(2, alice.Keys.Count);
        Assert.Contains(alice.Keys, k => k.Role == KeyRole.Current);
        Assert.Contains(alice.Keys, k => k.Role == KeyRole.Previous);
        // Right after the rotation both keys are active: the hand-off ends at the forced deadline, counted from it.
        var until = rotatedAt.AddDays(config.Policy.MaxDeactivationDelayDays);
        Assert.InRange(alice.HandOffUntil!.Value, until - TimeSpan.FromSeconds(1), until); // the attempt's record keeps whole seconds
        var exempt = report.Users.Single(u => u.UserName == "exempt");
        Assert.True(exempt.Exempt);
        Assert.False(exempt.Managed);
        Assert.Null(exempt.HandOffUntil);
        h.AssertNoSecretsIn(report);
    }
}

/// <summary>Collects progress reports synchronously (System.Progress would post them to the thread pool).</summary>
internal sealed class ReportedAccounts : IProgress<AccountResult>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<AccountResult> _accounts = new();

    public IReadOnlyList<AccountResult> Accounts => _accounts.ToList();

    public void Report(AccountResult value) => _accounts.Enqueue(value);
}
