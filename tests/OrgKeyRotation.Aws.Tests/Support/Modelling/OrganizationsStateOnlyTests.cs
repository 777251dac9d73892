using System.Text.Json;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// The Organizations model against moto (which answers both Status and State): the three account operations answer
/// State only, as AWS does since Status was retired.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OrganizationsStateOnlyTests : IClassFixture<OrganizationsStateOnlyTests.Organization>
{
    private readonly Organization _org;

    public OrganizationsStateOnlyTests(Organization org) => _org = org;

    [Theory]
    [InlineData("ListAccounts")]
    [InlineData("ListAccountsForParent")]
    public async Task ListOperations_EveryAccount_StateWithoutStatus(string operation)
    {
        var accounts = (await CallAsync(new OrganizationsStateOnly(), operation)).GetProperty("Accounts").EnumerateArray().ToList();

        Assert.Contains(accounts, a => a.GetProperty("Id").GetString() == _org.MemberId);
        Assert.All(accounts, a => Assert.Equal("ACTIVE", a.GetProperty("State").GetString()));
        Assert.All(accounts, a => Assert.False(a.TryGetProperty("Status", out _)));
    }

    [Fact]
    public async Task DescribeAccount_StateSetByTest_ThatStateWithoutStatus()
    {
        var account = (await CallAsync(new OrganizationsStateOnly().SetState(_org.MemberId, "CLOSED"), "DescribeAccount")).GetProperty("Account");

        Assert.Equal("CLOSED", account.GetProperty("State").GetString());
        Assert.False(account.TryGetProperty("Status", out _));
    }

    [Fact]
    public async Task ListAccounts_KeepStatus_BothFields()
    {
        var accounts = (await CallAsync(new OrganizationsStateOnly(keepStatus: true), "ListAccounts")).GetProperty("Accounts").EnumerateArray().ToList();

        Assert.All(accounts, a => Assert.Equal(("ACTIVE", "ACTIVE"), (a.GetProperty("State").GetString(), a.GetProperty("Status").GetString())));
    }

    [Fact]
    public void SetState_UnknownState_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OrganizationsStateOnly().SetState(_org.MemberId, "ENABLED"));

    [Fact]
    public async Task ListAccounts_WithoutTheModel_MotoStillAnswersStatus()
    {
        // The premise: if moto ever drops Status itself, this model is no longer needed.
        using var http = new HttpClient();
        using var response = await http.SendAsync(Request("ListAccounts"));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.All(document.RootElement.GetProperty("Accounts").EnumerateArray(), a => Assert.True(a.TryGetProperty("Status", out _)));
    }

    private async Task<JsonElement> CallAsync(OrganizationsStateOnly behaviour, string operation)
    {
        using var http = new HttpClient(new AwsModel().Use(behaviour).CreateHandler());
        using var response = await http.SendAsync(Request(operation));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private HttpRequestMessage Request(string operation)
    {
        var body = operation switch
        {
            "ListAccountsForParent" => JsonSerializer.Serialize(new { ParentId = _org.RootId }),
            "DescribeAccount" => JsonSerializer.Serialize(new { AccountId = _org.MemberId }),
            _ => "{}",
        };
        return RawAws.Json(_org.Moto.Endpoint, "testing", "organizations", "AWSOrganizationsV20161128." + operation, body);
    }

    /// <summary>moto with an organization holding one member account.</summary>
    public sealed class Organization : IAsyncLifetime
    {
        public MotoServer Moto { get; private set; } = null!;

        public string RootId { get; private set; } = "";

        public string MemberId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Moto = await MotoServer.StartAsync();
            var seed = new MotoSeeder(Moto.Endpoint);
            await seed.CreateOrganizationAsync();
            MemberId = await seed.CreateAccountAsync("member");
            RootId = await seed.RootIdAsync();
        }

        public async Task DisposeAsync() => await Moto.DisposeAsync();
    }
}
