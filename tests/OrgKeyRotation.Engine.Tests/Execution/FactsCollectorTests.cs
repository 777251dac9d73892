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
        Assert.Equal(Outcome.Blocked, blocked.Outcome);
        Assert.Contains("is scheduled for deletion", blocked.Reason, StringComparison.Ordinal);
        Assert.Contains("Restore it", blocked.Reason, StringComparison.Ordinal);
        Assert.Contains("wait until Secrets Manager has deleted it", blocked.Reason, StringComparison.Ordinal);
        Assert.Equal(0, calls.Count("CreateAccessKey") + calls.Count("GetSecretValue"));
        Assert.Equal(keys, await h.KeysAsync(AccountA, "alice"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SweepAsync_UserNameSecretsManagerRefuses_BlockedOnceWithWhyAndNoSecretsManagerCall(bool dryRun)
    {
        // IAM allows ',' in user names; Secrets Manager refuses it in secret names and tag values.
        var h = await EngineHarness.StartAsync(moto.Server);
        var key = await h.UserWithKeyAsync(AccountA, "build,bot");
        var config = h.Config(new() { [AccountA] = ["build,bot"] }, RotateNow);
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest { DryRun = dryRun }, default);

        var blocked = Assert.Single(result.ActionsOf(AccountA, "build,bot"));
        Assert.Equal(Outcome.Blocked, blocked.Outcome);
        Assert.Contains("IAM allows ','", blocked.Reason, StringComparison.Ordinal);
        Assert.Equal(1, result.Counts.Blocked);
        Assert.Equal(0, result.Counts.FailedNotBlocked);
        Assert.Equal([(key, "Active")], await h.KeysAsync(AccountA, "build,bot"));
        // The account's one listing of its secrets, and no call about this user's secret.
        Assert.Equal(["ListSecrets"], calls.Calls.Where(c => c.Service == "secretsmanager").Select(c => c.Operation));
        Assert.Equal(0, calls.Count("CreateAccessKey"));
        var alerts = await h.AlertsAsync();
        Assert.Equal(dryRun ? 0 : 1, alerts.Count(a => a.Attributes["event"] == "blocked" && a.Attributes["userName"] == "build,bot"));
    }
}
