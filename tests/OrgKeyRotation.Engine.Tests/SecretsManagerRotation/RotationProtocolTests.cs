using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.SecretsManagerRotation;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.SecretsManagerRotation;

/// <summary>
/// The Secrets Manager rotation protocol. moto cannot invoke a Lambda from RotateSecret (no Docker), so the tests
/// call the handler with the four step events as Secrets Manager would.
/// </summary>
[Trait("Category", "Integration")]
public class RotationProtocolTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string Token = "5f1c8f0e-6a39-4b7e-9d1f-3f2b7c9a1e42";
    private static readonly RotationPolicy Policy = new() { MaxKeyAgeDays = 90, DeactivateAfterDays = 7, DeleteAfterDays = 7 };

    private static async Task<(EngineHarness Harness, RotationService Service, string SecretArn, string FirstKey)> ManagedUserAsync(MotoServer server)
    {
        var h = await EngineHarness.StartAsync(server);
        var original = await h.UserWithKeyAsync(AccountA, "alice");
        // The first sweep takes the user over: secret created, key rotated, original key still active.
        await h.Service(h.Config(policy: Policy with { MaxKeyAgeDays = 0 })).SweepAsync(new SweepRequest(), default);
        await h.Seed.SetAccessKeyStatusAsync(AccountA, "alice", original, active: false);
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("ARN").GetString()!;
        // Deactivated past its restore window, so createSecret may delete it for the slot.
        await h.Seed.TagSecretAsync(AccountA, arn, new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(original, h.Time.GetUtcNow().AddDays(-8)) });
        var service = h.Service(h.Config(policy: Policy));
        var current = (await h.KeyInSecretAsync(AccountA, "alice"))!;
        return (h, service, arn, current);
    }

    [Fact]
    public async Task RunRotationStepAsync_FourSteps_RotateTheKeyThroughAwsPending()
    {
        var (h, service, arn, before) = await ManagedUserAsync(moto.Server);

        var created = await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default);
        Assert.Equal(Outcome.Succeeded, created.Outcome);
        var newKey = created.AccessKeyId!;
        Assert.Equal(newKey, await h.KeyInSecretAsync(AccountA, "alice", "AWSPENDING"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));

        Assert.Equal(Outcome.Succeeded, (await service.RunRotationStepAsync(new RotationStepRequest("setSecret", arn, Token), default)).Outcome);
        Assert.Equal(Outcome.Succeeded, (await service.RunRotationStepAsync(new RotationStepRequest("testSecret", arn, Token), default)).Outcome);
        Assert.Equal(Outcome.Succeeded, (await service.RunRotationStepAsync(new RotationStepRequest("finishSecret", arn, Token), default)).Outcome);

        Assert.Equal(newKey, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice", "AWSPREVIOUS"));
        var keys = await h.KeysAsync(AccountA, "alice");
        Assert.Equal(2, keys.Count); // the inactive original was deleted to free the slot
        Assert.All(keys, k => Assert.Equal("Active", k.Status));
        Assert.Contains(await h.AlertsAsync(), a => a.Attributes["event"] == "rotated");
    }

    [Fact]
    public async Task RunRotationStepAsync_FinishSecretWithADestination_WritesTheKeyThereAndRecordsItWithTheHandOff()
    {
        var (h, _, arn, _) = await ManagedUserAsync(moto.Server);
        var config = h.Config(policy: Policy) with { Destinations = new DestinationsConfig { Defaults = [new SsmDestinationConfig("/keys/{userName}")] } };
        var service = h.Service(config);
        var newKey = (await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default)).AccessKeyId!;
        await service.RunRotationStepAsync(new RotationStepRequest("testSecret", arn, Token), default);

        var finished = await service.RunRotationStepAsync(new RotationStepRequest("finishSecret", arn, Token), default);

        Assert.Equal((Outcome.Succeeded, $"key {newKey} is AWSCURRENT"), (finished.Outcome, finished.Message));
        var parameter = (await h.Seed.ParameterAsync(AccountA, "/keys/alice"))!.Value.Value;
        Assert.Contains($"\"AccessKeyId\":\"{newKey}\"", parameter, StringComparison.Ordinal);
        var tags = await TagsAsync(h, arn);
        var id = config.Destinations.For(AccountA, "alice")[0].Id;
        Assert.Equal(tags[ManagedSecret.HandOffTag], tags[ManagedSecret.DestinationTagPrefix + id]);
        Assert.StartsWith(newKey, tags[ManagedSecret.HandOffTag], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunRotationStepAsync_EachStepTwice_IsIdempotentForItsToken()
    {
        var (h, service, arn, _) = await ManagedUserAsync(moto.Server);

        foreach (var step in RotationSteps.Names)
        {
            var first = await service.RunRotationStepAsync(new RotationStepRequest(step, arn, Token), default);
            var again = await service.RunRotationStepAsync(new RotationStepRequest(step, arn, Token), default);
            Assert.Equal(Outcome.Succeeded, first.Outcome);
            Assert.Equal(Outcome.Succeeded, again.Outcome);
        }

        Assert.Equal(2, (await h.KeysAsync(AccountA, "alice")).Count);
        await h.AssertSafeAsync(AccountA, "alice");
    }

    [Theory]
    [InlineData("setSecret")]
    [InlineData("testSecret")]
    [InlineData("finishSecret")]
    public async Task RunRotationStepAsync_TokenWithoutPendingVersion_FailsAndChangesNothing(string step)
    {
        var (h, service, arn, before) = await ManagedUserAsync(moto.Server);

        var result = await service.RunRotationStepAsync(new RotationStepRequest(step, arn, Token), default);

        Assert.Equal(Outcome.Failed, result.Outcome);
        Assert.Contains("AWSPENDING", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_CreateSecretWhilePreviousKeyInRestoreWindow_FailsWithTheDateAndDeletesNothing()
    {
        var (h, service, arn, before) = await ManagedUserAsync(moto.Server);
        var previous = (await h.KeysAsync(AccountA, "alice")).Single(k => k.Status == "Inactive").AccessKeyId;
        var deactivatedAt = h.Time.GetUtcNow().AddDays(-2);
        await h.Seed.TagSecretAsync(AccountA, arn, new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(previous, deactivatedAt) });

        var result = await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default);

        Assert.Equal(Outcome.Failed, result.Outcome);
        Assert.Contains($"restore window until {deactivatedAt.AddDays(Policy.DeleteAfterDays):yyyy-MM-dd}", result.Message, StringComparison.Ordinal);
        Assert.Equal([(before, "Active"), (previous, "Inactive")], (await h.KeysAsync(AccountA, "alice")).OrderBy(k => k.AccessKeyId == before ? 0 : 1));
        Assert.Null(await h.KeyInSecretAsync(AccountA, "alice", "AWSPENDING"));
    }

    [Theory]
    [InlineData("rotateEverything", Token)]
    [InlineData("createSecret", "short")]
    public async Task RunRotationStepAsync_MalformedRequest_ThrowsBadRequest(string step, string token)
    {
        var (_, service, arn, _) = await ManagedUserAsync(moto.Server);

        await Assert.ThrowsAsync<BadRequestException>(() => service.RunRotationStepAsync(new RotationStepRequest(step, arn, token), default));
    }

    [Fact]
    public async Task RunRotationStepAsync_CreateSecret_ChecksOwnershipAndRecordsTheAttemptBeforeTheKey()
    {
        var (h, _, arn, _) = await ManagedUserAsync(moto.Server);
        var calls = new CallCountingHandler();

        var created = await h.Service(h.Config(policy: Policy), () => calls).RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default);

        Assert.Equal(Outcome.Succeeded, created.Outcome);
        var made = calls.Calls.Select(c => c.Operation).ToList();
        Assert.True(made.IndexOf("GetResourcePolicy") < made.IndexOf("TagResource") && made.IndexOf("TagResource") < made.IndexOf("CreateAccessKey") && made.IndexOf("CreateAccessKey") < made.IndexOf("PutSecretValue"), string.Join(", ", made));
        Assert.Equal(ManagedSecret.RecordInstant(h.Time.GetUtcNow()), (await TagsAsync(h, arn))[ManagedSecret.AttemptTag]);
    }

    [Fact]
    public async Task RunRotationStepAsync_CreateSecretInASecretThatIsNotTheRotators_IsRefusedWithoutAKey()
    {
        var (h, service, arn, before) = await ManagedUserAsync(moto.Server);
        await h.Seed.PutResourcePolicyAsync(AccountA, arn, ForeignPolicy);
        var keys = await h.KeysAsync(AccountA, "alice");

        var created = await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default);

        Assert.Equal(Outcome.Failed, created.Outcome);
        Assert.Contains("is not the rotator's", created.Message, StringComparison.Ordinal);
        Assert.Equal(keys.Where(k => k.Status == "Active"), (await h.KeysAsync(AccountA, "alice")).Where(k => k.Status == "Active"));
        Assert.Null(await h.KeyInSecretAsync(AccountA, "alice", "AWSPENDING"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_FinishSecret_RecordsTheHandOffOfTheNewKeyBeforePromoting()
    {
        var (h, service, arn, _) = await ManagedUserAsync(moto.Server);
        var newKey = (await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default)).AccessKeyId!;
        h.Time.Advance(TimeSpan.FromHours(3));
        var calls = new CallCountingHandler();

        var finished = await h.Service(h.Config(policy: Policy), () => calls).RunRotationStepAsync(new RotationStepRequest("finishSecret", arn, Token), default);

        Assert.Equal(Outcome.Succeeded, finished.Outcome);
        Assert.Equal(newKey, finished.AccessKeyId);
        Assert.Equal($"{newKey} {ManagedSecret.RecordInstant(h.Time.GetUtcNow())}", (await TagsAsync(h, arn))[ManagedSecret.HandOffTag]);
        var made = calls.Calls.Select(c => c.Operation).ToList();
        Assert.True(made.IndexOf("TagResource") >= 0 && made.IndexOf("TagResource") < made.IndexOf("UpdateSecretVersionStage"), string.Join(", ", made));
        Assert.Equal(newKey, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_FinishSecretInASecretThatIsNotTheRotators_PromotesNothingAndRecordsNothing()
    {
        var (h, service, arn, before) = await ManagedUserAsync(moto.Server);
        Assert.Equal(Outcome.Succeeded, (await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default)).Outcome);
        await h.Seed.PutResourcePolicyAsync(AccountA, arn, ForeignPolicy);
        var calls = new CallCountingHandler();

        var finished = await h.Service(h.Config(policy: Policy), () => calls).RunRotationStepAsync(new RotationStepRequest("finishSecret", arn, Token), default);

        Assert.Equal(Outcome.Failed, finished.Outcome);
        Assert.Contains("is not the rotator's", finished.Message, StringComparison.Ordinal);
        Assert.Equal(0, calls.Count("UpdateSecretVersionStage") + calls.Count("TagResource"));
        Assert.False((await TagsAsync(h, arn)).ContainsKey(ManagedSecret.HandOffTag));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.DoesNotContain(await h.AlertsAsync(), a => a.Attributes["event"] == "rotated" && a.Attributes["accessKeyId"] != before);
    }

    [Fact]
    public async Task RunRotationStepAsync_TestSecretOnSecretsManagersEmptyVersion_AnswersWithoutTouchingAnything()
    {
        // RotateSecret with RotateImmediately=false: AWS creates an AWSPENDING version without a value and runs testSecret on it.
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        var keys = await h.KeysAsync(AccountA, "alice");
        var service = h.Service(h.Config(policy: Policy), () => new EmptyPendingVersionHandler(Token));

        var tested = await service.RunRotationStepAsync(new RotationStepRequest("testSecret", arn, Token), default);

        Assert.Equal(Outcome.Succeeded, tested.Outcome);
        Assert.Contains("nothing to verify", tested.Message, StringComparison.Ordinal);
        Assert.Equal(keys, await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.DoesNotContain(await h.AlertsAsync(), a => a.Attributes["event"] == "failed");
    }

    [Fact]
    public async Task RunRotationStepAsync_CreateSecretOnSecretsManagersEmptyVersion_StoresTheNewKeyInIt()
    {
        // A scheduled rotation: AWS creates the token's AWSPENDING version without a value, then invokes createSecret.
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        var service = h.Service(h.Config(policy: Policy), () => new EmptyPendingVersionHandler(Token));

        var created = await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default);

        Assert.Equal(Outcome.Succeeded, created.Outcome);
        Assert.NotNull(created.AccessKeyId);
        Assert.Equal(created.AccessKeyId, await h.KeyInSecretAsync(AccountA, "alice", "AWSPENDING"));
        Assert.Contains((created.AccessKeyId!, "Active"), await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_FinishSecretOnAnEmptyVersion_PromotesNothing()
    {
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        var calls = new CallCountingHandler();
        var service = h.Service(h.Config(policy: Policy), () => new EmptyPendingVersionHandler(Token, calls));

        var finished = await service.RunRotationStepAsync(new RotationStepRequest("finishSecret", arn, Token), default);

        Assert.Equal(Outcome.Failed, finished.Outcome);
        Assert.Contains("nothing is promoted", finished.Message, StringComparison.Ordinal);
        Assert.Equal(0, calls.Count("UpdateSecretVersionStage"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_SecretOfAnAccountOutsideTheScope_IsRefusedWithoutAnyCall()
    {
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        var calls = new CallCountingHandler();
        var elsewhere = h.Config(new() { [AccountB] = ["alice"] }, Policy);

        var error = await Assert.ThrowsAsync<BadRequestException>(() => h.Service(elsewhere, () => calls).RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default));

        Assert.Contains($"account {AccountA} is outside the rotation's scope", error.Message, StringComparison.Ordinal);
        Assert.Empty(calls.Calls);
        Assert.Null(await h.KeyInSecretAsync(AccountA, "alice", "AWSPENDING"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_SecretOfAUserNotConfigured_IsRefusedAfterReadsOnly()
    {
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        var calls = new CallCountingHandler();
        var onlyBob = h.Config(new() { [AccountA] = ["bob"] }, Policy);

        var error = await Assert.ThrowsAsync<BadRequestException>(() => h.Service(onlyBob, () => calls).RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default));

        Assert.Contains("not among the users configured", error.Message, StringComparison.Ordinal);
        Assert.All(calls.Calls, c => Assert.True(c.Operation is "AssumeRole" or "DescribeSecret", $"{c.Operation} is not a read of the secret"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_SecretNotManagedByUs_ThrowsBadRequest()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var arn = await h.Seed.CreateSecretAsync(AccountA, "someone-elses-secret", "{}");

        var error = await Assert.ThrowsAsync<BadRequestException>(() => h.Service(h.Config()).RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default));

        Assert.Contains("not created by OrgKeyRotation", error.Message, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, string>> TagsAsync(EngineHarness h, string arn) =>
        (await h.Seed.DescribeSecretAsync(AccountA, arn)).GetProperty("Tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!);
}
