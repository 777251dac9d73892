using System.Text;
using System.Text.Json;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

[Trait("Category", "Integration")]
public class AccountSessionTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string Member = "222233334444";

    [Fact]
    public async Task OpenAsync_MemberAccount_IamCallsLandInThatAccount()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        await (await MotoAdmin.ForAccountAsync(moto.Endpoint, Member)).CreateUserAsync(user);
        var clients = MotoAdmin.Clients(moto.Endpoint);

        var member = await clients.Accounts.OpenAsync(Member, default);
        var central = await clients.Accounts.OpenAsync(MotoAdmin.DefaultAccount, default);
        var found = await member.Iam.GetUserAsync(user, default);
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => central.Iam.GetUserAsync(user, default));

        Assert.Equal($"arn:aws:iam::{Member}:user/{user}", found.Arn);
        Assert.Equal(AwsErrorKind.NoSuchEntity, error.Kind);
        Assert.Equal(Member, member.AccountId);
        Assert.Equal($"arn:aws:iam::{Member}:role/IAMKeyRotationRole", member.PrincipalArn);
    }

    [Fact]
    public async Task OpenAsync_ExternalIdAndSessionName_SentOnAssumeRole()
    {
        var capture = new CapturingHandler();
        var clients = AwsClients.Create(
            new AwsOptions { Region = MotoAdmin.Region, EndpointUrl = moto.Endpoint, Credentials = MotoAdmin.TestCredentials, InnerHandlerFactory = () => capture, ExternalId = "ext-123", RoleName = "Rotator", RoleSessionName = "nightly" },
            TimeProvider.System);

        await clients.Accounts.OpenAsync(Member, default);

        var form = Encoding.UTF8.GetString(Assert.Single(capture.Requests).Body);
        Assert.Contains("Action=AssumeRole", form, StringComparison.Ordinal);
        Assert.Contains("ExternalId=ext-123", form, StringComparison.Ordinal);
        Assert.Contains("RoleSessionName=nightly", form, StringComparison.Ordinal);
        Assert.Contains($"RoleArn=arn%3Aaws%3Aiam%3A%3A{Member}%3Arole%2FRotator", form, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ConcurrentAndRepeated_OneAssumeRolePerAccount()
    {
        var counter = new CallCountingHandler();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => counter);

        var sessions = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => clients.Accounts.OpenAsync(Member, default)));
        await clients.Accounts.OpenAsync(Member, default);
        await clients.Accounts.OpenAsync("555566667777", default);
        await sessions[0].Iam.ListUsersAsync("/", default).ToListAsync();

        Assert.Equal(2, counter.Count("AssumeRole", "sts"));
        Assert.Equal(1, counter.Count("ListUsers", "iam"));
        Assert.Equal(Member, counter.Calls.Single(c => c.Operation == "ListUsers").AccountId);
    }

    [Fact]
    public async Task Secrets_CentralLocation_WrittenInCentralAccount()
    {
        var name = "central/" + Guid.NewGuid().ToString("N");
        var clients = MotoAdmin.Clients(moto.Endpoint, secretLocation: SecretLocation.Central);

        var session = await clients.Accounts.OpenAsync(Member, default);
        var arn = await session.Secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, new Dictionary<string, string>()), default);
        var inCentral = await MotoAdmin.ForDefaultAccount(moto.Endpoint).SecretsAsync("DescribeSecret", JsonSerializer.Serialize(new { SecretId = name }));

        Assert.Contains($":{MotoAdmin.DefaultAccount}:secret:", arn, StringComparison.Ordinal);
        Assert.Equal(arn, inCentral.GetProperty("ARN").GetString());
    }

    [Fact]
    public async Task Secrets_MemberLocation_WrittenInMemberAccount()
    {
        var name = "member/" + Guid.NewGuid().ToString("N");
        var session = await MotoAdmin.Clients(moto.Endpoint).Accounts.OpenAsync(Member, default);

        var arn = await session.Secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, new Dictionary<string, string>()), default);

        Assert.Contains($":{Member}:secret:", arn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("12345678901a")]
    public async Task OpenAsync_MalformedAccountId_ThrowsArgumentException(string accountId) =>
        await Assert.ThrowsAsync<ArgumentException>(() => MotoAdmin.Clients(moto.Endpoint).Accounts.OpenAsync(accountId, default));

    [Fact]
    public async Task GetCallerIdentityAsync_HostCredentials_DefaultAccount()
    {
        var identity = await MotoAdmin.Clients(moto.Endpoint).Sts.GetCallerIdentityAsync(default);

        Assert.Equal(MotoAdmin.DefaultAccount, identity.Account);
    }

    [Fact]
    public async Task SendBatchAsync_TwentyThreeMessages_ThreeBatchesAllQueued()
    {
        var admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);
        var queueUrl = (await admin.SqsAsync("CreateQueue", JsonSerializer.Serialize(new { QueueName = "work" + Guid.NewGuid().ToString("N") }))).GetProperty("QueueUrl").GetString()!;
        var counter = new CallCountingHandler();
        var messages = Enumerable.Range(1, 23).Select(i => ($"m{i}", $"{{\"account\":\"{i}\"}}")).ToList();

        var failed = await MotoAdmin.Clients(moto.Endpoint, () => counter).WorkQueue.SendBatchAsync(queueUrl, messages, default);
        var attributes = await admin.SqsAsync("GetQueueAttributes", JsonSerializer.Serialize(new { QueueUrl = queueUrl, AttributeNames = new[] { "ApproximateNumberOfMessages" } }));

        Assert.Empty(failed);
        Assert.Equal(3, counter.Count("SendMessageBatch"));
        Assert.Equal("23", attributes.GetProperty("Attributes").GetProperty("ApproximateNumberOfMessages").GetString());
    }

    [Fact]
    public async Task SendBatchAsync_MissingQueue_ThrowsResourceNotFound()
    {
        var queueUrl = new Uri(moto.Endpoint, $"/{MotoAdmin.DefaultAccount}/missing-queue").ToString();

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => MotoAdmin.Clients(moto.Endpoint).WorkQueue.SendBatchAsync(queueUrl, [("1", "x")], default));

        Assert.Equal(AwsErrorKind.ResourceNotFound, error.Kind);
        Assert.Equal("sqs", error.Service);
    }
}
