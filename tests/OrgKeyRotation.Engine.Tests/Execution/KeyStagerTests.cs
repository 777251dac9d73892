using System.Net;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Execution;

/// <summary>
/// Staging against moto: the secure order of a first rotation, the attempt record before every CreateAccessKey,
/// ownership of an existing secret by its exact resource policy, and what a failed step leaves behind.
/// </summary>
[Trait("Category", "Integration")]
public class KeyStagerTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly RotationPolicy RotateNow = new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 20 };
    private static readonly RotationPolicy RetireAtOnce = RotateNow with { DeactivateAfterDays = 0, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 0 };
    private static readonly RetryOptions FastRetry = new() { BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(20) };
    private static readonly EngineOptions QuickVerification = new() { VerificationTimeout = TimeSpan.FromSeconds(2), VerificationPollInterval = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task SweepAsync_FirstRotation_CreatesTheSecretEmptyProtectsItThenCreatesAndStoresTheKey()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var calls = new CallCountingHandler();
        var capture = new CapturingHandler(calls);

        var result = await h.Service(h.Config(policy: RotateNow), () => capture).SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Succeeded, rotate.Outcome);
        // No key exists before the secret has its policy, and no value is written before the key exists.
        AssertInOrder(calls, "CreateSecret", "PutResourcePolicy", "CreateAccessKey", "PutSecretValue", "GetCallerIdentity");
        var create = Encoding.UTF8.GetString(capture.Requests.Single(r => r.Headers.GetValueOrDefault("X-Amz-Target") == "secretsmanager.CreateSecret").Body);
        Assert.DoesNotContain("SecretString", create, StringComparison.Ordinal);
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.True(ManagedSecret.IsRotatorPolicy(await h.Seed.GetResourcePolicyAsync(AccountA, SecretName(AccountA, "alice")), $"arn:aws:iam::{AccountA}:user/alice", RotatorArn(AccountA)));

        // The attempt went into CreateSecret's tags (so a crash after CreateAccessKey leaves a key the next sweep
        // recognises as the rotator's orphan: the fault matrix shows it converge).
        var tags = await TagsAsync(h, AccountA, "alice");
        Assert.Equal($"{old} {ManagedSecret.RecordInstant(h.Time.GetUtcNow())}", tags[ManagedSecret.AttemptTag]);
        Assert.Equal(old, tags[ManagedSecret.AdoptedKeyTag]);
    }

    [Fact]
    public async Task SweepAsync_LaterRotation_RecordsTheAttemptAfterTheOwnershipCheckAndBeforeTheKey()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var config = h.Config(policy: RotateNow);
        await FirstRotationWithoutThePreviousKeyAsync(h, config);
        var replaced = await h.KeyInSecretAsync(AccountA, "alice");
        h.Time.Advance(TimeSpan.FromHours(2));
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        AssertInOrder(calls, "GetResourcePolicy", "TagResource", "CreateAccessKey", "PutSecretValue", "GetCallerIdentity", "UpdateSecretVersionStage");
        var tags = await TagsAsync(h, AccountA, "alice");
        Assert.Equal($"{replaced} {ManagedSecret.RecordInstant(h.Time.GetUtcNow())}", tags[ManagedSecret.AttemptTag]);
    }

    [Fact]
    public async Task SweepAsync_ImmediateDeactivation_RecordsItWithTheAttemptAndCostsOnlyUpdateAccessKey()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var first = await h.UserWithKeyAsync(AccountA, "alice");
        var calls = new CallCountingHandler();

        var result = await h.Service(h.Config(policy: RetireAtOnce), () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Deactivate).Outcome);
        Assert.Contains((first, "Inactive"), await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(0, calls.Count("TagResource"));
        Assert.Equal(1, calls.Count("UpdateAccessKey"));
        var tags = await TagsAsync(h, AccountA, "alice");
        Assert.Equal(ManagedSecret.DeactivationTagValue(first, h.Time.GetUtcNow()), tags[ManagedSecret.DeactivatedTag]);

        // The next rotation does the same with one TagResource: attempt and deactivation together, before the key.
        var second = result.Only(AccountA, "alice", ActionKind.Rotate).NewAccessKeyId!;
        h.Time.Advance(TimeSpan.FromDays(8));
        calls.Clear();
        var again = await h.Service(h.Config(policy: RetireAtOnce), () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, again.Only(AccountA, "alice", ActionKind.Deactivate).Outcome);
        Assert.Contains((second, "Inactive"), await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(1, calls.Count("TagResource"));
        AssertInOrder(calls, "TagResource", "CreateAccessKey", "UpdateAccessKey");
        tags = await TagsAsync(h, AccountA, "alice");
        Assert.Equal(ManagedSecret.DeactivationTagValue(second, h.Time.GetUtcNow()), tags[ManagedSecret.DeactivatedTag]);
        Assert.Equal($"{second} {ManagedSecret.RecordInstant(h.Time.GetUtcNow())}", tags[ManagedSecret.AttemptTag]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SweepAsync_SecretPreCreatedByAnotherPrincipalWithOurTags_IsRefusedAndNoKeyIsCreated(bool withValue)
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var name = SecretName(AccountA, "alice");
        var arn = withValue
            ? await h.Seed.CreateSecretAsync(AccountA, name, "{\"placeholder\":true}")
            : await CreateEmptySecretAsync(h, AccountA, name);
        await h.Seed.TagSecretAsync(AccountA, arn, ManagedSecret.CreationTags(AccountA, "alice", null, new Dictionary<string, string>()));
        // The other principal keeps the right to read what lands in the secret.
        await h.Seed.PutResourcePolicyAsync(AccountA, arn, ForeignPolicy);
        var calls = new CallCountingHandler();

        var result = await h.Service(h.Config(policy: RotateNow), () => calls).SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Blocked, rotate.Outcome);
        Assert.Contains("is not the rotator's: its resource policy is not the one the rotator sets", rotate.Error, StringComparison.Ordinal);
        Assert.Contains("No key was created", rotate.Error, StringComparison.Ordinal);
        Assert.Contains("delete the secret", rotate.Error, StringComparison.Ordinal);
        Assert.Equal(0, calls.Count("CreateAccessKey"));
        Assert.Equal(0, calls.Count("PutSecretValue") + calls.Count("PutResourcePolicy") + calls.Count("TagResource"));
        Assert.Equal([(old, "Active")], await h.KeysAsync(AccountA, "alice"));
        Assert.Contains("mallory", await h.Seed.GetResourcePolicyAsync(AccountA, arn), StringComparison.Ordinal);
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "blocked" && a.Attributes["userName"] == "alice");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SweepAsync_ForgedAttemptRecordOnAnotherPrincipalsSecret_APersonsKeyIsNotDeletedAsAnOrphan(bool withPolicy)
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var persons = (await h.Seed.CreateAccessKeyAsync(AccountA, "alice")).AccessKeyId;
        // Someone allowed to create secrets names one after alice, with the rotator's labels and an attempt record at
        // the moment the person's key was created: the key looks like the rotator's orphan.
        var tags = new Dictionary<string, string>(ManagedSecret.CreationTags(AccountA, "alice", null, new Dictionary<string, string>()));
        foreach (var (key, value) in ManagedSecret.AttemptTags(DateTimeOffset.UtcNow, old, deactivatesReplacedKey: false))
        {
            tags[key] = value;
        }

        var arn = await CreateEmptySecretAsync(h, AccountA, SecretName(AccountA, "alice"), tags);
        if (withPolicy)
        {
            await h.Seed.PutResourcePolicyAsync(AccountA, arn, ForeignPolicy);
        }

        h.Time.Advance(Planner.OrphanMinimumAge + TimeSpan.FromMinutes(30)); // old enough to be taken for an orphan
        var calls = new CallCountingHandler();

        var result = await h.Service(h.Config(policy: RotateNow), () => calls).SweepAsync(new SweepRequest(), default);

        var delete = result.Only(AccountA, "alice", ActionKind.Delete);
        Assert.Equal(persons, delete.AccessKeyId);
        Assert.Equal(Outcome.Blocked, delete.Outcome);
        Assert.Contains("is not the rotator's", delete.Error, StringComparison.Ordinal);
        Assert.Contains("No key was deactivated or deleted", delete.Error, StringComparison.Ordinal);
        Assert.Equal(0, calls.Count("DeleteAccessKey") + calls.Count("CreateAccessKey") + calls.Count("PutResourcePolicy"));
        Assert.Equal([(old, "Active"), (persons, "Active")], (await h.KeysAsync(AccountA, "alice")).OrderBy(k => k.AccessKeyId != old).ToList());
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "blocked" && a.Attributes["userName"] == "alice");
    }

    [Fact]
    public async Task SweepAsync_OurTagsNoPolicyNoVersion_FinishesTheInterruptedCreationPolicyFirst()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var name = SecretName(AccountA, "alice");
        var arn = await CreateEmptySecretAsync(h, AccountA, name, ManagedSecret.CreationTags(AccountA, "alice", old, new Dictionary<string, string>()));
        var calls = new CallCountingHandler();

        var result = await h.Service(h.Config(policy: RotateNow), () => calls).SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Succeeded, rotate.Outcome);
        AssertInOrder(calls, "GetResourcePolicy", "PutResourcePolicy", "TagResource", "CreateAccessKey", "PutSecretValue");
        Assert.True(ManagedSecret.IsRotatorPolicy(await h.Seed.GetResourcePolicyAsync(AccountA, arn), $"arn:aws:iam::{AccountA}:user/alice", RotatorArn(AccountA)));
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_PolicyCannotBeAppliedToANewSecret_NoKeyIsCreatedAndTheNextSweepFinishes()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var config = h.Config(policy: RotateNow);
        var refusing = new AnsweringHandler("PutResourcePolicy", HttpStatusCode.BadRequest, """{"__type":"AccessDeniedException","message":"refused (injected)"}""");

        var failed = await h.Service(config, () => refusing, QuickVerification, h.Time, FastRetry).SweepAsync(new SweepRequest(), default);

        var rotate = failed.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Failed, rotate.Outcome);
        Assert.Contains("resource policy could not be applied", rotate.Error, StringComparison.Ordinal);
        Assert.Contains("No key was created", rotate.Error, StringComparison.Ordinal);
        Assert.Equal([(old, "Active")], await h.KeysAsync(AccountA, "alice"));
        Assert.Null(await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "failed");

        var next = await h.Service(config).SweepAsync(new SweepRequest(), default);

        var again = next.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Succeeded, again.Outcome);
        Assert.Equal(again.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.True(ManagedSecret.IsRotatorPolicy(await h.Seed.GetResourcePolicyAsync(AccountA, SecretName(AccountA, "alice")), $"arn:aws:iam::{AccountA}:user/alice", RotatorArn(AccountA)));
    }

    [Fact]
    public async Task SweepAsync_StoreAnswerLostOnEveryRetry_TheStoredKeyIsKeptAndPromoted()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var config = h.Config(policy: RotateNow);
        var current = await FirstRotationWithoutThePreviousKeyAsync(h, config);
        var lost = new FaultInjectingHandler().Always("PutSecretValue", Fault.ResponseLostAfterApply);

        var result = await h.Service(config, () => lost, QuickVerification, h.Time, FastRetry).SweepAsync(new SweepRequest(), default);

        // The write went through although no answer came back: the key is in the secret and is not deleted.
        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.True(lost.Seen("PutSecretValue") > 1, "the layer did not retry the store");
        Assert.Equal(Outcome.Succeeded, rotate.Outcome);
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Equal(current, await h.KeyInSecretAsync(AccountA, "alice", "AWSPREVIOUS"));
        Assert.Contains((rotate.NewAccessKeyId!, "Active"), await h.KeysAsync(AccountA, "alice"));
        await h.AssertSafeAsync(AccountA, "alice");
    }

    [Fact]
    public async Task SweepAsync_SecretCreatedByAnInterruptedRunJustBefore_ResourceExistsContinuesIntoItAsAwsCurrent()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var config = h.Config(policy: RotateNow);
        var name = SecretName(AccountA, "alice");
        // Between this sweep's look and its CreateSecret, another run created the secret and stopped (no policy, no value).
        var race = new FaultInjectingHandler().On("CreateSecret", 1, Fault.Callback(async (_, _) =>
            await CreateEmptySecretAsync(h, AccountA, name, ManagedSecret.CreationTags(AccountA, "alice", old, new Dictionary<string, string>()))));

        var result = await h.Service(config, () => race).SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Succeeded, rotate.Outcome);
        Assert.Equal(rotate.NewAccessKeyId, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.True(ManagedSecret.IsRotatorPolicy(await h.Seed.GetResourcePolicyAsync(AccountA, name), $"arn:aws:iam::{AccountA}:user/alice", RotatorArn(AccountA)));
        Assert.Contains((old, "Active"), await h.KeysAsync(AccountA, "alice"));
        await h.AssertSafeAsync(AccountA, "alice");
    }

    [Fact]
    public async Task SweepAsync_SecretCreatedByAnotherPrincipalJustBefore_ResourceExistsIsRefusedWithoutAKey()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var name = SecretName(AccountA, "alice");
        var race = new FaultInjectingHandler().On("CreateSecret", 1, Fault.Callback(async (_, _) =>
        {
            var arn = await CreateEmptySecretAsync(h, AccountA, name, ManagedSecret.CreationTags(AccountA, "alice", old, new Dictionary<string, string>()));
            await h.Seed.PutResourcePolicyAsync(AccountA, arn, ForeignPolicy);
        }));

        var result = await h.Service(h.Config(policy: RotateNow), () => race).SweepAsync(new SweepRequest(), default);

        var rotate = result.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Blocked, rotate.Outcome);
        Assert.Contains("is not the rotator's", rotate.Error, StringComparison.Ordinal);
        Assert.Equal(0, race.Seen("CreateAccessKey"));
        Assert.Equal([(old, "Active")], await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_RotationFunctionConfigured_TurnsTheScheduleOnBeforeAnyKeyAndRetriesItWhenRefused()
    {
        // moto cannot run a rotation function (no Docker), so RotateSecret is answered here and its request checked.
        const string function = "arn:aws:lambda:us-east-1:123456789012:function:org-key-rotation";
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        h.Time.Advance(TimeSpan.FromDays(31));
        var centralConfig = EngineHarness.WithCentralSecrets(h.Config(policy: RotateNow with { MaxKeyAgeDays = 30 }));
        var config = centralConfig with { Secrets = centralConfig.Secrets with { RotationLambdaArn = function } };
        await h.RunAsAsync(EngineHarness.CentralRotatorArn);
        var calls = new CallCountingHandler();
        var refused = new AnsweringHandler("RotateSecret", HttpStatusCode.BadRequest, """{"__type":"AccessDeniedException","message":"not allowed to invoke the function (injected)"}""", inner: calls);

        var first = await h.Service(config, () => refused).SweepAsync(new SweepRequest(), default);

        var failed = first.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Failed, failed.Outcome);
        Assert.Contains("rotation schedule could not be turned on", failed.Error, StringComparison.Ordinal);
        Assert.Contains("No key was created", failed.Error, StringComparison.Ordinal);
        Assert.Equal([(old, "Active")], await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(0, calls.Count("CreateAccessKey"));

        calls.Clear();
        var accepted = new AnsweringHandler("RotateSecret", HttpStatusCode.OK, "{}", inner: calls);
        var second = await h.Service(config, () => accepted).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, second.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        AssertInOrder(calls, "GetResourcePolicy", "TagResource", "CreateAccessKey", "PutSecretValue");
        var request = JsonDocument.Parse(Assert.Single(accepted.Answered)).RootElement;
        Assert.Equal(function, request.GetProperty("RotationLambdaARN").GetString());
        Assert.Equal(30, request.GetProperty("RotationRules").GetProperty("AutomaticallyAfterDays").GetInt32());
        Assert.False(request.GetProperty("RotateImmediately").GetBoolean());
        Assert.Contains(SecretName(AccountA, "alice"), request.GetProperty("SecretId").GetString(), StringComparison.Ordinal);
        var central = await h.Seed.CurrentSecretValueAsync(MotoSeeder.DefaultAccount, SecretName(AccountA, "alice"));
        Assert.NotNull(central);
        SecretScan.RegisterSecret(JsonDocument.Parse(central).RootElement.GetProperty("SecretAccessKey").GetString());
        h.AssertNoSecretsIn(second);
    }

    /// <summary>The member rotation role: the principal the resource policy names as the rotator in member location.</summary>
    private static string RotatorArn(string account) => $"arn:aws:iam::{account}:role/{new RotationConfig().RoleName}";

    /// <summary>Rotates alice once, then deletes her original key, so the next rotation is a steady-state one. Returns the current key.</summary>
    private static async Task<string> FirstRotationWithoutThePreviousKeyAsync(EngineHarness h, RotationConfig config)
    {
        var original = await h.UserWithKeyAsync(AccountA, "alice");
        var first = await h.Service(config).SweepAsync(new SweepRequest(), default);
        Assert.Equal(Outcome.Succeeded, first.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        var session = await h.Clients(config).Accounts.OpenAsync(AccountA, "test-setup", default);
        await session.Iam.DeleteAccessKeyAsync("alice", original, default);
        await h.AlertsAsync();
        return first.Only(AccountA, "alice", ActionKind.Rotate).NewAccessKeyId!;
    }

    /// <summary>A secret without any version, created with the product's own client (moto's seeder always sets a value).</summary>
    private static async Task<string> CreateEmptySecretAsync(EngineHarness h, string account, string name, IReadOnlyDictionary<string, string>? tags = null)
    {
        var session = await h.Clients(h.Config()).Accounts.OpenAsync(account, "test-setup", default);
        return await session.Secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, tags ?? new Dictionary<string, string>()), default);
    }

    private static async Task<Dictionary<string, string>> TagsAsync(EngineHarness h, string account, string user) =>
        (await h.Seed.DescribeSecretAsync(account, SecretName(account, user))).GetProperty("Tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!);

    /// <summary>Each operation was called, each first call after the previous operation's first call.</summary>
    private static void AssertInOrder(CallCountingHandler calls, params string[] operations)
    {
        var made = calls.Calls.Select(c => c.Operation).ToList();
        var positions = operations.Select(o => (Operation: o, Index: made.IndexOf(o))).ToList();
        Assert.True(positions.All(p => p.Index >= 0) && positions.Zip(positions.Skip(1)).All(p => p.First.Index < p.Second.Index),
            $"expected {string.Join(" < ", operations)}; the calls were: {string.Join(", ", made)}");
    }
}
