using System.Text.Json;
using Amazon.Runtime;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.GitHub.Tests.EndToEnd;

/// <summary>
/// A real key pair made in moto goes into a GitHub secret through the adapter, with the GitHub App's credential read
/// from moto's central Secrets Manager; the contract server opens the sealed box with the independent oracle, and the
/// opened pair must authenticate against moto (STS GetCallerIdentity) as the user it was made for.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeyThroughGitHubTests(OracleFixture oracle, MotoFixture moto) : IClassFixture<OracleFixture>, IClassFixture<MotoFixture>
{
    [OracleFact]
    public async Task PutSecretAsync_NewMotoKey_OpenedPairAuthenticatesAsTheUser()
    {
        await using var server = GitHubContractServer.Start(oracle.Oracle, TimeProvider.System);
        server.AddRepository("octo", "deploy");
        server.InstallApp("octo", "secrets");
        var seeder = new MotoSeeder(moto.Endpoint);
        var user = "ci-" + Guid.NewGuid().ToString("N")[..10];
        var userArn = await seeder.CreateUserAsync(MotoSeeder.DefaultAccount, user);
        var pem = server.AppPrivateKeyPem;
        SecretScan.RegisterSecrets(pem.Split('\n').Where(l => l.Length >= 40));
        await seeder.CreateSecretAsync(MotoSeeder.DefaultAccount, "orgkeyrotation/github", JsonSerializer.Serialize(new { appId = GitHubContractServer.AppId, privateKey = pem }));
        var aws = AwsClients.Create(new AwsOptions { Region = "us-east-1", EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials("testing", "testing") }, TimeProvider.System);
        var session = await aws.Accounts.OpenAsync(MotoSeeder.DefaultAccount, "sweep-github", default);
        var key = await session.Iam.CreateAccessKeyAsync(user, default);
        SecretScan.RegisterSecret(key.SecretAccessKey.Reveal());
        var document = new SensitiveString(JsonSerializer.Serialize(new { AccessKeyId = key.AccessKeyId, SecretAccessKey = key.SecretAccessKey.Reveal() }));
        var github = GitHubClients.Create(new GitHubOptions { BaseUrl = server.BaseUrl, CredentialSecretId = "orgkeyrotation/github" }, aws.Secrets, TimeProvider.System);
        var target = GitHubSecretTarget.ForRepository("octo", "deploy");

        var write = await github.PutSecretAsync(target, "AWS_CREDENTIALS", document, default);

        using var opened = JsonDocument.Parse(server.Secret(target.KeyScope, "AWS_CREDENTIALS")!.Value);
        var identity = await aws.Sts.GetCallerIdentityAsync(opened.RootElement.GetProperty("AccessKeyId").GetString()!, new SensitiveString(opened.RootElement.GetProperty("SecretAccessKey").GetString()!), null, default);
        Assert.Equal(GitHubSecretWrite.Created, write);
        Assert.Equal(userArn, identity.Arn);
        SecretScan.RegisterSecrets(server.IssuedTokens);
    }
}
