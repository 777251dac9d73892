using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Execution;

/// <summary>
/// What the facts say about a user's secret, against moto. A secret scheduled for deletion is a fact of its own
/// (its DeletedDate), its values unread; the planner blocks the user for it (rule 2).
/// </summary>
[Trait("Category", "Integration")]
public class FactsCollectorTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly RotationPolicy RotateNow = new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, DeleteAfterDays = 7 };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SweepAsync_SecretScheduledForDeletion_BlocksSayingRestoreOrWaitAndCreatesNoKey(bool dryRun)
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        await h.UserWithKeyAsync(AccountA, "alice");
        var config = h.Config(policy: RotateNow);
        await h.Service(config).SweepAsync(new SweepRequest(), default);
        await h.Seed.DeleteSecretAsync(AccountA, SecretName(AccountA, "alice"), recoveryWindowInDays: 7);
        var keys = await h.KeysAsync(AccountA, "alice");
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest { DryRun = dryRun }, default);

        var blocked = Assert.Single(result.ActionsOf(AccountA, "alice"));
        Assert.Equal(Outcome.Failed, blocked.Outcome);
        Assert.Contains("is scheduled for deletion", blocked.Reason, StringComparison.Ordinal);
        Assert.Contains("Restore it", blocked.Reason, StringComparison.Ordinal);
        Assert.Contains("wait until Secrets Manager has deleted it", blocked.Reason, StringComparison.Ordinal);
        Assert.Equal(0, calls.Count("CreateAccessKey") + calls.Count("GetSecretValue"));
        Assert.Equal(keys, await h.KeysAsync(AccountA, "alice"));
    }
}
