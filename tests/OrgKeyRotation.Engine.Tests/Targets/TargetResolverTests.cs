using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Engine.Tests.Targets;

/// <summary>
/// Discovery against Organizations as AWS answers since it retired Account.Status (<see cref="OrganizationsStateOnly"/>:
/// accounts carry State only): the ACTIVE accounts are swept, and a listing with no ACTIVE account is a failure.
/// </summary>
[Trait("Category", "Integration")]
public class TargetResolverTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task SweepAsync_OrganizationsAnswersStateOnly_SweepsTheActiveAccountsOnly()
    {
        var (h, ou, accounts) = await OrganizationAsync(moto.Server, 3);
        var states = new OrganizationsStateOnly().SetState(accounts[1], "SUSPENDED").SetState(accounts[2], "PENDING_CLOSURE");
        var model = new AwsModel().Use(states);

        var result = await h.Service(Config(h, ou), () => model.CreateHandler()).SweepAsync(new SweepRequest(), default);

        Assert.Equal([accounts[0]], result.Accounts.Select(a => a.AccountId));
        Assert.Equal(Outcome.Succeeded, result.Only(accounts[0], "svc", ActionKind.Rotate).Outcome);
        Assert.Equal(0, result.Counts.Failed);
        Assert.Single(await h.KeysAsync(accounts[1], "svc"));
    }

    [Fact]
    public async Task SweepAsync_ListedAccountsNoneActive_FailsTheSweepWithAnAlertInsteadOfSucceedingQuietly()
    {
        var (h, ou, accounts) = await OrganizationAsync(moto.Server, 2);
        var model = new AwsModel().Use(new OrganizationsStateOnly().SetState(accounts[0], "SUSPENDED").SetState(accounts[1], "CLOSED"));

        var result = await h.Service(Config(h, ou), () => model.CreateHandler()).SweepAsync(new SweepRequest(), default);

        Assert.Empty(result.Accounts);
        Assert.Equal(1, result.Counts.Failed);
        var alert = Assert.Single(await h.AlertsAsync(), a => a.Attributes["event"] == "failed");
        Assert.Contains("none is ACTIVE", alert.Body, StringComparison.Ordinal);
        Assert.Contains(h.Log.Lines, l => l.Message.Contains("listed 2 accounts but none is ACTIVE", StringComparison.Ordinal));
    }

    private static RotationConfig Config(EngineHarness h, string ou) =>
        h.Config(accounts: new(), policy: EngineHarness.RotateNow) with { Discovery = new DiscoveryConfig { Organization = true, IncludeOus = [ou] } };

    /// <summary>An organization with <paramref name="count"/> member accounts in one OU, each with user "svc" and a key.</summary>
    private static async Task<(EngineHarness Harness, string Ou, List<string> Accounts)> OrganizationAsync(MotoServer server, int count)
    {
        var h = await EngineHarness.StartAsync(server);
        await h.Seed.CreateOrganizationAsync();
        var root = await h.Seed.RootIdAsync();
        var ou = await h.Seed.CreateOuAsync(root, "workloads");
        var accounts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var account = await h.Seed.CreateAccountAsync($"member-{i}");
            await h.Seed.MoveAccountAsync(account, root, ou);
            await h.UserWithKeyAsync(account, "svc");
            accounts.Add(account);
        }

        return (h, ou, accounts);
    }
}
