using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.SecretsManagerRotation;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.SecretsManagerRotation;

/// <summary>
/// The Secrets Manager rotation protocol. moto cannot invoke a Lambda from RotateSecret (no Docker), so the tests
/// call the handler with the four step events as Secrets Manager would; Secrets Manager's side of a rotation (the
/// empty AWSPENDING version it makes, and its refusal to start another while one is in progress) is the model's
/// <see cref="SecretsManagerRotations"/>. A createSecret creates a key only when the sweep's plan would rotate, so
/// most tests use a policy that makes every key due (<see cref="RotateNow"/>).
/// </summary>
[Trait("Category", "Integration")]
public class RotationProtocolTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string Token = "5f1c8f0e-6a39-4b7e-9d1f-3f2b7c9a1e42";
    private static readonly RotationPolicy Policy = new() { MaxKeyAgeDays = 90, DeactivateAfterDays = 7, DeleteAfterDays = 7 };
    private static readonly RotationPolicy RotateNow = Policy with { MaxKeyAgeDays = 0 };

    private static async Task<(EngineHarness Harness, RotationService Service, string SecretArn, string FirstKey)> ManagedUserAsync(MotoServer server)
    {
        var h = await EngineHarness.StartAsync(server);
        var original = await h.UserWithKeyAsync(AccountA, "alice");
        // The first sweep takes the user over: secret created, key rotated, original key still active.
        await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        await h.Seed.SetAccessKeyStatusAsync(AccountA, "alice", original, active: false);
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("ARN").GetString()!;
        // Deactivated past its restore window, so createSecret may delete it for the slot.
        await h.Seed.TagSecretAsync(AccountA, arn, new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(original, h.Time.GetUtcNow().AddDays(-8)) });
        var service = h.Service(h.Config(policy: RotateNow));
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
        var config = h.Config(policy: RotateNow) with { Destinations = new DestinationsConfig { Defaults = [new SsmDestinationConfig("/keys/{userName}")] } };
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
    public async Task RunRotationStepAsync_CreateSecretWhilePreviousKeyInRestoreWindow_NeedsNoKeyNamesTheDateAndDeletesNothing()
    {
        var (h, service, arn, before) = await ManagedUserAsync(moto.Server);
        var previous = (await h.KeysAsync(AccountA, "alice")).Single(k => k.Status == "Inactive").AccessKeyId;
        var deactivatedAt = h.Time.GetUtcNow().AddDays(-2);
        await h.Seed.TagSecretAsync(AccountA, arn, new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(previous, deactivatedAt) });

        var result = await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default);

        // The rotator's own restore window holds the slot: the rotation waits, as a sweep's would, and is no failure.
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Contains("no new key is needed now", result.Message, StringComparison.Ordinal);
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
        var (h, _, arn, current) = await ManagedUserAsync(moto.Server);
        var calls = new CallCountingHandler();

        var created = await h.Service(h.Config(policy: RotateNow), () => calls).RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default);

        Assert.Equal(Outcome.Succeeded, created.Outcome);
        var made = calls.Calls.Select(c => c.Operation).ToList();
        Assert.True(made.IndexOf("GetResourcePolicy") < made.IndexOf("TagResource") && made.IndexOf("TagResource") < made.IndexOf("CreateAccessKey") && made.IndexOf("CreateAccessKey") < made.IndexOf("PutSecretValue"), string.Join(", ", made));
        Assert.Equal($"{current} {ManagedSecret.RecordInstant(h.Time.GetUtcNow())}", (await TagsAsync(h, arn))[ManagedSecret.AttemptTag]);
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

    /// <summary>An engine whose AWS has Secrets Manager's side of rotations (<see cref="SecretsManagerRotations"/>), and the calls it made.</summary>
    private static (RotationService Service, SecretsManagerRotations Rotations, CallCountingHandler Calls) WithRotations(EngineHarness h, RotationPolicy policy, HttpMessageHandler? toMoto = null)
    {
        var rotations = new SecretsManagerRotations();
        var model = new AwsModel(h.Time).Use(rotations);
        var calls = new CallCountingHandler(model.CreateHandler(toMoto));
        return (h.Service(h.Config(policy: policy), () => calls), rotations, calls);
    }

    private static async Task<IReadOnlyList<RotationStepResult>> RunStepsAsync(RotationService service, string arn, string token, params string[] steps)
    {
        var results = new List<RotationStepResult>();
        foreach (var step in steps.Length == 0 ? RotationSteps.Names : steps)
        {
            results.Add(await service.RunRotationStepAsync(new RotationStepRequest(step, arn, token), default));
        }

        return results;
    }

    [Fact]
    public async Task RunRotationStepAsync_TestSecretOnSecretsManagersEmptyVersion_AnswersWithoutTouchingAnything()
    {
        // RotateSecret with RotateImmediately=false: AWS creates an AWSPENDING version without a value and runs testSecret on it.
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        var keys = await h.KeysAsync(AccountA, "alice");
        var (service, rotations, _) = WithRotations(h, RotateNow);
        Assert.True(rotations.TryStart(arn, out var token));

        var tested = await service.RunRotationStepAsync(new RotationStepRequest("testSecret", arn, token), default);

        Assert.Equal(Outcome.Succeeded, tested.Outcome);
        Assert.Contains("nothing to verify", tested.Message, StringComparison.Ordinal);
        Assert.Equal(keys, await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.DoesNotContain(await h.AlertsAsync(), a => a.Attributes["event"] == "failed");
    }

    [Fact]
    public async Task RunRotationStepAsync_CreateSecretOnSecretsManagersEmptyVersion_StoresTheNewKeyInIt()
    {
        // A scheduled rotation of a key that is due: AWS creates the token's AWSPENDING version without a value, then invokes createSecret.
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        var (service, rotations, _) = WithRotations(h, RotateNow);
        Assert.True(rotations.TryStart(arn, out var token));

        var created = await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, token), default);

        Assert.Equal(Outcome.Succeeded, created.Outcome);
        Assert.NotNull(created.AccessKeyId);
        Assert.Equal(created.AccessKeyId, await h.KeyInSecretAsync(AccountA, "alice", "AWSPENDING"));
        Assert.Contains((created.AccessKeyId!, "Active"), await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_FinishSecretOnAnEmptyVersion_EndsTheRotationWithoutPromoting()
    {
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        var (service, rotations, calls) = WithRotations(h, RotateNow);
        Assert.True(rotations.TryStart(arn, out var token));

        var finished = await service.RunRotationStepAsync(new RotationStepRequest("finishSecret", arn, token), default);

        Assert.Equal(Outcome.Succeeded, finished.Outcome);
        Assert.Contains("AWSCURRENT is unchanged", finished.Message, StringComparison.Ordinal);
        Assert.Equal(1, calls.Count("UpdateSecretVersionStage"));
        Assert.False(rotations.InProgress(arn));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_ScheduledRotationADayAfterASweepRotated_EndsCleanlyWithoutANewKey()
    {
        // Secrets Manager counts its schedule from its own last rotation, so it comes due near the day the sweep
        // rotated: the key is fresh, and the previous key is in its hand-off window.
        var h = await EngineHarness.StartAsync(moto.Server);
        var original = await h.UserWithKeyAsync(AccountA, "alice");
        await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        var current = (await h.KeyInSecretAsync(AccountA, "alice"))!;
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("ARN").GetString()!;
        var (service, rotations, calls) = WithRotations(h, Policy);
        h.Time.Advance(TimeSpan.FromDays(1));
        Assert.True(rotations.TryStart(arn, out var token));

        var results = await RunStepsAsync(service, arn, token);

        Assert.All(results, r => Assert.Equal(Outcome.Succeeded, r.Outcome));
        Assert.Contains("no new key is needed now", results[0].Message, StringComparison.Ordinal);
        Assert.Equal(0, calls.Count("CreateAccessKey"));
        Assert.Equal(current, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Equal([(current, "Active"), (original, "Active")], (await h.KeysAsync(AccountA, "alice")).OrderBy(k => k.AccessKeyId != current));
        // The rotation ended: AWSPENDING is on no version, so Secrets Manager starts the next one (API_RotateSecret).
        Assert.False(rotations.InProgress(arn));
        Assert.True(rotations.TryStart(arn, out _));
        var alerts = await h.AlertsAsync();
        Assert.DoesNotContain(alerts, a => a.Attributes["event"] == "failed");
        Assert.Single(alerts, a => a.Attributes["event"] == "rotated"); // the sweep's
    }

    [Fact]
    public async Task RunRotationStepAsync_CreateSecretFailsForABlockedUser_TakesAwsPendingOffSoTheNextRotationStarts()
    {
        // A person deleted the old key and made one of their own: the rotation needs its slot, and a person must act.
        var h = await EngineHarness.StartAsync(moto.Server);
        var original = await h.UserWithKeyAsync(AccountA, "alice");
        await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        await h.Seed.DeleteAccessKeyAsync(AccountA, "alice", original);
        var persons = (await h.Seed.CreateAccessKeyAsync(AccountA, "alice")).AccessKeyId;
        h.RegisterSeen();
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("ARN").GetString()!;
        var (service, rotations, _) = WithRotations(h, RotateNow);
        Assert.True(rotations.TryStart(arn, out var token));

        var created = await service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, token), default);

        Assert.Equal(Outcome.Failed, created.Outcome);
        Assert.Contains($"delete key {persons}", created.Message, StringComparison.Ordinal);
        Assert.False(rotations.InProgress(arn));
        Assert.True(rotations.TryStart(arn, out _));
    }

    [Fact]
    public async Task SweepAsync_AfterAnInterruptedCreateSecret_TakesAwsPendingOffOnceNoRotationCanStillRun()
    {
        var (h, _, arn, before) = await ManagedUserAsync(moto.Server);
        // The function dies right after CreateAccessKey: the step ends without an answer, AWSPENDING stays on the empty version.
        var killed = new FaultInjectingHandler().On("CreateAccessKey", 1, Fault.Callback((_, _) => throw new InvalidOperationException("the invocation was killed"), afterForwarding: true));
        var (interrupted, rotations, _) = WithRotations(h, RotateNow, killed);
        Assert.True(rotations.TryStart(arn, out var token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => interrupted.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, token), default));
        Assert.False(rotations.TryStart(arn, out _));
        var model = new AwsModel(h.Time).Use(rotations);
        var sweeps = h.Service(h.Config(policy: Policy), () => model.CreateHandler());

        // Minutes later the stopped rotation could still be running (an invocation lasts up to 15 minutes): left alone.
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await sweeps.SweepAsync(new SweepRequest(), default);
        var stillInProgress = rotations.InProgress(arn);
        h.Time.Advance(Planner.OrphanGracePeriod);
        await sweeps.SweepAsync(new SweepRequest(), default);

        Assert.True(stillInProgress);
        Assert.False(rotations.InProgress(arn));
        Assert.True(rotations.TryStart(arn, out _));
        Assert.Equal(before, await h.KeyInSecretAsync(AccountA, "alice"));
        Assert.Contains(h.Log.Lines, l => l.Message.Contains("of a Secrets Manager rotation that stopped: the label is taken off", StringComparison.Ordinal));
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
