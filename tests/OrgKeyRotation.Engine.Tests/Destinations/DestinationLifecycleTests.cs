using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Destinations;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Destinations;

/// <summary>
/// The key in Parameter Store destinations through the sweep, against moto: written before the promotion, recorded on
/// the secret, filled later when added to the configuration, retried when it fails, and the old key held until every
/// destination holds the new one. moto does not check KMS keys (docs/emulator-limits.md).
/// </summary>
[Trait("Category", "Integration")]
public class DestinationLifecycleTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly RotationPolicy RotateNow = new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 30 };
    private static readonly RotationPolicy RetireAtOnce = RotateNow with { DeactivateAfterDays = 0, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 0 };

    private static readonly SsmDestinationConfig Json = new("/keys/{accountId}/{userName}", KmsKeyId: "alias/team-keys");
    private static readonly SsmDestinationConfig Pair = new("/pair/{userName}", ParameterFormat.Pair);

    private static RotationConfig With(RotationConfig config, params DestinationConfig[] destinations) =>
        config with { Destinations = new DestinationsConfig { Defaults = destinations } };

    private static async Task<IReadOnlyDictionary<string, string>> SecretTagsAsync(EngineHarness h) =>
        (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("Tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!, StringComparer.Ordinal);

    private static string KeyIn(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("AccessKeyId").GetString()!;
    }

    [Fact]
    public async Task SweepAsync_RotationWithParameterDestinations_WritesTheVerifiedKeyThereAndRecordsEach()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var config = With(h.Config(policy: RotateNow), Json, Pair);

        var result = await h.Service(config).SweepAsync(new SweepRequest(), default);

        var newKey = result.Only(AccountA, "alice", ActionKind.Rotate).NewAccessKeyId!;
        var json = await h.Seed.ParameterAsync(AccountA, $"/keys/{AccountA}/alice");
        Assert.Equal(("SecureString", "alias/team-keys"), (json!.Value.Type, json.Value.KeyId));
        Assert.Equal(newKey, KeyIn(json.Value.Value));
        Assert.Equal(newKey, (await h.Seed.ParameterAsync(AccountA, "/pair/alice/access-key-id"))!.Value.Value);
        Assert.NotNull(await h.Seed.ParameterAsync(AccountA, "/pair/alice/secret-access-key"));
        var parameterTags = await h.Seed.ParameterTagsAsync(AccountA, $"/keys/{AccountA}/alice");
        Assert.Equal(newKey, parameterTags[DestinationWriter.KeyIdParameterTag]);
        Assert.Equal("true", parameterTags[DestinationWriter.ManagedParameterTag]);

        var destinations = config.Destinations.For(AccountA, "alice");
        var tags = await SecretTagsAsync(h);
        Assert.All(destinations, d => Assert.StartsWith(newKey + " ", tags[ManagedSecret.DestinationTagPrefix + d.Id], StringComparison.Ordinal));
        var user = result.Accounts[0].Users[0];
        Assert.Equal(destinations.Select(d => d.Name), user.Destinations!.Select(d => d.Name));
        Assert.All(user.Destinations!, d => Assert.True(d.HoldsCurrentKey && d.AccessKeyId == newKey));
        var rotated = Assert.Single(await h.AlertsAsync(), a => a.Attributes["event"] == "rotated");
        AlertSchema.AssertValid([rotated.Body]);
        using var body = JsonDocument.Parse(rotated.Body);
        Assert.All(body.RootElement.GetProperty("destinations").EnumerateArray(), d => Assert.True(d.GetProperty("holdsCurrentKey").GetBoolean()));
        Assert.Contains($"It is also in ssm:/keys/{AccountA}/alice, ssm:/pair/alice{{/access-key-id,/secret-access-key}}.", body.RootElement.GetProperty("detail")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        h.AssertNoSecretsIn(result);
    }

    [Fact]
    public async Task SweepAsync_DestinationAddedLater_TheNextSweepFillsItFromTheSecretThenLeavesItAlone()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        var current = await h.KeyInSecretAsync(AccountA, "alice");
        var config = With(h.Config(policy: RotateNow with { MaxKeyAgeDays = 90 }), Json);

        var filled = await h.Service(config).SweepAsync(new SweepRequest(), default);
        var after = await h.Service(config).SweepAsync(new SweepRequest(), default);

        var sync = filled.Only(AccountA, "alice", ActionKind.SyncDestinations);
        Assert.Equal((Outcome.Succeeded, current), (sync.Outcome, sync.AccessKeyId));
        Assert.Equal(current, KeyIn((await h.Seed.ParameterAsync(AccountA, $"/keys/{AccountA}/alice"))!.Value.Value));
        Assert.True(filled.Accounts[0].Users[0].Destinations!.Single().HoldsCurrentKey);
        Assert.DoesNotContain(after.ActionsOf(AccountA, "alice"), a => a.Action == ActionKind.SyncDestinations);
        h.AssertNoSecretsIn(filled);
    }

    [Fact]
    public async Task SweepAsync_DestinationRefused_PromotesAnywayAlertsAndKeepsTheOldKeyActiveUntilTheDestinationHoldsTheNewKey()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        var config = With(h.Config(policy: RetireAtOnce), Json);
        var faults = new FaultInjectingHandler().Always("PutParameter", Fault.AccessDenied);

        var refused = await h.Service(config, () => faults).SweepAsync(new SweepRequest(), default);

        var newKey = refused.Only(AccountA, "alice", ActionKind.Rotate).NewAccessKeyId!;
        Assert.Equal(newKey, await h.KeyInSecretAsync(AccountA, "alice"));
        var failed = refused.Only(AccountA, "alice", ActionKind.SyncDestinations);
        Assert.Equal(Outcome.Failed, failed.Outcome);
        Assert.Contains($"ssm:/keys/{AccountA}/alice", failed.Error, StringComparison.Ordinal);
        Assert.Equal(Outcome.Skipped, refused.Only(AccountA, "alice", ActionKind.Deactivate).Outcome);
        Assert.Contains(await h.KeysAsync(AccountA, "alice"), k => k.AccessKeyId == oldKey && k.Status == "Active");
        var message = Assert.Single(await h.AlertsAsync(), a => a.Attributes.GetValueOrDefault("userName") == "alice");
        AlertSchema.AssertValid([message.Body]);
        Assert.Equal("action-required", message.Attributes["severity"]);
        using (var body = JsonDocument.Parse(message.Body))
        {
            var step = body.RootElement.GetProperty("detail").EnumerateArray().Single(s => s.GetProperty("event").GetString() == "failed");
            Assert.Equal($"ssm:/keys/{AccountA}/alice does not hold the current key of {AccountA}/alice", step.GetProperty("title").GetString());
            Assert.Contains("ssm_parameter_prefixes", step.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.False(body.RootElement.GetProperty("destinations")[0].GetProperty("holdsCurrentKey").GetBoolean());
        }

        faults.Clear();
        var repaired = await h.Service(config, () => faults).SweepAsync(new SweepRequest(), default);
        var retired = await h.Service(config).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, repaired.Only(AccountA, "alice", ActionKind.SyncDestinations).Outcome);
        Assert.DoesNotContain(repaired.ActionsOf(AccountA, "alice"), a => a.Action == ActionKind.Deactivate);
        Assert.Equal(newKey, KeyIn((await h.Seed.ParameterAsync(AccountA, $"/keys/{AccountA}/alice"))!.Value.Value));
        Assert.Equal((Outcome.Succeeded, oldKey), (retired.Only(AccountA, "alice", ActionKind.Deactivate).Outcome, retired.Only(AccountA, "alice", ActionKind.Deactivate).AccessKeyId));
        h.AssertNoSecretsIn(refused);
    }

    [Fact]
    public async Task SweepAsync_DestinationStillRefusedAtTheForcedDeadline_WarnsNamingItThenDeactivatesTheOldKeyAnyway()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        var config = With(h.Config(policy: RotateNow with { MaxKeyAgeDays = 90, DeactivateAfterDays = 1, MaxDeactivationDelayDays = 3, WarnDaysBeforeForced = 1 }), Json);
        var faults = new FaultInjectingHandler().Always("PutParameter", Fault.AccessDenied);
        await h.Service(config with { Policy = config.Policy with { MaxKeyAgeDays = 0 } }, () => faults).SweepAsync(new SweepRequest(), default);

        h.Time.Advance(TimeSpan.FromDays(2.5));
        var warned = await h.Service(config, () => faults).SweepAsync(new SweepRequest(), default);
        h.Time.Advance(TimeSpan.FromDays(1));
        var forced = await h.Service(config, () => faults).SweepAsync(new SweepRequest(), default);

        // The destination's failure stops nothing after it: the warning before the deadline and the forced deactivation name it.
        Assert.Equal(Outcome.Failed, warned.Only(AccountA, "alice", ActionKind.SyncDestinations).Outcome);
        Assert.Contains($"ssm:/keys/{AccountA}/alice", warned.Only(AccountA, "alice", ActionKind.Warn).Reason, StringComparison.Ordinal);
        Assert.Equal(Outcome.Failed, forced.Only(AccountA, "alice", ActionKind.SyncDestinations).Outcome);
        var deactivated = forced.Only(AccountA, "alice", ActionKind.Deactivate);
        Assert.Equal((Outcome.Succeeded, oldKey), (deactivated.Outcome, deactivated.AccessKeyId));
        Assert.Contains($"missing from ssm:/keys/{AccountA}/alice", deactivated.Reason, StringComparison.Ordinal);
        Assert.Contains(await h.KeysAsync(AccountA, "alice"), k => k.AccessKeyId == oldKey && k.Status == "Inactive");
        var alerts = (await h.AlertsAsync()).Where(a => a.Attributes.GetValueOrDefault("userName") == "alice").ToList();
        Assert.Contains(alerts, a => a.Attributes["severity"] == "action-required" && a.Body.Contains("\"warning\"", StringComparison.Ordinal));
        Assert.Contains(alerts, a => a.Attributes["severity"] == "action-required" && a.Body.Contains("\"deactivated\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SweepAsync_DryRun_PlansTheWritesAndWritesNothing()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        var tagsBefore = await SecretTagsAsync(h);
        var config = With(h.Config(), Json);

        var plan = await h.Service(config).SweepAsync(new SweepRequest { DryRun = true }, default);

        Assert.Equal(Outcome.Planned, plan.Only(AccountA, "alice", ActionKind.SyncDestinations).Outcome);
        var destination = Assert.Single(plan.Accounts[0].Users[0].Destinations!);
        Assert.Equal((false, (string?)null), (destination.HoldsCurrentKey, destination.AccessKeyId));
        Assert.Null(await h.Seed.ParameterAsync(AccountA, $"/keys/{AccountA}/alice"));
        Assert.Equal(tagsBefore, await SecretTagsAsync(h));
    }

    [Fact]
    public async Task SweepAsync_ExemptUser_ItsDestinationsAreNotWritten()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.Seed.CreateUserAsync(AccountA, "alice", tags: new Dictionary<string, string> { ["key-rotation:exempt"] = "true" });
        await h.Seed.CreateAccessKeyAsync(AccountA, "alice");
        h.RegisterSeen();

        var result = await h.Service(With(h.Config(policy: RotateNow), Json)).SweepAsync(new SweepRequest(), default);

        Assert.Equal(ActionKind.Skip, Assert.Single(result.ActionsOf(AccountA, "alice")).Action);
        Assert.Null(await h.Seed.ParameterAsync(AccountA, $"/keys/{AccountA}/alice"));
    }

    [Fact]
    public async Task SweepAsync_UnusableDestinationForThisUser_FailsThatDestinationOnlyAndSaysWhy()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var broken = new SsmDestinationConfig("/ssm/{userName}");

        var result = await h.Service(With(h.Config(policy: RotateNow), Json, broken)).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        var failed = result.Only(AccountA, "alice", ActionKind.SyncDestinations);
        Assert.Contains("ssm:/ssm/alice", failed.Error, StringComparison.Ordinal);
        Assert.NotNull(await h.Seed.ParameterAsync(AccountA, $"/keys/{AccountA}/alice"));
        var step = JsonDocument.Parse(Assert.Single(await h.AlertsAsync(), a => a.Attributes.GetValueOrDefault("userName") == "alice").Body).RootElement
            .GetProperty("detail").EnumerateArray().Single(s => s.GetProperty("event").GetString() == "failed");
        Assert.Contains("makes no valid place for this user", step.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Change the destination in the configuration", step.GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
