using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests;

/// <summary>
/// The key lifecycle end to end against moto: rotate, hand over, deactivate, delete, rotate again.
/// moto stamps keys with the real time and cannot back-date them, so a test rotates while the fake clock still equals
/// the real one (maxKeyAgeDays 0) and only then moves the clock forward through the lifecycle.
/// </summary>
[Trait("Category", "Integration")]
public class RotationServiceLifecycleTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly RotationPolicy Policy = new() { MaxKeyAgeDays = 30, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 20 };
    private static readonly RotationPolicy RotateNow = Policy with { MaxKeyAgeDays = 0 };

    [Fact]
    public async Task SweepAsync_KeyOlderThanPolicy_RotatesThroughTheSecret()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        h.Time.Advance(TimeSpan.FromDays(31));
        var config = h.Config(policy: Policy);

        var result = await h.Service(config).SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Succeeded, rotate.Outcome);
        Assert.Equal(oldKey, rotate.AccessKeyId);
        Assert.NotNull(rotate.NewAccessKeyId);
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        var keys = await h.KeysAsync(AccountA, "alice");
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Equal("Active", k.Status)); // the old key stays active through the grace period
        Assert.Equal(1, result.Counts.Rotated);

        var secret = await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"));
        var tags = secret.GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString());
        Assert.Equal("true", tags["orgkeyrotation:managed"]);
        Assert.Equal("alice", tags["orgkeyrotation:user"]);
        Assert.Equal(oldKey, tags["orgkeyrotation:adopted-key"]);
        var policy = await h.Seed.GetResourcePolicyAsync(AccountA, SecretName(AccountA, "alice"));
        Assert.Contains($"arn:aws:iam::{AccountA}:user/alice", policy, StringComparison.Ordinal);
        Assert.Contains("\"Deny\"", policy, StringComparison.Ordinal);

        var alerts = await h.AlertsAsync();
        var rotated = Assert.Single(alerts, a => a.Attributes["event"] == "rotated");
        Assert.Equal(AccountA, rotated.Attributes["accountId"]);
        Assert.Equal("alice", rotated.Attributes["userName"]);
        Assert.Equal(rotate.NewAccessKeyId, rotated.Attributes["accessKeyId"]);
        Assert.Single(alerts, a => a.Attributes["event"] == "digest");
        h.AssertNoSecretsIn(result);
    }

    [Fact]
    public async Task SweepAsync_RightAfterARotation_ChangesNothing()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var service = h.Service(h.Config(policy: RotateNow));
        await service.SweepAsync(new SweepRequest(), default);
        var keysBefore = await h.KeysAsync(AccountA, "alice");
        var secretBefore = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("VersionIdsToStages").GetRawText();

        var second = await service.SweepAsync(new SweepRequest(), default);

        Assert.Equal(keysBefore, await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(secretBefore, (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("VersionIdsToStages").GetRawText());
        Assert.All(second.ActionsOf(AccountA, "alice"), a => Assert.Equal(Outcome.Skipped, a.Outcome));
        Assert.Equal(0, second.Counts.Rotated + second.Counts.Deactivated + second.Counts.Deleted + second.Counts.Failed);
    }

    [Fact]
    public async Task SweepAsync_FullLifecycle_DeactivatesThenDeletesThenRotatesAgain()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var first = await h.UserWithKeyAsync(AccountA, "alice");
        var second = (await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default)).Only(AccountA, "alice", ActionKind.Rotate).NewAccessKeyId!;
        var service = h.Service(h.Config(policy: Policy));

        h.Time.Advance(TimeSpan.FromDays(8));
        var deactivation = await service.SweepAsync(new SweepRequest(), default);
        Assert.Equal(Outcome.Succeeded, deactivation.Only(AccountA, "alice", ActionKind.Deactivate).Outcome);
        Assert.Contains((first, "Inactive"), await h.KeysAsync(AccountA, "alice"));

        h.Time.Advance(TimeSpan.FromDays(3));
        var early = await service.SweepAsync(new SweepRequest(), default);
        Assert.DoesNotContain(early.ActionsOf(AccountA, "alice"), a => a.Action == ActionKind.Delete);

        h.Time.Advance(TimeSpan.FromDays(5));
        var deletion = await service.SweepAsync(new SweepRequest(), default);
        Assert.Equal(Outcome.Succeeded, deletion.Only(AccountA, "alice", ActionKind.Delete).Outcome);
        Assert.Equal([(second, "Active")], await h.KeysAsync(AccountA, "alice"));

        // The second key passes the 30-day limit: rotation again, now with AWSPREVIOUS in play.
        h.Time.Advance(TimeSpan.FromDays(15));
        var again = await service.SweepAsync(new SweepRequest(), default);
        var third = again.Only(AccountA, "alice", ActionKind.Rotate).NewAccessKeyId;
        Assert.Equal(third, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Equal(second, await h.KeyInSecretAsync(AccountA, "alice", "AWSPREVIOUS"));

        var alerts = await h.AlertsAsync();
        Assert.Equal(2, alerts.Count(a => a.Attributes["event"] == "rotated"));
        Assert.Single(alerts, a => a.Attributes["event"] == "deactivated");
        Assert.Single(alerts, a => a.Attributes["event"] == "deleted");
        h.AssertNoSecretsIn(again);
    }

    [Fact]
    public async Task SweepAsync_PreviousKeyStillInUse_WarnsUntilMaxDelayThenDeactivates()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        // moto stamps last use with the wall clock, not the harness clock: an idle period longer than the days
        // advanced below keeps this use "recent", as a consumer still signing with the old key would.
        var service = h.Service(h.Config(policy: Policy with { OldKeyIdleDays = 30 }));
        await h.Seed.UseKeyAsync(oldKey); // a consumer still signs with the old key after promotion

        h.Time.Advance(TimeSpan.FromDays(8));
        var warned = await service.SweepAsync(new SweepRequest(), default);
        var warn = warned.Only(AccountA, "alice", ActionKind.Warn);
        Assert.Contains("still in use", warn.Reason, StringComparison.Ordinal);
        Assert.Contains((oldKey, "Active"), await h.KeysAsync(AccountA, "alice"));

        h.Time.Advance(TimeSpan.FromDays(13));
        var forced = await service.SweepAsync(new SweepRequest(), default);
        Assert.Contains("anyway", forced.Only(AccountA, "alice", ActionKind.Deactivate).Reason, StringComparison.Ordinal);
        Assert.Contains((oldKey, "Inactive"), await h.KeysAsync(AccountA, "alice"));
        var alerts = await h.AlertsAsync();
        Assert.Contains(alerts, a => a.Attributes["event"] == "warning" && a.Attributes["accessKeyId"] == oldKey);
    }

    [Fact]
    public async Task RestoreAsync_KeyForcedOffAtTheDeadline_StaysActiveForANewWindowFromTheRestore()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        var service = h.Service(h.Config(policy: Policy with { OldKeyIdleDays = 60 }));
        await h.Seed.UseKeyAsync(oldKey); // a consumer that never switched
        h.Time.Advance(TimeSpan.FromDays(21));
        await service.SweepAsync(new SweepRequest(), default);
        Assert.Contains((oldKey, "Inactive"), await h.KeysAsync(AccountA, "alice"));

        var restore = await service.RestoreAsync(AccountA, "alice", oldKey, default);
        h.Time.Advance(TimeSpan.FromDays(1));
        var nextDay = await service.SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, restore.Outcome);
        Assert.DoesNotContain(nextDay.ActionsOf(AccountA, "alice"), a => a.Action == ActionKind.Deactivate);
        Assert.Contains((oldKey, "Active"), await h.KeysAsync(AccountA, "alice"));
        var secret = await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"));
        var restored = secret.GetProperty("Tags").EnumerateArray().Single(t => t.GetProperty("Key").GetString() == "orgkeyrotation:restored").GetProperty("Value").GetString();
        Assert.StartsWith(oldKey + " ", restored, StringComparison.Ordinal);

        // The restore is a new hand-off of the old key: the forced deadline comes maxDeactivationDelayDays after it.
        h.Time.Advance(TimeSpan.FromDays(19));
        var deadline = await service.SweepAsync(new SweepRequest(), default);
        Assert.Contains("anyway", deadline.Only(AccountA, "alice", ActionKind.Deactivate).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SweepAsync_LastUseReportedHoursLate_KeyInUseIsNotDeactivatedUntilIdleForOldKeyIdleDays()
    {
        // AWS reports last use up to about four hours late (LastUsedLag at the planner's bound). Consumers keep using the
        // old key after the hand-off; with oldKeyIdleDays >= 1, longer than the lag, a key in use is never taken for
        // an idle one: its reported last use is at most hours old, never a day.
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.Seed.CreateUserAsync(AccountA, "alice");
        var (oldKey, oldSecret) = await h.Seed.CreateAccessKeyAsync(AccountA, "alice");
        h.RegisterSeen();
        var model = new AwsModel(h.Time).Use(new LastUsedLag(Planner.LastUsedLagBound));
        var lagging = h.Config(policy: Policy with { OldKeyIdleDays = 1 });
        await h.Service(lagging with { Policy = lagging.Policy with { MaxKeyAgeDays = 0 } }, () => model.CreateHandler()).SweepAsync(new SweepRequest(), default);
        var handOff = h.Time.GetUtcNow();
        var consumer = h.Clients(lagging, () => model.CreateHandler()).Sts;
        var service = h.Service(lagging, () => model.CreateHandler());

        async Task UseOldKeyAtAsync(TimeSpan afterHandOff)
        {
            h.Time.Advance(handOff + afterHandOff - h.Time.GetUtcNow());
            await consumer.GetCallerIdentityAsync(oldKey, new SensitiveString(oldSecret), null, default);
        }

        async Task<SweepResult> SweepAtAsync(TimeSpan afterHandOff)
        {
            h.Time.Advance(handOff + afterHandOff - h.Time.GetUtcNow());
            return await service.SweepAsync(new SweepRequest(), default);
        }

        await UseOldKeyAtAsync(TimeSpan.FromDays(2));
        await UseOldKeyAtAsync(TimeSpan.FromDays(7) + TimeSpan.FromHours(20));
        await UseOldKeyAtAsync(TimeSpan.FromDays(7) + TimeSpan.FromHours(23)); // an hour before the sweep: not reported yet

        var inUse = await SweepAtAsync(TimeSpan.FromDays(8));
        Assert.Contains("still in use", inUse.Only(AccountA, "alice", ActionKind.Warn).Reason, StringComparison.Ordinal);
        Assert.Contains((oldKey, "Active"), await h.KeysAsync(AccountA, "alice"));

        // A day after the last use that AWS has reported by now, minus an hour: still within oldKeyIdleDays.
        var almost = await SweepAtAsync(TimeSpan.FromDays(8) + TimeSpan.FromHours(22));
        Assert.DoesNotContain(almost.ActionsOf(AccountA, "alice"), a => a.Action == ActionKind.Deactivate);
        Assert.Contains((oldKey, "Active"), await h.KeysAsync(AccountA, "alice"));

        var idle = await SweepAtAsync(TimeSpan.FromDays(9));
        Assert.Contains("not used for 1 days", idle.Only(AccountA, "alice", ActionKind.Deactivate).Reason, StringComparison.Ordinal);
        Assert.Contains((oldKey, "Inactive"), await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_PersonsKeyMadeRightAfterARotation_IsNeverDeletedAsAnOrphan()
    {
        // A person reads the "rotated" alert, deletes the old key and makes a key of their own minutes later, inside the
        // window of the attempt the rotation recorded. Their application uses it at once, but AWS reports that use
        // hours late (LastUsedLag at the planner's bound): an hour on, the key still looks never used.
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        var model = new AwsModel(h.Time).Use(new LastUsedLag(Planner.LastUsedLagBound));
        var config = h.Config(policy: RotateNow);
        var service = h.Service(config, () => model.CreateHandler());
        var rotated = (await service.SweepAsync(new SweepRequest(), default)).Only(AccountA, "alice", ActionKind.Rotate).NewAccessKeyId!;
        await h.Seed.DeleteAccessKeyAsync(AccountA, "alice", oldKey);
        var (personsKey, personsSecret) = await h.Seed.CreateAccessKeyAsync(AccountA, "alice");
        h.RegisterSeen();
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.Clients(config, () => model.CreateHandler()).Sts.GetCallerIdentityAsync(personsKey, new SensitiveString(personsSecret), null, default);

        h.Time.Advance(TimeSpan.FromHours(1));
        var next = await service.SweepAsync(new SweepRequest(), default);

        Assert.Contains((personsKey, "Active"), await h.KeysAsync(AccountA, "alice"));
        Assert.DoesNotContain(next.ActionsOf(AccountA, "alice"), a => a.Action == ActionKind.Delete);
        Assert.Contains(next.ActionsOf(AccountA, "alice"), a => a.Action == ActionKind.Warn && a.AccessKeyId == personsKey && !a.Reason.Contains("orphan", StringComparison.Ordinal));
        Assert.Equal(rotated, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_ImmediateDeactivationPolicy_DeactivatesOldKeyInTheSameSweep()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        var config = h.Config(policy: new RotationPolicy { MaxKeyAgeDays = 0, DeactivateAfterDays = 0, RequireOldKeyUnused = false, DeleteAfterDays = 7, MaxDeactivationDelayDays = 0 });

        var result = await h.Service(config).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Deactivate).Outcome);
        Assert.Contains((oldKey, "Inactive"), await h.KeysAsync(AccountA, "alice"));
        await h.AssertSafeAsync(AccountA, "alice");
    }

    [Fact]
    public async Task SweepAsync_CentralSecretLocation_HandsOverInTheCentralAccount()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var config = EngineHarness.WithCentralSecrets(h.Config(policy: RotateNow));
        await h.RunAsAsync(EngineHarness.CentralRotatorArn);

        var result = await h.Service(config).SweepAsync(new SweepRequest(), default);

        var newKey = result.Only(AccountA, "alice", ActionKind.Rotate).NewAccessKeyId;
        Assert.NotNull(newKey);
        var central = await h.Seed.CurrentSecretValueAsync(MotoSeeder.DefaultAccount, SecretName(AccountA, "alice"));
        Assert.Contains(newKey, central, StringComparison.Ordinal);
        Assert.Null(await h.Seed.CurrentSecretValueAsync(AccountA, SecretName(AccountA, "alice")));
        SecretScan.RegisterSecret(System.Text.Json.JsonDocument.Parse(central!).RootElement.GetProperty("SecretAccessKey").GetString());
        h.AssertNoSecretsIn(result);
    }

    [Fact]
    public async Task SweepAsync_DryRun_ChangesNothingAndPlansTheRotation()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        h.Time.Advance(TimeSpan.FromDays(31));

        var result = await h.Service(h.Config(policy: Policy)).SweepAsync(new SweepRequest { DryRun = true }, default);

        Assert.True(result.DryRun);
        Assert.Equal(Outcome.Planned, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        Assert.Equal([(oldKey, "Active")], await h.KeysAsync(AccountA, "alice"));
        Assert.Null(await h.KeyInSecretAsync(AccountA, "alice"));
        var snapshot = Assert.Single(result.Accounts[0].Users[0].Keys);
        Assert.Equal(oldKey, snapshot.AccessKeyId);
        Assert.Empty(await h.AlertsAsync());
    }

    [Fact]
    public async Task SweepAsync_DryRunOutlastingTheAlertFlush_PublishesNothing()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var config = h.Config(new() { [AccountA] = ["ghost", "alice"] }, Policy) with { Concurrency = new ConcurrencyConfig { Accounts = 1, UsersPerAccount = 1 } };
        // The missing user fails first; the next user's read lets the clock pass the 2 s flush of finished users' messages.
        var slow = new ClockAdvancingHandler(h.Time, "ListAccessKeys", TimeSpan.FromSeconds(5));

        var result = await h.Service(config, () => slow).SweepAsync(new SweepRequest { DryRun = true }, default);

        Assert.Equal(Outcome.Failed, Assert.Single(result.ActionsOf(AccountA, "ghost")).Outcome);
        Assert.True(slow.Advanced > 0);
        Assert.Empty(await h.AlertsAsync());
    }

    [Fact]
    public async Task SweepAsync_ForeignSecretWithTheSameName_IsNotOverwrittenAndAlerts()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        await h.Seed.CreateSecretAsync(AccountA, SecretName(AccountA, "alice"), "{\"someone\":\"else\"}");
        h.Time.Advance(TimeSpan.FromDays(31));

        var result = await h.Service(h.Config(policy: Policy)).SweepAsync(new SweepRequest(), default);

        var failed = Assert.Single(result.ActionsOf(AccountA, "alice"));
        Assert.Equal(Outcome.Blocked, failed.Outcome);
        Assert.Contains("not created by OrgKeyRotation", failed.Reason, StringComparison.Ordinal);
        Assert.Equal("{\"someone\":\"else\"}", await h.Seed.CurrentSecretValueAsync(AccountA, SecretName(AccountA, "alice")));
        Assert.Equal([(oldKey, "Active")], await h.KeysAsync(AccountA, "alice"));
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "blocked" && a.Attributes["severity"] == "action-required");
    }

    [Fact]
    public async Task SweepAsync_ExemptUsers_AreSkippedUntilTheirExemptionEnds()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var byGroup = await h.UserWithKeyAsync(AccountA, "grouped");
        await h.Seed.AddUserToGroupAsync(AccountA, "grouped", "key-rotation-exempt");
        var until = h.Time.GetUtcNow().AddDays(40).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await h.UserWithKeyAsync(AccountA, "tagged", new Dictionary<string, string> { ["key-rotation:exempt"] = until });
        var config = h.Config(new() { [AccountA] = ["grouped", "tagged"] }, Policy);
        var service = h.Service(config);
        h.Time.Advance(TimeSpan.FromDays(31));

        var during = await service.SweepAsync(new SweepRequest(), default);
        Assert.Contains("exempt", Assert.Single(during.ActionsOf(AccountA, "grouped")).Reason, StringComparison.Ordinal);
        Assert.Contains($"exempt until {until}", Assert.Single(during.ActionsOf(AccountA, "tagged")).Reason, StringComparison.Ordinal);
        Assert.Equal([(byGroup, "Active")], await h.KeysAsync(AccountA, "grouped"));

        h.Time.Advance(TimeSpan.FromDays(10));
        var after = await service.SweepAsync(new SweepRequest(), default);
        Assert.Equal(Outcome.Succeeded, after.Only(AccountA, "tagged", ActionKind.Rotate).Outcome);
        Assert.DoesNotContain(after.ActionsOf(AccountA, "grouped"), a => a.Action == ActionKind.Rotate);
    }
}
