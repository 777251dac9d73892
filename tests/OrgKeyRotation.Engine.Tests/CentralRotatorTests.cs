using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests;

/// <summary>
/// Central secrets have one writer, secrets.rotatorArn, which every secret's resource policy names. A run under another
/// identity is refused before it opens any member account, so no key is made whose hand-over every writer but the
/// rotator would be denied. A dry run works for anyone and says so. moto grants every caller; the refusal is the engine's.
/// </summary>
[Trait("Category", "Integration")]
public class CentralRotatorTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>An operator's IAM Identity Center role: always under this path, another role than the rotator.</summary>
    private const string OperatorRole = "arn:aws:iam::" + MotoSeeder.DefaultAccount + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";

    private static readonly RotationPolicy RotateNow = new() { MaxKeyAgeDays = 0 };

    [Fact]
    public async Task SweepAsync_CallerIsNotTheRotator_RefusedBeforeAnyKeyIsCreated()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        await h.RunAsAsync(OperatorRole);
        var calls = new CallCountingHandler();

        var refused = await Assert.ThrowsAsync<CentralRotatorRefusedException>(() =>
            h.Service(WithCentralSecrets(h.Config(policy: RotateNow)), () => calls).SweepAsync(new SweepRequest(), default));

        Assert.Contains($"arn:aws:sts::{MotoSeeder.DefaultAccount}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/", refused.Message, StringComparison.Ordinal);
        Assert.Contains(CentralRotatorArn, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"role_arn = {CentralRotatorArn}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, calls.Count("AssumeRole"));
        Assert.Equal(0, calls.Count("CreateAccessKey"));
        Assert.Equal(0, calls.Count("CreateSecret"));
        Assert.Equal([(oldKey, "Active")], await h.KeysAsync(AccountA, "alice"));
        Assert.Null(await h.Seed.CurrentSecretValueAsync(MotoSeeder.DefaultAccount, SecretName(AccountA, "alice")));
        Assert.Empty(await h.AlertsAsync());
    }

    [Fact]
    public async Task SweepAsync_StaticKeyOfAnIamUser_Refused()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");

        var refused = await Assert.ThrowsAsync<CentralRotatorRefusedException>(() =>
            h.Service(WithCentralSecrets(h.Config(policy: RotateNow))).SweepAsync(new SweepRequest(), default));

        Assert.Contains($"::{MotoSeeder.DefaultAccount}:user/", refused.Message, StringComparison.Ordinal);
        Assert.Equal([(oldKey, "Active")], await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_DryRunAsAnotherCaller_PlansAndLogsThatARotationWouldBeRefused()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var oldKey = await h.UserWithKeyAsync(AccountA, "alice");
        await h.RunAsAsync(OperatorRole);

        var result = await h.Service(WithCentralSecrets(h.Config(policy: RotateNow))).SweepAsync(new SweepRequest { DryRun = true }, default);

        Assert.Equal(Outcome.Planned, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        var warning = Assert.Single(h.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("would be refused", StringComparison.Ordinal));
        Assert.Contains(CentralRotatorArn, warning.Message, StringComparison.Ordinal);
        Assert.Equal([(oldKey, "Active")], await h.KeysAsync(AccountA, "alice"));
    }

    [Fact]
    public async Task SweepAsync_AsTheRotatorRole_SecretPolicyNamesTheConfiguredArnWithItsPath()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        await h.RunAsAsync(CentralRotatorArn);

        var result = await h.Service(WithCentralSecrets(h.Config(policy: RotateNow))).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Outcome.Succeeded, result.Only(AccountA, "alice", ActionKind.Rotate).Outcome);
        var policy = await h.Seed.GetResourcePolicyAsync(MotoSeeder.DefaultAccount, SecretName(AccountA, "alice"));
        Assert.Contains(CentralRotatorArn, policy, StringComparison.Ordinal);
        Assert.Contains(":role/service/", CentralRotatorArn, StringComparison.Ordinal);
        SecretScan.RegisterSecret(System.Text.Json.JsonDocument.Parse((await h.Seed.CurrentSecretValueAsync(MotoSeeder.DefaultAccount, SecretName(AccountA, "alice")))!).RootElement.GetProperty("SecretAccessKey").GetString());
        h.AssertNoSecretsIn(result);
    }

    [Fact]
    public async Task RunRotationStepAsync_CallerIsNotTheRotator_Refused()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.RunAsAsync(OperatorRole);
        var calls = new CallCountingHandler();

        await Assert.ThrowsAsync<CentralRotatorRefusedException>(() =>
            h.Service(WithCentralSecrets(h.Config(policy: RotateNow)), () => calls).RunRotationStepAsync(new RotationStepRequest("createSecret", SecretName(AccountA, "alice"), Guid.NewGuid().ToString()), default));

        Assert.Equal(0, calls.Count("DescribeSecret"));
        Assert.Equal(0, calls.Count("CreateAccessKey"));
    }
}
