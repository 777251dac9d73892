using Amazon.Runtime;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>
/// With moto's IAM authorization on (server-wide, so this class has its own server): a trust policy requiring an
/// ExternalId refuses a wrong one, and an unknown key is refused. Checks that STS SDK errors come out typed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AuthorizationTests : IAsyncLifetime
{
    private const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
    private MotoServer? _server;
    private BasicAWSCredentials? _adminKey;

    public async Task InitializeAsync()
    {
        _server = await MotoServer.StartAsync();
        var admin = MotoAdmin.ForDefaultAccount(_server.Endpoint);
        await admin.CreateUserAsync("admin");
        await admin.IamAsync("PutUserPolicy", ("UserName", "admin"), ("PolicyName", "all"), ("PolicyDocument", AllowAll));
        var key = (await admin.IamAsync("CreateAccessKey", ("UserName", "admin"))).Child("AccessKey")!;
        _adminKey = new BasicAWSCredentials(key.Required("AccessKeyId"), key.Required("SecretAccessKey"));
        // moto matches a trust policy's principal by exact ARN only: an account-root principal would refuse everyone.
        var trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:user/admin"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"right"}}}]}""".Replace("ACCOUNT", MotoAdmin.DefaultAccount, StringComparison.Ordinal);
        await admin.IamAsync("CreateRole", ("RoleName", "Rotator"), ("AssumeRolePolicyDocument", trust));
        await admin.IamAsync("PutRolePolicy", ("RoleName", "Rotator"), ("PolicyName", "all"), ("PolicyDocument", AllowAll));
        await _server.SetAuthorizationAsync(true);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task OpenAsync_WrongExternalId_ThrowsAccessDenied()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Clients("wrong").Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-test", default));

        Assert.Equal(AwsErrorKind.AccessDenied, error.Kind);
        Assert.Equal("sts", error.Service);
        Assert.Equal("AssumeRole", error.Operation);
    }

    [Fact]
    public async Task OpenAsync_RightExternalId_SessionWorks()
    {
        var session = await Clients("right").Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-test", default);

        Assert.Equal("admin", (await session.Iam.GetUserAsync("admin", default)).UserName);
    }

    [Fact]
    public async Task GetCallerIdentityAsync_UnknownKey_ThrowsInvalidCredentials()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Clients("right").Sts.GetCallerIdentityAsync("AKIAUNKNOWNKEY000000", new SensitiveString("wrong"), null, default));

        Assert.Equal(AwsErrorKind.InvalidCredentials, error.Kind);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
    }

    private ICentralClients Clients(string externalId) =>
        AwsClients.Create(new AwsOptions { Region = MotoAdmin.Region, EndpointUrl = _server!.Endpoint, Credentials = _adminKey, RoleName = "Rotator", ExternalId = externalId }, TimeProvider.System);
}
