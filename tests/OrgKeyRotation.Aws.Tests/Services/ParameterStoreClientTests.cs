using System.Text.Json;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>
/// Parameter Store through a member session, against moto with IAM authorization off (the member role's grant for
/// these calls is part of the deployment, tested with the rendered policy there). moto does not check that a KMS key
/// exists or that the caller may use it (docs/emulator-limits.md).
/// </summary>
[Trait("Category", "Integration")]
public class ParameterStoreClientTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private readonly MotoAdmin _admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);

    [Fact]
    public async Task PutSecureStringAsync_NewName_CreatesSecureStringVersion1()
    {
        var parameters = await ParametersAsync();
        var name = Unique();
        var value = Secret();

        var version = await parameters.PutSecureStringAsync(name, value, null, default);

        var stored = (await _admin.SsmAsync("GetParameter", Json(new { Name = name, WithDecryption = true }))).GetProperty("Parameter");
        Assert.Equal(1, version);
        Assert.Equal("SecureString", stored.GetProperty("Type").GetString());
        Assert.Equal(value.Reveal(), stored.GetProperty("Value").GetString());
    }

    [Fact]
    public async Task PutSecureStringAsync_Existing_OverwritesAndReturnsNextVersion()
    {
        var parameters = await ParametersAsync();
        var name = Unique();
        await parameters.PutSecureStringAsync(name, Secret(), null, default);
        var second = Secret();

        var version = await parameters.PutSecureStringAsync(name, second, null, default);

        Assert.Equal(2, version);
        Assert.Equal(second.Reveal(), (await _admin.SsmAsync("GetParameter", Json(new { Name = name, WithDecryption = true }))).GetProperty("Parameter").GetProperty("Value").GetString());
    }

    [Fact]
    public async Task PutSecureStringAsync_KmsAlias_ParameterNamesTheKey()
    {
        var parameters = await ParametersAsync();
        var name = Unique();

        await parameters.PutSecureStringAsync(name, Secret(), "alias/team-keys", default);

        var described = await _admin.SsmAsync("DescribeParameters", Json(new { ParameterFilters = new[] { new { Key = "Name", Option = "Equals", Values = new[] { name } } } }));
        Assert.Equal("alias/team-keys", described.GetProperty("Parameters")[0].GetProperty("KeyId").GetString());
    }

    /// <summary>The AWS rule the client is built around (PutParameter API reference, Tags), as moto models it.</summary>
    [Fact]
    public async Task PutParameter_TagsWithOverwrite_AwsRefusesTheRequest()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _admin.SsmAsync("PutParameter", Json(new { Name = Unique(), Value = "v", Type = "SecureString", Overwrite = true, Tags = new[] { new { Key = "k", Value = "v" } } })));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Equal(AwsErrorKind.InvalidRequest, error.Kind);
    }

    [Fact]
    public async Task AddTagsAsync_AfterOverwrite_AddsTagsAndKeepsOthers()
    {
        var parameters = await ParametersAsync();
        var name = Unique();
        await parameters.PutSecureStringAsync(name, Secret(), null, default);
        await parameters.AddTagsAsync(name, new Dictionary<string, string> { ["owner"] = "team-a" }, default);
        await parameters.PutSecureStringAsync(name, Secret(), null, default);

        await parameters.AddTagsAsync(name, new Dictionary<string, string> { ["managed-by"] = "orgkeyrotation" }, default);

        var tags = (await _admin.SsmAsync("ListTagsForResource", Json(new { ResourceType = "Parameter", ResourceId = name }))).GetProperty("TagList")
            .EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "team-a", ["managed-by"] = "orgkeyrotation" }, tags);
    }

    [Fact]
    public async Task AddTagsAsync_MissingParameter_ThrowsResourceNotFound()
    {
        var parameters = await ParametersAsync();

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => parameters.AddTagsAsync(Unique(), new Dictionary<string, string> { ["k"] = "v" }, default));

        Assert.Equal(AwsErrorKind.ResourceNotFound, error.Kind);
        Assert.Equal("ssm", error.Service);
        Assert.Equal("AddTagsToResource", error.Operation);
    }

    [Fact]
    public async Task EveryMember_DrivenOnMoto_CallsOnlyTheTwoParameterStoreOperations()
    {
        var counter = new CallCountingHandler();
        var session = await MotoAdmin.Clients(moto.Endpoint, () => counter).Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-ssm", default);
        var name = Unique();

        await session.Parameters.PutSecureStringAsync(name, Secret(), null, default);
        await session.Parameters.AddTagsAsync(name, new Dictionary<string, string> { ["k"] = "v" }, default);

        Assert.Equal(["AddTagsToResource", "PutParameter"], counter.Calls.Where(c => c.Service == "ssm").Select(c => c.Operation).Distinct().Order(StringComparer.Ordinal));
        Assert.All(counter.Calls.Where(c => c.Service == "ssm"), c => Assert.Equal(MotoAdmin.DefaultAccount, c.AccountId));
    }

    [Fact]
    public async Task PutSecureStringAsync_ReservedName_ThrowsBeforeAnyCall()
    {
        var counter = new CallCountingHandler();
        var session = await MotoAdmin.Clients(moto.Endpoint, () => counter).Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-ssm", default);
        counter.Clear();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => session.Parameters.PutSecureStringAsync("/aws/keys/alice", Secret(), null, default));

        Assert.Contains("reserves", error.Message, StringComparison.Ordinal);
        Assert.Empty(counter.Calls);
    }

    private async Task<IParameterStoreClient> ParametersAsync() =>
        (await MotoAdmin.Clients(moto.Endpoint).Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-ssm", default)).Parameters;

    private static SensitiveString Secret()
    {
        var value = $"{{\"AccessKeyId\":\"AKIA{Guid.NewGuid():N}\",\"SecretAccessKey\":\"{Guid.NewGuid():N}{Guid.NewGuid():N}\"}}"[..90] + "\"}";
        SecretScan.RegisterSecret(value);
        return new SensitiveString(value);
    }

    private static string Unique() => $"/iam-key-rotation/test/{Guid.NewGuid():N}";

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
