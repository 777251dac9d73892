using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
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
    private const string Sweep = "sweep-20261125T000000Z-0a1b2c3d";

    [Fact]
    public async Task OpenAsync_MemberAccount_IamCallsLandInThatAccount()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        await (await MotoAdmin.ForAccountAsync(moto.Endpoint, Member)).CreateUserAsync(user);
        var clients = MotoAdmin.Clients(moto.Endpoint);

        var member = await clients.Accounts.OpenAsync(Member, Sweep, default);
        var central = await clients.Accounts.OpenAsync(MotoAdmin.DefaultAccount, Sweep, default);
        var found = await member.Iam.GetUserAsync(user, default);
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => central.Iam.GetUserAsync(user, default));

        Assert.Equal($"arn:aws:iam::{Member}:user/{user}", found.Arn);
        Assert.Equal(AwsErrorKind.NoSuchEntity, error.Kind);
        Assert.Equal(Member, member.AccountId);
        Assert.Equal($"arn:aws:iam::{Member}:role/IAMKeyRotationRole", member.PrincipalArn);
    }

    [Fact]
    public async Task OpenAsync_ExternalIdAndSweepId_SentOnAssumeRole()
    {
        var capture = new CapturingHandler();
        var clients = AwsClients.Create(
            new AwsOptions { Region = MotoAdmin.Region, EndpointUrl = moto.Endpoint, Credentials = MotoAdmin.TestCredentials, InnerHandlerFactory = () => capture, ExternalId = "ext-123", RoleName = "Rotator" },
            TimeProvider.System);

        var session = await clients.Accounts.OpenAsync(Member, Sweep, default);

        var form = Encoding.UTF8.GetString(Assert.Single(capture.Requests).Body);
        Assert.Contains("Action=AssumeRole", form, StringComparison.Ordinal);
        Assert.Contains("ExternalId=ext-123", form, StringComparison.Ordinal);
        Assert.Contains($"RoleSessionName={Sweep}", form, StringComparison.Ordinal);
        Assert.Contains($"RoleArn=arn%3Aaws%3Aiam%3A%3A{Member}%3Arole%2FRotator", form, StringComparison.Ordinal);
        Assert.Equal($"arn:aws:iam::{Member}:role/Rotator", session.PrincipalArn);
    }

    // The session name reaches CloudTrail; AWS refuses one outside 2-64 characters of [\w+=,.@-] (AssumeRole API reference).
    [Fact]
    public async Task OpenAsync_SessionNameWithInvalidCharactersAndTooLong_SentSanitized()
    {
        var capture = new CapturingHandler();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => capture);

        await clients.Accounts.OpenAsync(Member, "rotation-" + new string('x', 40) + " token/with:odd chars", default);

        var form = Encoding.UTF8.GetString(Assert.Single(capture.Requests).Body);
        var sent = Uri.UnescapeDataString(Regex.Match(form, "RoleSessionName=([^&]*)").Groups[1].Value);
        Assert.Matches(@"^[A-Za-z0-9_+=,.@-]{2,64}$", sent);
        Assert.StartsWith("rotation-xxxx", sent, StringComparison.Ordinal);
        Assert.Equal(64, sent.Length);
    }

    [Fact]
    public async Task OpenAsync_TwoSweeps_OneAssumeRoleEach()
    {
        var counter = new CallCountingHandler();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => counter);

        await clients.Accounts.OpenAsync(Member, "sweep-one", default);
        await clients.Accounts.OpenAsync(Member, "sweep-one", default);
        await clients.Accounts.OpenAsync(Member, "sweep-two", default);

        Assert.Equal(2, counter.Count("AssumeRole", "sts"));
    }

    [Fact]
    public async Task OpenAsync_ConcurrentAndRepeated_OneAssumeRolePerAccount()
    {
        var counter = new CallCountingHandler();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => counter);

        var sessions = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => clients.Accounts.OpenAsync(Member, Sweep, default)));
        await clients.Accounts.OpenAsync(Member, Sweep, default);
        await clients.Accounts.OpenAsync("555566667777", Sweep, default);
        await sessions[0].Iam.ListUsersAsync("/", default).ToListAsync();

        Assert.Equal(2, counter.Count("AssumeRole", "sts"));
        Assert.Equal(1, counter.Count("ListUsers", "iam"));
        Assert.Equal(Member, counter.Calls.Single(c => c.Operation == "ListUsers").AccountId);
    }

    // Contract C3: the secret's resource policy names the principal that writes it. With location central that is the
    // configured rotator role, path included: a role session's ARN (arn:aws:sts::<account>:assumed-role/<role>/<session>)
    // carries no path, so asking STS could not give it.
    [Fact]
    public async Task PrincipalArn_CentralLocation_IsTheConfiguredRotatorWithItsPath()
    {
        var counter = new CallCountingHandler();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => counter, secretLocation: SecretLocation.Central);

        var first = await clients.Accounts.OpenAsync(Member, Sweep, default);
        var second = await clients.Accounts.OpenAsync("555566667777", Sweep, default);

        Assert.Equal(MotoAdmin.CentralRotator, first.PrincipalArn);
        Assert.Equal(first.PrincipalArn, second.PrincipalArn);
        Assert.Equal(0, counter.Count("GetCallerIdentity", "sts"));
    }

    [Fact]
    public async Task CentralRotatorRefusalAsync_HostIsASessionOfTheRotatorRole_NoneAndAskedOnce()
    {
        var hostRole = await MotoAdmin.AssumeAsync(moto.Endpoint, $"arn:aws:iam::{MotoAdmin.DefaultAccount}:role/CentralRotator");
        var counter = new CallCountingHandler();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => counter, secretLocation: SecretLocation.Central, credentials: hostRole);

        Assert.Null(await clients.Accounts.CentralRotatorRefusalAsync(default));
        Assert.Null(await clients.Accounts.CentralRotatorRefusalAsync(default));
        Assert.Equal(1, counter.Count("GetCallerIdentity", "sts"));
    }

    [Fact]
    public async Task CentralRotatorRefusalAsync_HostIsAnotherPrincipal_NamesTheCallerAndTheRotator()
    {
        var operatorRole = await MotoAdmin.AssumeAsync(moto.Endpoint, $"arn:aws:iam::{MotoAdmin.DefaultAccount}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef");
        var clients = MotoAdmin.Clients(moto.Endpoint, secretLocation: SecretLocation.Central, credentials: operatorRole);

        var refusal = await clients.Accounts.CentralRotatorRefusalAsync(default);

        Assert.NotNull(refusal);
        Assert.Contains($"arn:aws:sts::{MotoAdmin.DefaultAccount}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/", refusal, StringComparison.Ordinal);
        Assert.Contains(MotoAdmin.CentralRotator, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CentralRotatorRefusalAsync_MemberLocation_NoneWithoutAskingWhoTheHostIs()
    {
        var counter = new CallCountingHandler();

        var refusal = await MotoAdmin.Clients(moto.Endpoint, () => counter).Accounts.CentralRotatorRefusalAsync(default);

        Assert.Null(refusal);
        Assert.Equal(0, counter.Count("GetCallerIdentity"));
    }

    [Fact]
    public void Create_CentralLocationWithoutARotatorRoleArn_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => MotoAdmin.Clients(moto.Endpoint, secretLocation: SecretLocation.Central, secretsRotatorArn: null));

        Assert.Contains("SecretsRotatorArn must be the IAM role ARN (path included)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrincipalArn_MemberLocation_IsTheMemberRoleWithoutAskingWhoTheHostIs()
    {
        var counter = new CallCountingHandler();

        var session = await MotoAdmin.Clients(moto.Endpoint, () => counter).Accounts.OpenAsync(Member, Sweep, default);

        Assert.Equal($"arn:aws:iam::{Member}:role/IAMKeyRotationRole", session.PrincipalArn);
        Assert.Equal(0, counter.Count("GetCallerIdentity"));
    }

    [Fact]
    public async Task Secrets_CentralLocation_WrittenInCentralAccount()
    {
        var name = "central/" + Guid.NewGuid().ToString("N");
        var clients = MotoAdmin.Clients(moto.Endpoint, secretLocation: SecretLocation.Central);

        var session = await clients.Accounts.OpenAsync(Member, Sweep, default);
        var arn = await session.Secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, new Dictionary<string, string>()), default);
        var inCentral = await MotoAdmin.ForDefaultAccount(moto.Endpoint).SecretsAsync("DescribeSecret", JsonSerializer.Serialize(new { SecretId = name }));

        Assert.Contains($":{MotoAdmin.DefaultAccount}:secret:", arn, StringComparison.Ordinal);
        Assert.Equal(arn, inCentral.GetProperty("ARN").GetString());
    }

    [Fact]
    public async Task Secrets_MemberLocation_WrittenInMemberAccount()
    {
        var name = "member/" + Guid.NewGuid().ToString("N");
        var session = await MotoAdmin.Clients(moto.Endpoint).Accounts.OpenAsync(Member, Sweep, default);

        var arn = await session.Secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, new Dictionary<string, string>()), default);

        Assert.Contains($":{Member}:secret:", arn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("12345678901a")]
    public async Task OpenAsync_MalformedAccountId_ThrowsArgumentException(string accountId) =>
        await Assert.ThrowsAsync<ArgumentException>(() => MotoAdmin.Clients(moto.Endpoint).Accounts.OpenAsync(accountId, Sweep, default));

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
