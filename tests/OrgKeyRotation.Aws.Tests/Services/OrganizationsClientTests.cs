using System.Text.Json;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>An organization with three accounts: two in the root, one in an OU (moto pages Organizations lists).</summary>
public sealed class OrganizationFixture : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();

    public Uri Endpoint => _moto.Endpoint;

    public string RootId { get; private set; } = string.Empty;

    public string OuId { get; private set; } = string.Empty;

    public IReadOnlyList<string> RootAccounts { get; private set; } = [];

    public string OuAccount { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        var admin = MotoAdmin.ForDefaultAccount(Endpoint);
        await admin.OrganizationsAsync("CreateOrganization", """{"FeatureSet":"ALL"}""");
        RootId = (await admin.OrganizationsAsync("ListRoots", "{}")).GetProperty("Roots")[0].GetProperty("Id").GetString()!;
        OuId = (await admin.OrganizationsAsync("CreateOrganizationalUnit", JsonSerializer.Serialize(new { ParentId = RootId, Name = "workloads" }))).GetProperty("OrganizationalUnit").GetProperty("Id").GetString()!;
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var status = await admin.OrganizationsAsync("CreateAccount", JsonSerializer.Serialize(new { Email = $"member{i}@example.com", AccountName = $"member{i}" }));
            created.Add(status.GetProperty("CreateAccountStatus").GetProperty("AccountId").GetString()!);
        }

        OuAccount = created[2];
        await admin.OrganizationsAsync("MoveAccount", JsonSerializer.Serialize(new { AccountId = OuAccount, SourceParentId = RootId, DestinationParentId = OuId }));
        RootAccounts = [MotoAdmin.DefaultAccount, created[0], created[1]];
    }

    public Task DisposeAsync() => _moto.DisposeAsync();
}

[Trait("Category", "Integration")]
public class OrganizationsClientTests(OrganizationFixture org) : IClassFixture<OrganizationFixture>
{
    // moto answers with the retired Status field only: this is the fallback path (State-only answers: CannedResponseTests).
    [Fact]
    public async Task ListAccountsAsync_PageSizeTwo_ReturnsEveryAccountAcrossPages()
    {
        var counter = new CallCountingHandler();
        var clients = MotoAdmin.Clients(org.Endpoint, () => counter, pageSize: 2);

        var accounts = await clients.Organizations.ListAccountsAsync(default).ToListAsync();

        Assert.Equal(org.RootAccounts.Append(org.OuAccount).Order(), accounts.Select(a => a.Id).Order());
        Assert.All(accounts, a => Assert.Equal(OrgAccountState.Active, a.State));
        Assert.Equal(2, counter.Count("ListAccounts"));
    }

    [Fact]
    public async Task ListAccountsForParentAsync_RootPagedByOne_ReturnsOnlyRootAccounts()
    {
        var clients = MotoAdmin.Clients(org.Endpoint, pageSize: 1);

        var accounts = await clients.Organizations.ListAccountsForParentAsync(org.RootId, default).ToListAsync();

        Assert.Equal(org.RootAccounts.Order(), accounts.Select(a => a.Id).Order());
    }

    [Fact]
    public async Task ListAccountsForParentAsync_Ou_ReturnsItsAccountWithNameEmailAndArn()
    {
        var account = Assert.Single(await MotoAdmin.Clients(org.Endpoint).Organizations.ListAccountsForParentAsync(org.OuId, default).ToListAsync());

        Assert.Equal(org.OuAccount, account.Id);
        Assert.Equal("member2", account.Name);
        Assert.Equal("member2@example.com", account.Email);
        Assert.Contains(org.OuAccount, account.Arn, StringComparison.Ordinal);
        Assert.Equal(OrgAccountState.Active, account.State);
    }

    [Fact]
    public async Task ListChildrenAsync_Root_ReturnsOuAndAccountsByType()
    {
        var organizations = MotoAdmin.Clients(org.Endpoint).Organizations;

        var ous = await organizations.ListChildrenAsync(org.RootId, OrgChildType.OrganizationalUnit, default).ToListAsync();
        var accounts = await organizations.ListChildrenAsync(org.OuId, OrgChildType.Account, default).ToListAsync();

        Assert.Equal(new OrgChild(org.OuId, OrgChildType.OrganizationalUnit), Assert.Single(ous));
        Assert.Equal(new OrgChild(org.OuAccount, OrgChildType.Account), Assert.Single(accounts));
    }

    [Fact]
    public async Task ListChildrenAsync_MissingParent_ThrowsResourceNotFound()
    {
        var organizations = MotoAdmin.Clients(org.Endpoint).Organizations;

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await organizations.ListChildrenAsync("ou-zzzz-zzzzzzzz", OrgChildType.Account, default).ToListAsync());

        Assert.Equal(AwsErrorKind.ResourceNotFound, error.Kind);
        Assert.Equal("ParentNotFoundException", error.ErrorCode);
    }
}
