using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.SecretsManagerRotation;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Alerts;

/// <summary>
/// The messages a subscriber receives, captured from moto: an SQS queue subscribed to the topic with raw delivery gets
/// the JSON body (MessageStructure=json, "default") and the message attributes. Every message is checked against
/// docs/alerts.schema.json and the secret scan.
/// </summary>
[Trait("Category", "Integration")]
public class AlertMessagesTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>Rotate now and deactivate the old key right after the promotion: two things happen to each user.</summary>
    private static readonly RotationPolicy RotateAndDeactivate = new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 0, DeleteAfterDays = 7, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 30 };

    private static JsonElement Body(QueueMessage message) => JsonDocument.Parse(message.Body).RootElement;

    private static async Task<IReadOnlyList<QueueMessage>> AlertsAsync(EngineHarness h)
    {
        var alerts = await h.AlertsAsync();
        AlertSchema.AssertValid(alerts.Select(a => a.Body));
        return alerts;
    }

    [Fact]
    public async Task SweepAsync_RotateAndDeactivate_OneMessagePerUserSayingBothThenOneDigest()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var aliceOld = await h.UserWithKeyAsync(AccountA, "alice", new Dictionary<string, string> { ["owner"] = "team-payments" });
        var bobOld = await h.UserWithKeyAsync(AccountA, "bob");
        var config = h.Config(new() { [AccountA] = ["alice", "bob"] }, RotateAndDeactivate);

        var result = await h.Service(config).SweepAsync(new SweepRequest { SweepId = "sweep-one-message" }, default);
        var alerts = await AlertsAsync(h);

        Assert.Equal(3, alerts.Count);
        var alice = Assert.Single(alerts, a => a.Attributes.GetValueOrDefault("userName") == "alice");
        var bob = Assert.Single(alerts, a => a.Attributes.GetValueOrDefault("userName") == "bob");
        var digest = Assert.Single(alerts, a => a.Attributes["event"] == "digest");
        var aliceNew = await h.KeyInSecretAsync(AccountA, "alice");
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("ARN").GetString();
        Assert.Equal(["rotated", "deactivated"], Body(alice).GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal($"alice in {AccountA}: rotated ({aliceNew} replaces {aliceOld}); old key {aliceOld} deactivated", Body(alice).GetProperty("text").GetString());
        Assert.Equal("info", alice.Attributes["severity"]);
        var rotated = RotatedStepText(alice);
        Assert.Contains($"Old key {aliceOld} is deactivated in this sweep (deactivateAfterDays=0).", rotated, StringComparison.Ordinal);
        Assert.DoesNotContain("stays active", rotated, StringComparison.Ordinal);
        Assert.Equal("team-payments", alice.Attributes["owner"]);
        Assert.False(bob.Attributes.ContainsKey("owner"));
        Assert.Equal(bobOld, Body(bob).GetProperty("keys").GetProperty("replaced").GetString());
        Assert.Equal(arn, Body(alice).GetProperty("secret").GetProperty("arn").GetString());
        Assert.Equal($"aws secretsmanager get-secret-value --secret-id {arn} --region us-east-1 --query SecretString --output text", Body(alice).GetProperty("secret").GetProperty("read").GetString());
        Assert.Equal("summary", digest.Attributes["severity"]);
        Assert.Equal("sweep-one-message", digest.Attributes["sweepId"]);
        var totals = Body(digest).GetProperty("digest").GetProperty("totals");
        Assert.Equal(result.Counts.Rotated, totals.GetProperty("rotated").GetInt32());
        Assert.Equal(2, totals.GetProperty("deactivated").GetInt32());
        Assert.Equal("single-process", Body(digest).GetProperty("digest").GetProperty("mode").GetString());
        h.AssertNoSecretsIn(result);
    }

    public static TheoryData<RotationPolicy, string> OldKeyKeptActive => new()
    {
        // The idle rule, with a hand-off window and a deadline.
        {
            new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, RequireOldKeyUnused = true, OldKeyIdleDays = 30, MaxDeactivationDelayDays = 90 },
            "stays active for at least 7 days (deactivateAfterDays) and until it is idle (never used, or unused for 30 days: oldKeyIdleDays); it is deactivated anyway after 90 days (maxDeactivationDelayDays)."
        },
        // The idle rule alone.
        {
            new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 0, RequireOldKeyUnused = true, OldKeyIdleDays = 30, MaxDeactivationDelayDays = 0 },
            "stays active until it is idle (never used, or unused for 30 days: oldKeyIdleDays)."
        },
        // The hand-off window alone (requireOldKeyUnused=false).
        {
            new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, RequireOldKeyUnused = false },
            "stays active for 7 days (deactivateAfterDays), then a sweep deactivates it."
        },
    };

    [Theory]
    [MemberData(nameof(OldKeyKeptActive))]
    public async Task SweepAsync_RotatedOldKeyKeptActive_MessageGivesTheRulesThatDeactivateIt(RotationPolicy policy, string expected)
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");

        await h.Service(h.Config(policy: policy)).SweepAsync(new SweepRequest(), default);
        var alice = Assert.Single(await AlertsAsync(h), a => a.Attributes.GetValueOrDefault("userName") == "alice");

        Assert.Equal(["rotated"], Body(alice).GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains($"Old key {old} {expected}", RotatedStepText(alice), StringComparison.Ordinal);
        Assert.DoesNotContain("deactivated in this sweep", RotatedStepText(alice), StringComparison.Ordinal);
    }

    private static string RotatedStepText(QueueMessage message) =>
        Body(message).GetProperty("detail").EnumerateArray().Single(s => s.GetProperty("event").GetString() == "rotated").GetProperty("text").GetString()!;

    [Fact]
    public async Task RotatedMessage_SweepAndFinishSecret_CarryTheSameFieldsAndTheOwner()
    {
        const string token = "5f1c8f0e-6a39-4b7e-9d1f-3f2b7c9a1e42";
        var h = await EngineHarness.StartAsync(moto.Server);
        var original = await h.UserWithKeyAsync(AccountA, "alice", new Dictionary<string, string> { ["owner"] = "team-payments" });
        var policy = new RotationPolicy { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, OldKeyIdleDays = 7, MaxDeactivationDelayDays = 30 };
        await h.Service(h.Config(policy: policy)).SweepAsync(new SweepRequest(), default);
        var bySweep = Assert.Single(await AlertsAsync(h), a => a.Attributes["event"] == "rotated");
        // Free the slot for Secrets Manager's rotation: the original key inactive past its restore window.
        await h.Seed.SetAccessKeyStatusAsync(AccountA, "alice", original, active: false);
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("ARN").GetString()!;
        await h.Seed.TagSecretAsync(AccountA, arn, new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(original, h.Time.GetUtcNow().AddDays(-8)) });
        var replaced = await h.KeyInSecretAsync(AccountA, "alice");
        // Secrets Manager's rotation creates a key only when a sweep would: the key is due again (maxKeyAgeDays 0).
        var service = h.Service(h.Config(policy: policy));

        foreach (var step in RotationSteps.Names)
        {
            Assert.Equal(Outcome.Succeeded, (await service.RunRotationStepAsync(new RotationStepRequest(step, arn, token), default)).Outcome);
        }

        var byFinishSecret = Assert.Single(await AlertsAsync(h), a => a.Attributes["event"] == "rotated");
        Assert.Equal(bySweep.Attributes.Keys.Order(), byFinishSecret.Attributes.Keys.Order());
        Assert.Equal("team-payments", byFinishSecret.Attributes["owner"]);
        Assert.Equal(Fields(Body(bySweep)), Fields(Body(byFinishSecret)));
        var secret = Body(byFinishSecret).GetProperty("secret");
        Assert.Equal(SecretName(AccountA, "alice"), secret.GetProperty("name").GetString());
        Assert.Equal(arn, secret.GetProperty("arn").GetString());
        Assert.Equal($"aws secretsmanager get-secret-value --secret-id {arn} --region us-east-1 --query SecretString --output text", secret.GetProperty("read").GetString());
        Assert.Equal(replaced, Body(byFinishSecret).GetProperty("keys").GetProperty("replaced").GetString());
        var fate = "stays active for at least 7 days (deactivateAfterDays) and until it is idle (never used, or unused for 7 days: oldKeyIdleDays); it is deactivated anyway after 30 days (maxDeactivationDelayDays).";
        Assert.Contains($"Old key {original} {fate}", RotatedStepText(bySweep), StringComparison.Ordinal);
        Assert.Contains($"Old key {replaced} {fate}", RotatedStepText(byFinishSecret), StringComparison.Ordinal);
    }

    /// <summary>Every property path of a message body that holds a value (the digest aside), e.g. "keys.replaced".</summary>
    private static IReadOnlyList<string> Fields(JsonElement body) =>
        body.EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.Null)
            .SelectMany(p => p.Value.ValueKind == JsonValueKind.Object
                ? p.Value.EnumerateObject().Where(q => q.Value.ValueKind != JsonValueKind.Null).Select(q => $"{p.Name}.{q.Name}")
                : [p.Name])
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public async Task SweepAsync_OwnerTagConfigured_OwnerComesFromThatTagAndNullLeavesItOut()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice", new Dictionary<string, string> { ["Team"] = "payments", ["owner"] = "someone-else" });
        var config = h.Config(policy: RotateAndDeactivate);

        await h.Service(config with { Alerts = config.Alerts with { OwnerTag = "team" } }).SweepAsync(new SweepRequest(), default);
        var byTeam = Assert.Single(await AlertsAsync(h), a => a.Attributes.ContainsKey("userName"));
        var withoutOwners = await h.Service(config with { Alerts = config.Alerts with { OwnerTag = null } }).InventoryAsync(new SweepRequest(), default);
        var byTeamInventory = await h.Service(config with { Alerts = config.Alerts with { OwnerTag = "team" } }).InventoryAsync(new SweepRequest(), default);

        Assert.Equal("payments", byTeam.Attributes["owner"]);
        Assert.Equal("payments", Body(byTeam).GetProperty("owner").GetString());
        Assert.Null(Assert.Single(withoutOwners.Users).Owner);
        Assert.Equal("payments", Assert.Single(byTeamInventory.Users).Owner);
    }

    [Fact]
    public async Task SweepAsync_UserMissingAndAccountUnreachable_ActionRequiredMessagesAndDigestLines()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var config = h.Config(new() { [AccountA] = ["alice", "ghost"] }, RotateAndDeactivate);

        var result = await h.Service(config).SweepAsync(new SweepRequest(), default);
        var alerts = await AlertsAsync(h);

        var ghost = Assert.Single(alerts, a => a.Attributes.GetValueOrDefault("userName") == "ghost");
        Assert.Equal("failed", ghost.Attributes["event"]);
        Assert.Equal("action-required", ghost.Attributes["severity"]);
        var digest = Body(Assert.Single(alerts, a => a.Attributes["event"] == "digest")).GetProperty("digest");
        Assert.Equal(1, digest.GetProperty("attentionTotal").GetInt32());
        Assert.Equal("ghost", Assert.Single(digest.GetProperty("attention").EnumerateArray()).GetProperty("userName").GetString());
        Assert.Equal([AccountA], digest.GetProperty("accounts").GetProperty("failed").GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(result.Counts.Failed, digest.GetProperty("totals").GetProperty("failed").GetInt32());
        h.AssertNoSecretsIn(result);
    }

    [Fact]
    public async Task SweepAsync_PreviousKeyStillInUseAtTheForcedDeadline_DeactivationIsActionRequired()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice", new Dictionary<string, string> { ["owner"] = "team-payments" });
        // Idle only after 30 days unused, but forced off 2 days after the hand-off.
        var policy = new RotationPolicy { MaxKeyAgeDays = 0, DeactivateAfterDays = 1, DeleteAfterDays = 7, RequireOldKeyUnused = true, OldKeyIdleDays = 30, MaxDeactivationDelayDays = 2 };
        await h.Service(h.Config(policy: policy)).SweepAsync(new SweepRequest(), default);
        await h.AlertsAsync();
        // A consumer still uses the old key after the hand-off; three days later the deadline forces it off.
        await h.Seed.UseKeyAsync(old);
        h.Time.Advance(TimeSpan.FromDays(3));

        var result = await h.Service(h.Config(policy: policy with { MaxKeyAgeDays = 90 })).SweepAsync(new SweepRequest(), default);
        var alerts = await AlertsAsync(h);

        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Deactivate).Outcome);
        var alice = Assert.Single(alerts, a => a.Attributes.GetValueOrDefault("userName") == "alice");
        Assert.Equal("deactivated", alice.Attributes["event"]);
        Assert.Equal("action-required", alice.Attributes["severity"]);
        Assert.Contains("still in use (forced deadline)", Body(alice).GetProperty("text").GetString(), StringComparison.Ordinal);
        var attention = Body(Assert.Single(alerts, a => a.Attributes["event"] == "digest")).GetProperty("digest").GetProperty("attention");
        Assert.Equal("team-payments", Assert.Single(attention.EnumerateArray()).GetProperty("owner").GetString());
    }

    [Fact]
    public async Task SweepAsync_PreviousKeyStillInUseWithinWarnDaysBeforeForced_WarningIsActionRequiredAndNamesKeyAndDeadline()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice", new Dictionary<string, string> { ["owner"] = "team-payments" });
        var policy = new RotationPolicy { MaxKeyAgeDays = 0, DeactivateAfterDays = 1, DeleteAfterDays = 7, RequireOldKeyUnused = true, OldKeyIdleDays = 30, MaxDeactivationDelayDays = 10, WarnDaysBeforeForced = 3 };
        var handOff = h.Time.GetUtcNow();
        await h.Service(h.Config(policy: policy)).SweepAsync(new SweepRequest(), default);
        await h.AlertsAsync();
        await h.Seed.UseKeyAsync(old);
        var steady = h.Config(policy: policy with { MaxKeyAgeDays = 90 });

        h.Time.Advance(TimeSpan.FromDays(2));
        await h.Service(steady).SweepAsync(new SweepRequest(), default);
        var early = Assert.Single(await AlertsAsync(h), a => a.Attributes.GetValueOrDefault("userName") == "alice");
        h.Time.Advance(TimeSpan.FromDays(5.5));
        await h.Service(steady).SweepAsync(new SweepRequest(), default);
        var alerts = await AlertsAsync(h);

        Assert.Equal(("warning", "info"), (early.Attributes["event"], early.Attributes["severity"]));
        var near = Assert.Single(alerts, a => a.Attributes.GetValueOrDefault("userName") == "alice");
        Assert.Equal(("warning", "action-required"), (near.Attributes["event"], near.Attributes["severity"]));
        var detail = Body(near).GetProperty("detail")[0].GetProperty("text").GetString();
        Assert.Contains($"previous key {old}", detail, StringComparison.Ordinal);
        Assert.Contains($"forced deadline {handOff.AddDays(10):yyyy-MM-dd}", detail, StringComparison.Ordinal);
        var attention = Body(Assert.Single(alerts, a => a.Attributes["event"] == "digest")).GetProperty("digest").GetProperty("attention");
        Assert.Equal("team-payments", Assert.Single(attention.EnumerateArray()).GetProperty("owner").GetString());
    }

    [Fact]
    public async Task SweepAsync_PreviousKeyNeverUsedPastTheForcedDeadline_DeactivationIsInfo()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var policy = new RotationPolicy { MaxKeyAgeDays = 0, DeactivateAfterDays = 1, DeleteAfterDays = 7, RequireOldKeyUnused = true, OldKeyIdleDays = 30, MaxDeactivationDelayDays = 2 };
        await h.Service(h.Config(policy: policy)).SweepAsync(new SweepRequest(), default);
        await h.AlertsAsync();
        // Past the forced deadline too, but the idle rule (never used) deactivates it first: nobody needs to act.
        h.Time.Advance(TimeSpan.FromDays(3));

        var result = await h.Service(h.Config(policy: policy with { MaxKeyAgeDays = 90 })).SweepAsync(new SweepRequest(), default);
        var alerts = await AlertsAsync(h);

        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Deactivate).Outcome);
        var alice = Assert.Single(alerts, a => a.Attributes.GetValueOrDefault("userName") == "alice");
        Assert.Equal("deactivated", alice.Attributes["event"]);
        Assert.Equal("info", alice.Attributes["severity"]);
        Assert.DoesNotContain("forced deadline", Body(alice).GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreAsync_ReactivatedKey_OneActionRequiredMessageAndNoDigest()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var key = await h.UserWithKeyAsync(AccountA, "alice");
        await h.Seed.SetAccessKeyStatusAsync(AccountA, "alice", key, active: false);

        var result = await h.Service(h.Config()).RestoreAsync(AccountA, "alice", key, default);
        var alert = Assert.Single(await AlertsAsync(h));

        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal("restored", alert.Attributes["event"]);
        Assert.Equal("action-required", alert.Attributes["severity"]);
        Assert.Equal([key], Body(alert).GetProperty("keys").GetProperty("restored").EnumerateArray().Select(e => e.GetString()));
    }
}
