using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Support;

[Trait("Category", "Integration")]
public class SmokeTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Smoke()
    {
        var admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);
        await admin.CreateUserAsync("alice");
        var clients = MotoAdmin.Clients(moto.Endpoint);
        var id = await clients.Sts.GetCallerIdentityAsync(default);
        Assert.Equal("123456789012", id.Account);
        var session = await clients.Accounts.OpenAsync("123456789012", default);
        var user = await session.Iam.GetUserAsync("alice", default);
        Assert.Equal("alice", user.UserName);
        var key = await session.Iam.CreateAccessKeyAsync("alice", default);
        var keys = await session.Iam.ListAccessKeysAsync("alice", default);
        Assert.Single(keys);
        var arn = await session.Secrets.CreateSecretAsync(new Core.Model.CreateSecretRequest("s1", null, null, new Dictionary<string, string>()), default);
        Assert.NotNull(await session.Secrets.DescribeSecretAsync("s1", default));
        await admin.OrganizationsAsync("CreateOrganization", """{"FeatureSet":"ALL"}""");
        var accounts = await clients.Organizations.ListAccountsAsync(default).ToListAsync();
        Assert.NotEmpty(accounts);
        var topic = await admin.CreateTopicAsync("t");
        await clients.Sns.PublishAsync(topic, new Core.Ports.SnsMessage("1", "subj", "body", new Dictionary<string, string> { ["a"] = "b" }), default);
        var q = await admin.SqsAsync("CreateQueue", """{"QueueName":"q"}""");
        var failed = await clients.WorkQueue.SendBatchAsync(q.GetProperty("QueueUrl").GetString()!, [("1", "x")], default);
        Assert.Empty(failed);
        _ = key; _ = arn;
    }
}
