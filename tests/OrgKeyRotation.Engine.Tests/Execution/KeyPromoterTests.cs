using System.Net;
using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Destinations;
using OrgKeyRotation.Engine.Execution;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Execution;

/// <summary>
/// The one promotion, against moto: a secret whose AWSCURRENT holds the old key and whose AWSPENDING holds the new
/// one, promoted directly. The sweep and Secrets Manager paths through it are in AlertMessagesTests and
/// RotationProtocolTests.
/// </summary>
[Trait("Category", "Integration")]
public class KeyPromoterTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string OldVersion = "0f8e2a7c-1b3d-4c5e-8f9a-0b1c2d3e4f50";
    private const string NewVersion = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c61";

    private sealed record Arranged(EngineHarness H, RotationConfig Config, IAccountSession Session, string SecretArn, string OldKey, NewAccessKey NewKey);

    private static async Task<Arranged> ArrangeAsync(MotoServer server, Func<HttpMessageHandler>? handler = null)
    {
        var h = await EngineHarness.StartAsync(server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice", new Dictionary<string, string> { ["owner"] = "team-payments" });
        var (newId, newSecret) = await h.Seed.CreateAccessKeyAsync(AccountA, "alice");
        h.RegisterSeen();
        var config = h.Config();
        var session = await h.Clients(config, handler).Accounts.OpenAsync(AccountA, "promoter-test", default);
        var arn = await session.Secrets.CreateSecretAsync(new CreateSecretRequest(SecretName(AccountA, "alice"), "test", null, ManagedSecret.CreationTags(AccountA, "alice", null, ManagedSecret.AttemptTags(h.Time.GetUtcNow(), null, deactivatesReplacedKey: false))), default);
        var newKey = new NewAccessKey(newId, "alice", new SensitiveString(newSecret), h.Time.GetUtcNow());
        await session.Secrets.PutSecretValueAsync(arn, OldVersion, new SensitiveString($$"""{"AccessKeyId":"{{oldKey}}"}"""), [SecretStages.Current], default);
        await session.Secrets.PutSecretValueAsync(arn, NewVersion, ManagedSecret.Serialize(newKey, AccountA), [SecretStages.Pending], default);
        return new Arranged(h, config, session, arn, oldKey, newKey);
    }

    private static Promotion PromotionOf(Arranged a, bool laterRun) =>
        new("sweep-promote", AccountA, "alice", new Dictionary<string, string> { ["owner"] = "team-payments" }, SecretName(AccountA, "alice"),
            new StagedKey(a.NewKey, a.SecretArn, NewVersion, OldVersion), a.OldKey, ReplacedKeyDeactivatedRightAfter: false, laterRun, "key is 95 days old (maxKeyAgeDays=90)", UserDestinations.None);

    private static async Task<string?> CurrentVersionAsync(Arranged a) =>
        (await a.Session.Secrets.DescribeSecretAsync(a.SecretArn, default))!.VersionWithStage(SecretStages.Current);

    private static async Task<UserDestinations> PromoteAsync(Arranged a, Promotion promotion)
    {
        await using var alerts = new AlertPublisher(a.H.Clients(a.Config).Sns, a.H.TopicArn, a.H.Time, a.H.Log);
        var held = await new KeyPromoter(a.Config, a.H.Time, a.H.Log).PromoteAsync(a.Session, promotion, alerts, new DestinationWriter(null, a.H.Log), default);
        await alerts.FlushAsync(default);
        return held;
    }

    /// <summary>The promotion of <see cref="PromotionOf"/> to a parameter destination, and to one that cannot be written (a GitHub one, and no GitHub client).</summary>
    private static Promotion WithDestinations(Promotion promotion, IReadOnlyDictionary<string, DestinationRecord>? records = null)
    {
        var config = new DestinationsConfig { Defaults = [new SsmDestinationConfig("/keys/{userName}"), new GitHubDestinationConfig(GitHubSecretScope.Repository, Repository: "octo/app")] };
        return promotion with { Destinations = new UserDestinations(config.For(AccountA, "alice"), records ?? new Dictionary<string, DestinationRecord>()) };
    }

    [Fact]
    public async Task PromoteAsync_LaterRunWithDestinations_WritesThemFirstAndRecordsTheWrittenOneWithTheHandOffBeforeTheMove()
    {
        var calls = new CallCountingHandler();
        var a = await ArrangeAsync(moto.Server, () => calls);
        calls.Clear();
        var promotion = WithDestinations(PromotionOf(a, laterRun: true));

        var held = await PromoteAsync(a, promotion);

        var order = calls.Calls.Select(c => c.Operation).Where(o => o != "PublishBatch").ToList();
        Assert.Equal(["PutParameter", "AddTagsToResource", "TagResource", "UpdateSecretVersionStage"], order);
        var (parameter, github) = (promotion.Destinations.Configured[0], promotion.Destinations.Configured[1]);
        var tags = (await a.Session.Secrets.DescribeSecretAsync(a.SecretArn, default))!.Tags;
        var now = ManagedSecret.RecordInstant(a.H.Time.GetUtcNow());
        Assert.Equal($"{a.NewKey.AccessKeyId} {now}", tags[ManagedSecret.DestinationTagPrefix + parameter.Id]);
        Assert.Equal($"{a.NewKey.AccessKeyId} {now}", tags[ManagedSecret.HandOffTag]);
        Assert.False(tags.ContainsKey(ManagedSecret.DestinationTagPrefix + github.Id));
        Assert.Equal([github], held.NotHolding(a.NewKey.AccessKeyId));
        var message = Assert.Single(await a.H.AlertsAsync());
        AlertSchema.AssertValid([message.Body]);
        Assert.Equal("action-required", message.Attributes["severity"]);
        using var body = JsonDocument.Parse(message.Body);
        Assert.Equal(["rotated", "failed"], body.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains($"It is also in ssm:/keys/alice. It could not be written to github:octo/app (see below). Key {a.OldKey} stays active until they hold the new key.",
            body.RootElement.GetProperty("detail")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("set github.credentialsSecretArn", body.RootElement.GetProperty("detail")[1].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromoteAsync_SameRunWithADestination_RecordsItAfterTheMove()
    {
        var calls = new CallCountingHandler();
        var a = await ArrangeAsync(moto.Server, () => calls);
        calls.Clear();

        await PromoteAsync(a, WithDestinations(PromotionOf(a, laterRun: false)));

        Assert.Equal(["PutParameter", "AddTagsToResource", "UpdateSecretVersionStage", "TagResource"], calls.Calls.Select(c => c.Operation).Where(o => o != "PublishBatch"));
    }

    [Fact]
    public async Task PromoteAsync_DestinationRecordedWithTheNewKeyAlready_IsNotWrittenAgain()
    {
        var calls = new CallCountingHandler();
        var a = await ArrangeAsync(moto.Server, () => calls);
        calls.Clear();
        var promotion = WithDestinations(PromotionOf(a, laterRun: false));
        var records = promotion.Destinations.Configured.ToDictionary(d => d.Id, _ => new DestinationRecord(a.NewKey.AccessKeyId, a.H.Time.GetUtcNow()));

        await PromoteAsync(a, promotion with { Destinations = promotion.Destinations with { Records = records } });

        Assert.Equal(["UpdateSecretVersionStage"], calls.Calls.Select(c => c.Operation).Where(o => o != "PublishBatch"));
    }

    [Fact]
    public async Task PromoteAsync_RecordFailsAfterTheMove_TheRotationStandsAndTheDestinationCountsAsNotHolding()
    {
        var faults = new FaultInjectingHandler();
        var a = await ArrangeAsync(moto.Server, () => faults);
        faults.Always("TagResource", Fault.AccessDenied);
        var promotion = WithDestinations(PromotionOf(a, laterRun: false));

        var held = await PromoteAsync(a, promotion);

        Assert.Equal(NewVersion, await CurrentVersionAsync(a));
        Assert.Equal(promotion.Destinations.Configured, held.NotHolding(a.NewKey.AccessKeyId));
        using var body = JsonDocument.Parse(Assert.Single(await a.H.AlertsAsync()).Body);
        var failures = body.RootElement.GetProperty("detail").EnumerateArray().Where(s => s.GetProperty("event").GetString() == "failed").ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains("is not recorded as holding key " + a.NewKey.AccessKeyId + ": the key was written there, but the record of the write on the secret failed", failures[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromoteAsync_LaterRun_RecordsTheHandOffMovesAwsCurrentAndSendsOneRotatedMessage()
    {
        var a = await ArrangeAsync(moto.Server);

        await PromoteAsync(a, PromotionOf(a, laterRun: true));

        Assert.Equal(NewVersion, await CurrentVersionAsync(a));
        var tags = (await a.Session.Secrets.DescribeSecretAsync(a.SecretArn, default))!.Tags;
        Assert.Equal($"{a.NewKey.AccessKeyId} {ManagedSecret.RecordInstant(a.H.Time.GetUtcNow())}", tags[ManagedSecret.HandOffTag]);
        var message = Assert.Single(await a.H.AlertsAsync());
        Assert.Equal("rotated", message.Attributes["event"]);
        Assert.Equal("team-payments", message.Attributes["owner"]);
        using var body = JsonDocument.Parse(message.Body);
        Assert.Equal(a.OldKey, body.RootElement.GetProperty("keys").GetProperty("replaced").GetString());
        Assert.Equal(a.SecretArn, body.RootElement.GetProperty("secret").GetProperty("arn").GetString());
        var text = body.RootElement.GetProperty("detail")[0].GetProperty("text").GetString();
        Assert.Equal($"New key {a.NewKey.AccessKeyId} is in secret {SecretName(AccountA, "alice")} (AWSCURRENT). {Core.Planning.Planner.ReplacedKeyFate(a.OldKey, a.Config.Policy, false)} key is 95 days old (maxKeyAgeDays=90)", text);
    }

    [Fact]
    public async Task PromoteAsync_SameRun_WritesNoHandOffRecord()
    {
        var a = await ArrangeAsync(moto.Server);

        await PromoteAsync(a, PromotionOf(a, laterRun: false));

        Assert.Equal(NewVersion, await CurrentVersionAsync(a));
        Assert.False((await a.Session.Secrets.DescribeSecretAsync(a.SecretArn, default))!.Tags.ContainsKey(ManagedSecret.HandOffTag));
    }

    [Fact]
    public async Task PromoteAsync_KeyIsTheFirstVersion_MovesNothingAndStillSendsTheMessage()
    {
        var calls = new CallCountingHandler();
        var a = await ArrangeAsync(moto.Server, () => calls);
        var first = PromotionOf(a, laterRun: true) with { Staged = new StagedKey(a.NewKey, a.SecretArn, NewVersion, NewVersion) };

        await PromoteAsync(a, first);

        Assert.Equal(0, calls.Count("UpdateSecretVersionStage") + calls.Count("TagResource"));
        Assert.Equal(OldVersion, await CurrentVersionAsync(a));
        Assert.Equal("rotated", Assert.Single(await a.H.AlertsAsync()).Attributes["event"]);
    }

    // UpdateSecretVersionStage fails when RemoveFromVersionId does not name the version AWSCURRENT is on
    // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html): a retry after
    // a lost answer, or a concurrent promotion. Injected here as AWS answers it.
    private const string InvalidRequest = """{"__type":"InvalidRequestException","message":"AWSCURRENT is not on the version to remove it from (injected)"}""";

    [Fact]
    public async Task PromoteAsync_RefusedButAwsCurrentIsOnTheKeyAlready_Succeeds()
    {
        var refusing = new AnsweringHandler("UpdateSecretVersionStage", HttpStatusCode.BadRequest, InvalidRequest);
        var a = await ArrangeAsync(moto.Server, () => refusing);
        refusing.Answering = false;
        await a.Session.Secrets.UpdateSecretVersionStageAsync(a.SecretArn, SecretStages.Current, NewVersion, OldVersion, default);
        refusing.Answering = true;

        await PromoteAsync(a, PromotionOf(a, laterRun: false));

        Assert.Single(refusing.Answered);
        Assert.Equal("rotated", Assert.Single(await a.H.AlertsAsync()).Attributes["event"]);
    }

    [Fact]
    public async Task PromoteAsync_RefusedWhileAwsCurrentIsElsewhere_ThrowsAndSendsNothing()
    {
        var refusing = new AnsweringHandler("UpdateSecretVersionStage", HttpStatusCode.BadRequest, InvalidRequest);
        var a = await ArrangeAsync(moto.Server, () => refusing);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => PromoteAsync(a, PromotionOf(a, laterRun: false)));

        Assert.Equal(AwsErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(OldVersion, await CurrentVersionAsync(a));
        Assert.Empty(await a.H.AlertsAsync());
    }
}
