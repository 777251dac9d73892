using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// The propagation model in-process, under the product's SigV4 signer, against moto: a key created through the model
/// is refused with InvalidClientTokenId by every protocol until it is older than the delay, then accepted, and the
/// model reports when it became usable and when it was first used.
/// </summary>
[Trait("Category", "Integration")]
public class NewKeyPropagationTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task GetCallerIdentity_KeyYoungerThanDelay_RefusedAsInvalidClientTokenId()
    {
        var (model, propagation) = Model();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler());
        var key = await NewKeyAsync(clients, "young");

        _time.Advance(Delay - TimeSpan.FromMilliseconds(1));
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default));

        Assert.Equal("InvalidClientTokenId", error.ErrorCode);
        Assert.Equal(AwsErrorKind.InvalidCredentials, error.Kind);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal(1, propagation.Refused);
        Assert.Equal(1, propagation.Key(key.AccessKeyId)!.Refused);
        Assert.Null(propagation.Key(key.AccessKeyId)!.FirstAcceptedAt);
    }

    [Fact]
    public async Task GetCallerIdentity_KeyOlderThanDelay_AcceptedAndOvershootRecorded()
    {
        var (model, propagation) = Model();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler());
        var key = await NewKeyAsync(clients, "propagated");
        await Assert.ThrowsAsync<AwsServiceException>(() => clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default));

        _time.Advance(Delay + TimeSpan.FromSeconds(3));
        var identity = await clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);

        Assert.EndsWith(":user/" + key.UserName, identity.Arn, StringComparison.Ordinal);
        var record = propagation.Key(key.AccessKeyId)!;
        Assert.Equal(record.CreatedAt + Delay, record.UsableAt);
        Assert.Equal(TimeSpan.FromSeconds(3), record.Overshoot);
        Assert.Equal(1, record.Refused);
        var report = propagation.Report();
        Assert.Equal((1, 1, 1), (report.KeysCreated, report.KeysUsed, report.RefusedRequests));
        Assert.Equal(TimeSpan.FromSeconds(3), report.OvershootMax);
        Assert.Equal(TimeSpan.FromSeconds(3), report.OvershootP95);
    }

    [Fact]
    public async Task JsonAndQueryServices_SignedByYoungKey_EachRefusedInItsProtocol()
    {
        var (model, _) = Model();
        var key = await NewKeyAsync(MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler()), "every-protocol");
        var asNewKey = AwsClients.Create(
            new AwsOptions { Region = MotoAdmin.Region, EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey.Reveal()), InnerHandlerFactory = () => model.CreateHandler() },
            TimeProvider.System);

        var secrets = await Assert.ThrowsAsync<AwsServiceException>(() => asNewKey.Secrets.DescribeSecretAsync("any", default));
        var organizations = await Assert.ThrowsAsync<AwsServiceException>(async () => await asNewKey.Organizations.ListAccountsAsync(default).ToListAsync());

        Assert.Equal(("secretsmanager", "InvalidClientTokenId", AwsErrorKind.InvalidCredentials), (secrets.Service, secrets.ErrorCode, secrets.Kind));
        Assert.Equal(("organizations", "InvalidClientTokenId", AwsErrorKind.InvalidCredentials), (organizations.Service, organizations.ErrorCode, organizations.Kind));
    }

    [Fact]
    public async Task ErrorBodies_QueryAndJson_AwsWireFormat()
    {
        var (model, _) = Model();
        var key = await NewKeyAsync(MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler()), "wire-format");
        using var http = new HttpClient(model.CreateHandler());

        using var query = await http.SendAsync(RawAws.Query(moto.Endpoint, key.AccessKeyId, "iam", "ListUsers", "2010-05-08"));
        using var json = await http.SendAsync(RawAws.Json(moto.Endpoint, key.AccessKeyId, "sqs", "AmazonSQS.ListQueues", """{"QueueNamePrefix":"x"}""", "application/x-amz-json-1.0"));

        Assert.Equal(HttpStatusCode.Forbidden, query.StatusCode);
        var error = XElement.Parse(await query.Content.ReadAsStringAsync());
        XNamespace iam = "https://iam.amazonaws.com/doc/2010-05-08/";
        Assert.Equal(iam + "ErrorResponse", error.Name);
        Assert.Equal(("Sender", "InvalidClientTokenId"), (error.Element(iam + "Error")!.Element(iam + "Type")!.Value, error.Element(iam + "Error")!.Element(iam + "Code")!.Value));
        Assert.NotEmpty(error.Element(iam + "RequestId")!.Value);
        Assert.Equal(HttpStatusCode.Forbidden, json.StatusCode);
        Assert.Equal("application/x-amz-json-1.0", json.Content.Headers.ContentType!.MediaType);
        Assert.Equal("InvalidClientTokenId", json.Headers.GetValues("x-amzn-ErrorType").Single());
        using var body = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Equal("InvalidClientTokenId", body.RootElement.GetProperty("__type").GetString());
        Assert.Equal(AwsErrorResponses.InvalidTokenMessage, body.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task GetCallerIdentity_KeyCreatedOutsideTheModel_NeverRefused()
    {
        var (model, propagation) = Model();
        var seed = new MotoSeeder(moto.Endpoint);
        await seed.CreateUserAsync(MotoSeeder.DefaultAccount, "seeded");
        var (keyId, secret) = await seed.CreateAccessKeyAsync(MotoSeeder.DefaultAccount, "seeded");
        var clients = MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler());

        var identity = await clients.Sts.GetCallerIdentityAsync(keyId, new SensitiveString(secret), null, default);

        Assert.EndsWith(":user/seeded", identity.Arn, StringComparison.Ordinal);
        Assert.Null(propagation.Key(keyId));
        Assert.Equal(0, propagation.Refused);
    }

    [Fact]
    public async Task CreateAccessKey_InMemberAccount_RecordedWithThatAccount()
    {
        var (model, propagation) = Model();
        const string Member = "210987654321";
        await (await MotoAdmin.ForAccountAsync(moto.Endpoint, Member)).CreateUserAsync("member-user");
        var session = await MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler()).Accounts.OpenAsync(Member, "model-test", default);

        var key = await session.Iam.CreateAccessKeyAsync("member-user", default);

        Assert.Equal(Member, propagation.Key(key.AccessKeyId)!.AccountId);
        Assert.Equal(Member, model.Accounts.AccountOf(key.AccessKeyId));
    }

    [Fact]
    public async Task GetCallerIdentity_RegionWithItsOwnDelay_RefusedThereUntilThatDelayWhileTheHomeRegionAccepts()
    {
        var propagation = new NewKeyPropagation(Delay, new Dictionary<string, TimeSpan> { ["eu-west-1"] = Delay * 3 });
        var model = new AwsModel(_time).Use(propagation);
        var key = await NewKeyAsync(MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler()), "regional");
        var inEurope = AwsClients.Create(new AwsOptions { Region = "eu-west-1", EndpointUrl = moto.Endpoint, Credentials = MotoAdmin.TestCredentials, InnerHandlerFactory = () => model.CreateHandler() }, TimeProvider.System);
        var atHome = MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler());

        _time.Advance(Delay * 2);
        await atHome.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);
        var refused = await Assert.ThrowsAsync<AwsServiceException>(() => inEurope.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default));
        var propagatedBefore = propagation.HasPropagated(key.AccessKeyId, "eu-west-1", _time.GetUtcNow());
        _time.Advance(Delay);
        await inEurope.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);

        Assert.Equal("InvalidClientTokenId", refused.ErrorCode);
        Assert.False(propagatedBefore);
        Assert.True(propagation.HasPropagated(key.AccessKeyId, "eu-west-1", _time.GetUtcNow()));
        Assert.Equal(Delay, propagation.DelayIn(MotoAdmin.Region));
    }

    private (AwsModel Model, NewKeyPropagation Propagation) Model()
    {
        var propagation = new NewKeyPropagation(Delay);
        return (new AwsModel(_time).Use(propagation), propagation);
    }

    /// <summary>A user in the default account and a key created for it through the model (an assumed-role IAM client).</summary>
    private async Task<NewAccessKey> NewKeyAsync(ICentralClients clients, string prefix)
    {
        var user = $"{prefix}-{Guid.NewGuid():N}"[..24];
        await MotoAdmin.ForDefaultAccount(moto.Endpoint).CreateUserAsync(user);
        var session = await clients.Accounts.OpenAsync(MotoAdmin.DefaultAccount, "model-test", default);
        var key = await session.Iam.CreateAccessKeyAsync(user, default);
        SecretScan.RegisterSecret(key.SecretAccessKey.Reveal());
        return key with { UserName = user };
    }
}
