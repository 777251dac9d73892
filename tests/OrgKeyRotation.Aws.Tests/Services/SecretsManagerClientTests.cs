using System.Text;
using System.Text.Json;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

[Trait("Category", "Integration")]
public class SecretsManagerClientTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly Dictionary<string, string> NoTags = [];
    private readonly MotoAdmin _admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);
    private readonly ICentralClients _clients = MotoAdmin.Clients(moto.Endpoint);

    [Fact]
    public async Task CreateSecretAsync_WithValueAndTags_DescribeShowsTagsAndCurrentVersion()
    {
        var secrets = await SecretsAsync();
        var name = Unique();

        var arn = await secrets.CreateSecretAsync(new CreateSecretRequest(name, "rotated key", null, new Dictionary<string, string> { ["owner"] = "rotation" }, Guid.NewGuid().ToString(), new SensitiveString("{\"k\":\"v\"}")), default);
        var description = await secrets.DescribeSecretAsync(name, default);

        Assert.NotNull(description);
        Assert.Equal(arn, description.Arn);
        Assert.Equal("rotation", description.Tags["owner"]);
        Assert.NotNull(description.VersionWithStage(SecretStages.Current));
        Assert.Null(description.DeletedDate);
    }

    [Fact]
    public async Task ListSecretsAsync_NamePrefix_ReturnsOnlySecretsUnderItWithTagsAndStages()
    {
        var secrets = await SecretsAsync();
        var prefix = $"list-{Guid.NewGuid():N}/";
        var token = Guid.NewGuid().ToString();
        await secrets.CreateSecretAsync(new CreateSecretRequest(prefix + "alice", null, null, new Dictionary<string, string> { ["owner"] = "a" }, token, new SensitiveString("{}")), default);
        await secrets.CreateSecretAsync(new CreateSecretRequest(prefix + "bob", null, null, NoTags), default);
        await secrets.CreateSecretAsync(new CreateSecretRequest("other-" + prefix + "carol", null, null, NoTags), default);

        var listed = new List<SecretDescription>();
        await foreach (var secret in secrets.ListSecretsAsync(prefix, default))
        {
            listed.Add(secret);
        }

        Assert.Equal([prefix + "alice", prefix + "bob"], listed.Select(s => s.Name).Order(StringComparer.Ordinal));
        var alice = listed.Single(s => s.Name == prefix + "alice");
        Assert.Equal("a", alice.Tags["owner"]);
        Assert.Equal(token, alice.VersionWithStage(SecretStages.Current));
    }

    [Fact]
    public async Task CreateSecretAsync_MetadataOnly_HasNoVersions()
    {
        var secrets = await SecretsAsync();
        var name = Unique();

        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags), default);

        Assert.Empty((await secrets.DescribeSecretAsync(name, default))!.VersionIdsToStages);
        Assert.Null(await secrets.GetSecretValueAsync(name, null, SecretStages.Current, default));
    }

    [Fact]
    public async Task CreateSecretAsync_NameTaken_ThrowsResourceExists()
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags), default);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags), default));

        Assert.Equal(AwsErrorKind.ResourceExists, error.Kind);
        Assert.NotNull(error.RequestId);
    }

    [Fact]
    public async Task DescribeSecretAsync_Missing_ReturnsNull() =>
        Assert.Null(await (await SecretsAsync()).DescribeSecretAsync(Unique(), default));

    [Fact]
    public async Task GetSecretValueAsync_ByStageAndByVersionId_ReturnSameValue()
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags, SecretString: new SensitiveString("first")), default);

        var byStage = await secrets.GetSecretValueAsync(name, null, SecretStages.Current, default);
        var byId = await secrets.GetSecretValueAsync(name, byStage!.VersionId, null, default);

        Assert.Equal("first", byStage.SecretString.Reveal());
        Assert.Contains(SecretStages.Current, byStage.Stages);
        Assert.Equal(byStage.VersionId, byId!.VersionId);
        Assert.Equal("first", byId.SecretString.Reveal());
        Assert.DoesNotContain("first", byStage.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetSecretValueAsync_MissingStageOrSecret_ReturnsNull(bool secretExists)
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        if (secretExists)
        {
            await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags, SecretString: new SensitiveString("v")), default);
        }

        Assert.Null(await secrets.GetSecretValueAsync(name, null, SecretStages.Pending, default));
    }

    [Fact]
    public async Task PutSecretValueThenUpdateStage_PendingPromoted_CurrentMovesAndPreviousFollows()
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags, SecretString: new SensitiveString("old")), default);
        var oldVersion = (await secrets.DescribeSecretAsync(name, default))!.VersionWithStage(SecretStages.Current);
        var token = Guid.NewGuid().ToString();

        await secrets.PutSecretValueAsync(name, token, new SensitiveString("new"), [SecretStages.Pending], default);
        var pending = await secrets.GetSecretValueAsync(name, null, SecretStages.Pending, default);
        await secrets.UpdateSecretVersionStageAsync(name, SecretStages.Current, token, oldVersion, default);
        var description = await secrets.DescribeSecretAsync(name, default);

        Assert.Equal(token, pending!.VersionId);
        Assert.Equal("new", pending.SecretString.Reveal());
        Assert.Equal(token, description!.VersionWithStage(SecretStages.Current));
        Assert.Equal(oldVersion, description.VersionWithStage(SecretStages.Previous));
        Assert.Equal("new", (await secrets.GetSecretValueAsync(name, null, SecretStages.Current, default))!.SecretString.Reveal());
    }

    [Fact]
    public async Task UpdateSecretVersionStageAsync_CurrentWithoutRemoveFrom_ThrowsInvalidRequest()
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags, SecretString: new SensitiveString("v")), default);
        var token = Guid.NewGuid().ToString();
        await secrets.PutSecretValueAsync(name, token, new SensitiveString("w"), [SecretStages.Pending], default);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => secrets.UpdateSecretVersionStageAsync(name, SecretStages.Current, token, null, default));

        Assert.Equal(AwsErrorKind.InvalidRequest, error.Kind);
    }

    [Fact]
    public async Task PutResourcePolicyAsync_Policy_IsStored()
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags), default);
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""";

        await secrets.PutResourcePolicyAsync(name, policy, default);
        var stored = await _admin.SecretsAsync("GetResourcePolicy", JsonSerializer.Serialize(new Dictionary<string, string> { ["SecretId"] = name }));

        Assert.Equal(policy, stored.GetProperty("ResourcePolicy").GetString());
    }

    [Fact]
    public async Task TagResourceAsync_NewTags_AreMergedIntoExisting()
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, new Dictionary<string, string> { ["a"] = "1" }), default);

        await secrets.TagResourceAsync(name, new Dictionary<string, string> { ["b"] = "2" }, default);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, (await secrets.DescribeSecretAsync(name, default))!.Tags);
    }

    [Theory]
    [InlineData("PutSecretValue")]
    [InlineData("UpdateSecretVersionStage")]
    [InlineData("PutResourcePolicy")]
    [InlineData("TagResource")]
    public async Task WriteCall_MissingSecret_ThrowsResourceNotFound(string operation)
    {
        var secrets = await SecretsAsync();
        var missing = Unique();
        Func<Task> call = operation switch
        {
            "PutSecretValue" => () => secrets.PutSecretValueAsync(missing, Guid.NewGuid().ToString(), new SensitiveString("x"), [SecretStages.Pending], default),
            "UpdateSecretVersionStage" => () => secrets.UpdateSecretVersionStageAsync(missing, SecretStages.Current, Guid.NewGuid().ToString(), null, default),
            "PutResourcePolicy" => () => secrets.PutResourcePolicyAsync(missing, "{}", default),
            _ => () => secrets.TagResourceAsync(missing, new Dictionary<string, string> { ["a"] = "b" }, default),
        };

        var error = await Assert.ThrowsAsync<AwsServiceException>(call);

        Assert.Equal(AwsErrorKind.ResourceNotFound, error.Kind);
        Assert.Equal("secretsmanager", error.Service);
    }

    [Fact]
    public async Task GetResourcePolicyAsync_NoPolicyThenPolicy_NullThenThePolicy()
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags), default);
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}""";

        var before = await secrets.GetResourcePolicyAsync(name, default);
        await secrets.PutResourcePolicyAsync(name, policy, default);
        var after = await secrets.GetResourcePolicyAsync(name, default);

        Assert.Null(before);
        Assert.Equal(policy, after);
    }

    [Fact]
    public async Task GetResourcePolicyAsync_MissingSecret_ThrowsResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await (await SecretsAsync()).GetResourcePolicyAsync(Unique(), default));

        Assert.Equal(AwsErrorKind.ResourceNotFound, error.Kind);
    }

    // Contract C1: a first rotation creates the secret without a value, applies the policy, then writes the value,
    // so a key is never readable without the policy. CreateSecret API reference: only with SecretString is an initial
    // version created, and ClientRequestToken names that version.
    [Fact]
    public async Task CreateSecretAsync_EmptyThenPolicyThenValue_ValueIsCurrentAndNoEarlierVersionExists()
    {
        var secrets = await SecretsAsync();
        var capture = new CapturingHandler();
        var captured = (await MotoAdmin.Clients(moto.Endpoint, () => capture).Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-test", default)).Secrets;
        var name = Unique();
        var token = Guid.NewGuid().ToString();

        await captured.CreateSecretAsync(new CreateSecretRequest(name, "key", null, new Dictionary<string, string> { ["orgkeyrotation:attempt"] = "2026-11-25T00:00:00Z" }, token), default);
        var empty = await secrets.DescribeSecretAsync(name, default);
        await secrets.PutResourcePolicyAsync(name, """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}""", default);
        await secrets.PutSecretValueAsync(name, token, new SensitiveString("{\"k\":\"v\"}"), [SecretStages.Current], default);
        var current = await secrets.GetSecretValueAsync(name, null, SecretStages.Current, default);

        var createBody = Encoding.UTF8.GetString(capture.Requests.Single(r => r.Headers.TryGetValue("X-Amz-Target", out var t) && t.EndsWith(".CreateSecret", StringComparison.Ordinal)).Body);
        Assert.DoesNotContain("SecretString", createBody, StringComparison.Ordinal);
        Assert.DoesNotContain("ClientRequestToken", createBody, StringComparison.Ordinal);
        Assert.Empty(empty!.VersionIdsToStages);
        Assert.Equal("2026-11-25T00:00:00Z", empty.Tags["orgkeyrotation:attempt"]);
        Assert.Equal(token, current!.VersionId);
        Assert.Equal("{\"k\":\"v\"}", current.SecretString.Reveal());
        Assert.Equal([token], (await secrets.DescribeSecretAsync(name, default))!.VersionIdsToStages.Keys);
    }

    // PutSecretValue API reference: "If this operation creates the first version for the secret, then Secrets Manager
    // automatically attaches the staging label AWSCURRENT to it", whatever VersionStages says. A first rotation into
    // an empty secret therefore makes the new key current at once (moto agrees).
    [Fact]
    public async Task PutSecretValueAsync_FirstVersionAskedAsPending_IsAlsoCurrent()
    {
        var secrets = await SecretsAsync();
        var name = Unique();
        var token = Guid.NewGuid().ToString();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, NoTags), default);

        await secrets.PutSecretValueAsync(name, token, new SensitiveString("first"), [SecretStages.Pending], default);

        var stages = (await secrets.DescribeSecretAsync(name, default))!.VersionIdsToStages[token];
        Assert.Contains(SecretStages.Pending, stages);
        Assert.Contains(SecretStages.Current, stages);
    }

    // ListSecrets API reference: "By default, secrets scheduled for deletion aren't included", yet their names stay
    // taken until the recovery window ends.
    [Fact]
    public async Task ListSecretsAsync_SecretScheduledForDeletion_ListedWithItsDeletedDate()
    {
        var secrets = await SecretsAsync();
        var prefix = $"deleted-{Guid.NewGuid():N}/";
        await secrets.CreateSecretAsync(new CreateSecretRequest(prefix + "alice", null, null, NoTags), default);
        await secrets.CreateSecretAsync(new CreateSecretRequest(prefix + "bob", null, null, NoTags), default);
        await _admin.SecretsAsync("DeleteSecret", JsonSerializer.Serialize(new { SecretId = prefix + "alice", RecoveryWindowInDays = 7 }));

        var listed = await secrets.ListSecretsAsync(prefix, default).ToListAsync();

        Assert.Equal([prefix + "alice", prefix + "bob"], listed.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.NotNull(listed.Single(s => s.Name == prefix + "alice").DeletedDate);
        Assert.Null(listed.Single(s => s.Name == prefix + "bob").DeletedDate);
    }

    [Fact]
    public async Task RotateSecretAsync_MissingSecret_ThrowsResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await (await SecretsAsync()).RotateSecretAsync(Unique(), "arn:aws:lambda:us-east-1:123456789012:function:rotator", 90, rotateImmediately: false, default));

        Assert.Equal(AwsErrorKind.ResourceNotFound, error.Kind);
        Assert.Equal("RotateSecret", error.Operation);
    }

    private static string Unique() => "iam-key-rotation/" + Guid.NewGuid().ToString("N");

    private async Task<ISecretsManagerClient> SecretsAsync() => (await _clients.Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-test", default)).Secrets;
}
