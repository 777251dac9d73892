using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

[Trait("Category", "Integration")]
public class IamClientTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private readonly MotoAdmin _admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);
    private readonly ICentralClients _clients = MotoAdmin.Clients(moto.Endpoint);

    [Fact]
    public async Task ListUsersAsync_PathPrefix_ReturnsOnlyUsersOnThatPath()
    {
        var path = $"/{Unique("p")}/";
        await _admin.CreateUserAsync(Unique("a"), path);
        await _admin.CreateUserAsync(Unique("b"), path);
        await _admin.CreateUserAsync(Unique("elsewhere"));

        var users = await (await IamAsync()).ListUsersAsync(path, default).ToListAsync();

        Assert.Equal(2, users.Count);
        Assert.All(users, u => Assert.Equal(path, u.Path));
        Assert.All(users, u => Assert.StartsWith($"arn:aws:iam::{MotoAdmin.DefaultAccount}:user{path}", u.Arn, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetUserAsync_ExistingUser_ReturnsIt()
    {
        var name = await NewUserAsync();

        var user = await (await IamAsync()).GetUserAsync(name, default);

        Assert.Equal(name, user.UserName);
        Assert.False(string.IsNullOrEmpty(user.UserId));
    }

    [Fact]
    public async Task GetUserAsync_MissingUser_ThrowsNoSuchEntity()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await (await IamAsync()).GetUserAsync("nobody-" + Guid.NewGuid().ToString("N"), default));

        Assert.Equal(AwsErrorKind.NoSuchEntity, error.Kind);
        Assert.Equal("GetUser", error.Operation);
        Assert.Equal(404, (int)error.StatusCode);
    }

    [Fact]
    public async Task GetUserAsync_TaggedUser_ReturnsTagsAndArn()
    {
        var name = await NewUserAsync();
        await _admin.IamAsync("TagUser", ("UserName", name), ("Tags.member.1.Key", "owner"), ("Tags.member.1.Value", "team-a"));

        var user = await (await IamAsync()).GetUserAsync(name, default);

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "team-a" }, user.Tags);
        Assert.EndsWith(":user/" + name, user.Arn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListUsersWithTagsAsync_TaggedAndUntaggedUsers_ReturnsEveryUserWithItsTagsPathAndArn()
    {
        var path = $"/{Unique("p")}/";
        var tagged = Unique("tagged");
        await _admin.CreateUserAsync(tagged, path);
        await _admin.IamAsync("TagUser", ("UserName", tagged), ("Tags.member.1.Key", "owner"), ("Tags.member.1.Value", "team-a"), ("Tags.member.2.Key", "orgkeyrotation:exempt"), ("Tags.member.2.Value", "2030-01-01"));
        var untagged = await NewUserAsync();

        var users = (await (await IamAsync()).ListUsersWithTagsAsync(default).ToListAsync()).ToDictionary(u => u.UserName);

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "team-a", ["orgkeyrotation:exempt"] = "2030-01-01" }, users[tagged].Tags);
        Assert.Equal(path, users[tagged].Path);
        Assert.Equal($"arn:aws:iam::{MotoAdmin.DefaultAccount}:user{path}{tagged}", users[tagged].Arn);
        Assert.Empty(users[untagged].Tags);
    }

    [Fact]
    public async Task GetGroupMembersAsync_GroupWithTwoUsers_ReturnsBoth()
    {
        var group = Unique("exempt");
        await _admin.IamAsync("CreateGroup", ("GroupName", group));
        var members = new[] { await NewUserAsync(), await NewUserAsync() };
        foreach (var member in members)
        {
            await _admin.IamAsync("AddUserToGroup", ("GroupName", group), ("UserName", member));
        }

        var result = await (await IamAsync()).GetGroupMembersAsync(group, default);

        Assert.Equal(members.Order(), result.Order());
    }

    [Fact]
    public async Task GetGroupMembersAsync_MissingGroup_ReturnsNobody() =>
        Assert.Empty(await (await IamAsync()).GetGroupMembersAsync(Unique("no-such-group"), default));

    [Theory]
    [InlineData("ListAccessKeys")]
    [InlineData("CreateAccessKey")]
    public async Task UserScopedCall_MissingUser_ThrowsNoSuchEntity(string operation)
    {
        var iam = await IamAsync();
        var missing = "nobody-" + Guid.NewGuid().ToString("N");
        Func<Task> call = operation switch
        {
            "ListAccessKeys" => () => iam.ListAccessKeysAsync(missing, default),
            _ => () => iam.CreateAccessKeyAsync(missing, default),
        };

        var error = await Assert.ThrowsAsync<AwsServiceException>(call);

        Assert.Equal(AwsErrorKind.NoSuchEntity, error.Kind);
        Assert.Equal(operation, error.Operation);
    }

    [Fact]
    public async Task CreateAccessKeyAsync_NewKey_IsListedActiveAndAuthenticates()
    {
        var name = await NewUserAsync();
        var iam = await IamAsync();

        var key = await iam.CreateAccessKeyAsync(name, default);
        var keys = await iam.ListAccessKeysAsync(name, default);
        var identity = await _clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);

        var listed = Assert.Single(keys);
        Assert.Equal(key.AccessKeyId, listed.AccessKeyId);
        Assert.Equal(AccessKeyStatus.Active, listed.Status);
        Assert.Equal(name, key.UserName);
        Assert.DoesNotContain(key.SecretAccessKey.Reveal(), key.ToString(), StringComparison.Ordinal);
        Assert.EndsWith($":user/{name}", identity.Arn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAccessKeyAsync_ThirdKey_ThrowsLimitExceeded()
    {
        var name = await NewUserAsync();
        var iam = await IamAsync();
        await iam.CreateAccessKeyAsync(name, default);
        var second = await iam.CreateAccessKeyAsync(name, default);
        await iam.UpdateAccessKeyAsync(name, second.AccessKeyId, AccessKeyStatus.Inactive, default);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => iam.CreateAccessKeyAsync(name, default));

        Assert.Equal(AwsErrorKind.LimitExceeded, error.Kind);
    }

    [Fact]
    public async Task UpdateAccessKeyAsync_Deactivate_ListShowsInactive()
    {
        var name = await NewUserAsync();
        var iam = await IamAsync();
        var key = await iam.CreateAccessKeyAsync(name, default);

        await iam.UpdateAccessKeyAsync(name, key.AccessKeyId, AccessKeyStatus.Inactive, default);

        Assert.Equal(AccessKeyStatus.Inactive, Assert.Single(await iam.ListAccessKeysAsync(name, default)).Status);
    }

    [Fact]
    public async Task DeleteAccessKeyAsync_ExistingKey_RemovesIt()
    {
        var name = await NewUserAsync();
        var iam = await IamAsync();
        var key = await iam.CreateAccessKeyAsync(name, default);

        await iam.DeleteAccessKeyAsync(name, key.AccessKeyId, default);

        Assert.Empty(await iam.ListAccessKeysAsync(name, default));
    }

    [Theory]
    [InlineData("UpdateAccessKey")]
    [InlineData("DeleteAccessKey")]
    [InlineData("GetAccessKeyLastUsed")]
    public async Task KeyScopedCall_MissingKey_ThrowsNoSuchEntity(string operation)
    {
        var name = await NewUserAsync();
        var iam = await IamAsync();
        const string missing = "AKIAZZZZZZZZZZZZZZZZ";
        Func<Task> call = operation switch
        {
            "UpdateAccessKey" => () => iam.UpdateAccessKeyAsync(name, missing, AccessKeyStatus.Inactive, default),
            "DeleteAccessKey" => () => iam.DeleteAccessKeyAsync(name, missing, default),
            _ => () => iam.GetAccessKeyLastUsedAsync(missing, default),
        };

        var error = await Assert.ThrowsAsync<AwsServiceException>(call);

        Assert.Equal(AwsErrorKind.NoSuchEntity, error.Kind);
    }

    [Fact]
    public async Task GetAccessKeyLastUsedAsync_NeverUsedThenUsed_NullThenDated()
    {
        var name = await NewUserAsync();
        var iam = await IamAsync();
        var key = await iam.CreateAccessKeyAsync(name, default);

        var before = await iam.GetAccessKeyLastUsedAsync(key.AccessKeyId, default);
        await _clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);
        var after = await iam.GetAccessKeyLastUsedAsync(key.AccessKeyId, default);

        Assert.Null(before.LastUsedDate);
        Assert.Null(before.ServiceName);
        Assert.NotNull(after.LastUsedDate);
        Assert.Equal("sts", after.ServiceName);
    }

    [Fact]
    public async Task QueryCall_EntityAlreadyExists_IsTyped()
    {
        var name = await NewUserAsync();

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _admin.CreateUserAsync(name));

        Assert.Equal(AwsErrorKind.EntityAlreadyExists, error.Kind);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal(409, (int)error.StatusCode);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private async Task<string> NewUserAsync()
    {
        var name = Unique("user");
        await _admin.CreateUserAsync(name);
        return name;
    }

    private async Task<IIamClient> IamAsync() => (await _clients.Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-test", default)).Iam;
}
