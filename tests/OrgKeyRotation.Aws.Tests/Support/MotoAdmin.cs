using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Tests.Support;

/// <summary>
/// Arranges state in moto through raw signed calls (operations the product never makes: CreateUser, CreateTopic...).
/// Uses the layer's own signed client, so setup goes over the same HTTP path as the code under test.
/// </summary>
internal sealed class MotoAdmin(Uri endpoint, AWSCredentials credentials, string region = MotoAdmin.Region)
{
    public const string DefaultAccount = "123456789012";
    public const string Region = "us-east-1";
    private static readonly JsonTypeInfo<JsonElement> ElementType = (JsonTypeInfo<JsonElement>)JsonSerializerOptions.Default.GetTypeInfo(typeof(JsonElement));
    private readonly AwsRetry _retry = new(new RetryOptions { MaxAttempts = 1 }, TimeProvider.System, () => 0);

    public static AWSCredentials TestCredentials { get; } = new BasicAWSCredentials("testing", "testing");

    public static MotoAdmin ForDefaultAccount(Uri endpoint, string region = Region) => new(endpoint, TestCredentials, region);

    /// <summary>Credentials of an assumed role (moto maps them to the role's account).</summary>
    public static async Task<SessionAWSCredentials> AssumeAsync(Uri endpoint, string roleArn)
    {
        using var sts = new AmazonSecurityTokenServiceClient(TestCredentials, new AmazonSecurityTokenServiceConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = Region });
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "test-admin" });
        var c = response.Credentials;
        return new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
    }

    /// <summary>Admin in <paramref name="accountId"/>: moto maps assumed-role credentials to the role's account.</summary>
    public static async Task<MotoAdmin> ForAccountAsync(Uri endpoint, string accountId) =>
        new(endpoint, await AssumeAsync(endpoint, $"arn:aws:iam::{accountId}:role/Admin"));

    /// <summary>The rotator of central secrets the clients are configured with unless a test names another.</summary>
    public const string CentralRotator = "arn:aws:iam::" + DefaultAccount + ":role/service/CentralRotator";

    /// <summary>Clients under test pointed at moto with fake credentials.</summary>
    public static ICentralClients Clients(Uri endpoint, Func<HttpMessageHandler>? inner = null, int? pageSize = null, SecretLocation secretLocation = SecretLocation.Member, string roleName = "IAMKeyRotationRole", AWSCredentials? credentials = null, string? secretsRotatorArn = CentralRotator) =>
        AwsClients.Create(
            new AwsOptions { Region = Region, EndpointUrl = endpoint, Credentials = credentials ?? TestCredentials, InnerHandlerFactory = inner, PageSize = pageSize, SecretLocation = secretLocation, RoleName = roleName, SecretsRotatorArn = secretsRotatorArn },
            TimeProvider.System);

    public Task<XElement> IamAsync(string action, params (string Key, string Value)[] parameters) => QueryAsync(AwsService.Iam, action, "2010-05-08", parameters);

    public Task<XElement> SnsAsync(string action, params (string Key, string Value)[] parameters) => QueryAsync(AwsService.Sns, action, "2010-03-31", parameters);

    public async Task CreateUserAsync(string userName, string path = "/") => await IamAsync("CreateUser", ("UserName", userName), ("Path", path));

    public async Task<string> CreateTopicAsync(string name) => (await SnsAsync("CreateTopic", ("Name", name))).Required("TopicArn");

    public Task<JsonElement> OrganizationsAsync(string operation, string json) => JsonAsync(AwsService.Organizations, "AWSOrganizationsV20161128", operation, json);

    public Task<JsonElement> SecretsAsync(string operation, string json) => JsonAsync(AwsService.SecretsManager, "secretsmanager", operation, json);

    public Task<JsonElement> SqsAsync(string operation, string json) => JsonAsync(AwsService.Sqs, "AmazonSQS", operation, json);

    public Task<JsonElement> SsmAsync(string operation, string json) => JsonAsync(AwsService.Ssm, "AmazonSSM", operation, json);

    private Task<XElement> QueryAsync(AwsService service, string action, string version, (string Key, string Value)[] parameters) =>
        Client(service).QueryAsync(action, version, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)), idempotent: true, CancellationToken.None);

    private Task<JsonElement> JsonAsync(AwsService service, string prefix, string operation, string json)
    {
        using var document = JsonDocument.Parse(json);
        return Client(service).JsonAsync(prefix, operation, document.RootElement.Clone(), ElementType, ElementType, idempotent: true, CancellationToken.None);
    }

    private SignedServiceClient Client(AwsService service) =>
        new(AwsEndpoints.Resolve(service, region, endpoint, _ => null), credentials, SharedHandler, _retry, null);

    private static readonly HttpMessageHandler SharedHandler = new SocketsHttpHandler();
}
