using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Reliability;

/// <summary>
/// Bad requests reaching the engine from a host: each is refused with <see cref="BadRequestException"/> and no AWS
/// write happens (the call log shows no call, or only the reads needed to find out).
/// </summary>
[Trait("Category", "Integration")]
public class EngineBadInputTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string Token = "3c9a1e7b-5d2f-4b8e-a6c0-9f1e2d3c4b5a";

    private static readonly HashSet<string> Reads = new(StringComparer.Ordinal)
    {
        "AssumeRole", "DescribeSecret", "GetSecretValue", "ListAccessKeys", "ListUserTags", "ListGroupsForUser", "GetAccessKeyLastUsed", "GetUser",
    };

    private async Task<(EngineHarness H, RotationService Service, CallCountingHandler Calls)> StartAsync()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var calls = new CallCountingHandler();
        return (h, Reliability.Service(h, h.Config(), calls), calls);
    }

    private static void AssertNoWrites(CallCountingHandler calls) =>
        Assert.All(calls.Calls, c => Assert.Contains(c.Operation, Reads));

    [Theory]
    [InlineData("333333333333", "not in the configured scope")]
    [InlineData("12345", "not 12-digit")]
    [InlineData("1111111111111", "not 12-digit")]
    [InlineData("11111111111a", "not 12-digit")]
    [InlineData("", "not 12-digit")]
    public async Task SweepAsync_BadAccountInRequest_IsRefusedWithoutAnyCall(string account, string expected)
    {
        var (_, service, calls) = await StartAsync();

        var error = await Assert.ThrowsAsync<BadRequestException>(() => service.SweepAsync(new SweepRequest { Accounts = [AccountA, account] }, default));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(calls.Calls);
    }

    [Fact]
    public async Task InventoryAndEnqueue_AccountOutsideScope_AreRefusedWithoutAnyCall()
    {
        var (_, service, calls) = await StartAsync();

        await Assert.ThrowsAsync<BadRequestException>(() => service.InventoryAsync(new SweepRequest { Accounts = ["333333333333"] }, default));
        await Assert.ThrowsAsync<BadRequestException>(() => service.EnqueueSweepAsync(new SweepRequest(), default));

        Assert.Empty(calls.Calls);
    }

    [Theory]
    [InlineData("rotateSecret", Token)]
    [InlineData("CreateSecret", Token)]
    [InlineData("", Token)]
    [InlineData("createSecret", "short-token")]
    [InlineData("createSecret", "")]
    [InlineData("finishSecret", "   ")]
    public async Task RunRotationStepAsync_UnknownStepOrBadToken_IsRefusedWithoutAnyCall(string step, string token)
    {
        var (h, service, calls) = await StartAsync();
        var arn = $"arn:aws:secretsmanager:us-east-1:{AccountA}:secret:{SecretName(AccountA, "alice")}-AbCdEf";

        await Assert.ThrowsAsync<BadRequestException>(() => service.RunRotationStepAsync(new RotationStepRequest(step, arn, token), default));

        Assert.Empty(calls.Calls);
        Assert.Single(await h.KeysAsync(AccountA, "alice"));
    }

    [Theory]
    [InlineData("iam-key-rotation/111111111111/alice")]
    [InlineData("arn:aws:secretsmanager:us-east-1:12345:secret:x")]
    [InlineData("arn:aws:iam::111111111111:user/alice")]
    [InlineData("")]
    public async Task RunRotationStepAsync_SecretIdNotAnArnWithMemberSecrets_IsRefusedWithoutAnyCall(string secretId)
    {
        var (_, service, calls) = await StartAsync();

        var error = await Assert.ThrowsAsync<BadRequestException>(() => service.RunRotationStepAsync(new RotationStepRequest("createSecret", secretId, Token), default));

        Assert.Contains("SecretId", error.Message, StringComparison.Ordinal);
        Assert.Empty(calls.Calls);
    }

    [Fact]
    public async Task RunRotationStepAsync_SecretNotManaged_IsRefusedAfterReadsOnly()
    {
        var (h, service, calls) = await StartAsync();
        var arn = await h.Seed.CreateSecretAsync(AccountA, "someone-elses-secret", "{\"password\":\"x\"}");

        var error = await Assert.ThrowsAsync<BadRequestException>(() => service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default));

        Assert.Contains("not created by OrgKeyRotation", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(calls.Calls);
        AssertNoWrites(calls);
        Assert.Equal("{\"password\":\"x\"}", await h.Seed.CurrentSecretValueAsync(AccountA, arn));
        Assert.Single(await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task RunRotationStepAsync_SecretThatDoesNotExist_IsRefusedAfterReadsOnly()
    {
        var (h, service, calls) = await StartAsync();
        var arn = $"arn:aws:secretsmanager:us-east-1:{AccountA}:secret:missing-AbCdEf";

        await Assert.ThrowsAsync<BadRequestException>(() => service.RunRotationStepAsync(new RotationStepRequest("createSecret", arn, Token), default));

        AssertNoWrites(calls);
        Assert.Single(await h.KeysAsync(AccountA, "alice"));
    }

    [Theory]
    [InlineData(AccountA, "alice", "not-a-key")]
    [InlineData(AccountA, "alice", "AKIAAAAAAAAAAAA")]
    [InlineData(AccountA, "alice", "")]
    [InlineData(AccountA, "bad name!", "AKIAAAAAAAAAAAAAAAAA")]
    [InlineData("1111", "alice", "AKIAAAAAAAAAAAAAAAAA")]
    public async Task RestoreAsync_MalformedInput_IsRefusedWithoutAnyCall(string account, string user, string keyId)
    {
        var (h, service, calls) = await StartAsync();

        await Assert.ThrowsAsync<BadRequestException>(() => service.RestoreAsync(account, user, keyId, default));

        Assert.Empty(calls.Calls);
        Assert.Single(await h.KeysAsync(AccountA, "alice"));
    }
}
