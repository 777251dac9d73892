using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Uninstall;

/// <summary>
/// Releasing the hand-over secrets before OrgKeyRotation is removed, against moto: the rotator's policy gives way to
/// the released one, nothing else changes, and the account can then delete the secret. moto ignores resource policies,
/// so how AWS decides a deletion under each policy is proved in tests/OrgKeyRotation.Deploy.Tests (PolicySimulationTests).
/// </summary>
[Trait("Category", "Integration")]
public class SecretReleaseTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string AliceArn = $"arn:aws:iam::{AccountA}:user/alice";
    private const string OperatorRole = "arn:aws:iam::" + MotoSeeder.DefaultAccount + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
    private static readonly RotationPolicy RotateNow = new() { MaxKeyAgeDays = 0 };

    [Fact]
    public async Task ReleaseSecretsAsync_DryRun_ListsTheSecretAndChangesNothing()
    {
        var (h, config) = await RotatedAsync();
        var policyBefore = await h.Seed.GetResourcePolicyAsync(AccountA, SecretName(AccountA, "alice"));
        var keysBefore = await h.KeysAsync(AccountA, "alice");

        var result = await h.Service(config).ReleaseSecretsAsync(null, apply: false, default);

        Assert.False(result.Applied);
        var secret = Assert.Single(result.Secrets);
        Assert.Equal((AccountA, "alice", SecretName(AccountA, "alice"), Outcome.Planned), (secret.AccountId, secret.UserName, secret.SecretName, secret.Outcome));
        Assert.Equal(policyBefore, await h.Seed.GetResourcePolicyAsync(AccountA, SecretName(AccountA, "alice")));
        Assert.Equal(keysBefore, await h.KeysAsync(AccountA, "alice"));
        h.AssertNoSecretsIn(result);
    }

    [Fact]
    public async Task ReleaseSecretsAsync_Apply_PutsTheReleasedPolicyKeepsTheKeysAndTheAccountDeletesTheSecret()
    {
        var (h, config) = await RotatedAsync();
        var keysBefore = await h.KeysAsync(AccountA, "alice");
        var current = await h.KeyInSecretAsync(AccountA, "alice");
        var service = h.Service(config);

        var result = await service.ReleaseSecretsAsync(null, apply: true, default);

        Assert.True(result.Applied);
        Assert.Equal(Outcome.Succeeded, Assert.Single(result.Secrets).Outcome);
        var policy = await h.Seed.GetResourcePolicyAsync(AccountA, SecretName(AccountA, "alice"));
        Assert.Equal(Canonical(ManagedSecret.ReleasedPolicy(AliceArn)), Canonical(policy!));
        Assert.DoesNotContain("NotAction", policy, StringComparison.Ordinal); // the denial of every change is gone
        Assert.Equal(keysBefore, await h.KeysAsync(AccountA, "alice"));
        Assert.Equal(current, await h.KeyInSecretAsync(AccountA, "alice"));
        h.AssertNoSecretsIn(result);

        var again = await service.ReleaseSecretsAsync(null, apply: true, default);
        Assert.Equal(Outcome.Skipped, Assert.Single(again.Secrets).Outcome);
        Assert.Contains("released already", again.Secrets[0].Reason, StringComparison.Ordinal);

        await h.Seed.DeleteSecretAsync(AccountA, SecretName(AccountA, "alice"));
        Assert.True((await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).TryGetProperty("DeletedDate", out _));
        Assert.Empty((await service.ReleaseSecretsAsync(null, apply: false, default)).Secrets);
    }

    [Fact]
    public async Task ReleaseSecretsAsync_ASecretWithAnotherPolicy_LeftAsItIs()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var name = SecretName(AccountA, "alice");
        await h.Seed.CreateSecretAsync(AccountA, name, "{}");
        await h.Seed.TagSecretAsync(AccountA, name, new Dictionary<string, string> { [ManagedSecret.ManagedTag] = "true", [ManagedSecret.UserTag] = "alice" });
        await h.Seed.PutResourcePolicyAsync(AccountA, name, ForeignPolicy);

        var result = await h.Service(h.Config()).ReleaseSecretsAsync(null, apply: true, default);

        Assert.Equal(Outcome.Skipped, Assert.Single(result.Secrets).Outcome);
        Assert.Equal(Canonical(ForeignPolicy), Canonical((await h.Seed.GetResourcePolicyAsync(AccountA, name))!));
    }

    [Fact]
    public async Task ReleaseSecretsAsync_AnAccountOutOfScope_ThrowsAndChangesNothing()
    {
        var (h, config) = await RotatedAsync();
        var policyBefore = await h.Seed.GetResourcePolicyAsync(AccountA, SecretName(AccountA, "alice"));

        var refused = await Assert.ThrowsAsync<BadRequestException>(() => h.Service(config).ReleaseSecretsAsync(["999999999999"], apply: true, default));

        Assert.Contains("999999999999", refused.Message, StringComparison.Ordinal);
        Assert.Equal(policyBefore, await h.Seed.GetResourcePolicyAsync(AccountA, SecretName(AccountA, "alice")));
    }

    [Fact]
    public async Task ReleaseSecretsAsync_CentralSecretsApplyAsAnotherCaller_RefusedAndChangesNothing()
    {
        var (h, config) = await RotatedAsync(central: true);
        var policyBefore = await h.Seed.GetResourcePolicyAsync(MotoSeeder.DefaultAccount, SecretName(AccountA, "alice"));
        await h.RunAsAsync(OperatorRole);

        var planned = await h.Service(config).ReleaseSecretsAsync(null, apply: false, default);
        await Assert.ThrowsAsync<CentralRotatorRefusedException>(() => h.Service(config).ReleaseSecretsAsync(null, apply: true, default));

        Assert.Equal(Outcome.Planned, Assert.Single(planned.Secrets).Outcome);
        Assert.Equal(policyBefore, await h.Seed.GetResourcePolicyAsync(MotoSeeder.DefaultAccount, SecretName(AccountA, "alice")));
    }

    [Fact]
    public async Task ReleaseSecretsAsync_CentralSecretsAsTheRotator_Released()
    {
        var (h, config) = await RotatedAsync(central: true);

        var result = await h.Service(config).ReleaseSecretsAsync(null, apply: true, default);

        Assert.Equal(Outcome.Succeeded, Assert.Single(result.Secrets).Outcome);
        var policy = await h.Seed.GetResourcePolicyAsync(MotoSeeder.DefaultAccount, SecretName(AccountA, "alice"));
        Assert.Equal(Canonical(ManagedSecret.ReleasedPolicy(AliceArn)), Canonical(policy!));
    }

    /// <summary>alice rotated once: her secret in her account, or in the central account written as the rotator.</summary>
    private async Task<(EngineHarness Harness, RotationConfig Config)> RotatedAsync(bool central = false)
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        if (central)
        {
            await h.RunAsAsync(CentralRotatorArn);
        }

        var config = central ? WithCentralSecrets(h.Config(policy: RotateNow)) : h.Config(policy: RotateNow);
        var sweep = await h.Service(config).SweepAsync(new SweepRequest(), default);
        Assert.Equal(1, sweep.Counts.Rotated);
        return (h, config);
    }

    private static string Canonical(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
