using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.GitHub;

namespace OrgKeyRotation.Cli.Tests.EndToEnd;

/// <summary>
/// A user with a Parameter Store and a GitHub destination, through the real keyrot process: moto for AWS (the GitHub
/// App's credential in its central Secrets Manager), the GitHub contract server for GitHub. The server opens every
/// sealed value with the independent oracle (libsodium-wrappers), and the opened key, like the parameter's, must
/// authenticate against moto with IAM authorization (and so signature checks) on.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeyrotDestinationsTests(MotoFixture moto, OracleFixture oracle) : IClassFixture<MotoFixture>, IClassFixture<OracleFixture>, IAsyncLifetime, IDisposable
{
    private const string Account = "111111111111";
    private const string User = "ci-deployer";
    private const string Parameter = $"/orgkeyrotation/{Account}/{User}";
    private readonly MotoSeeder _seeder = new(moto.Endpoint);
    private readonly string _dir = Directory.CreateTempSubdirectory("keyrot-destinations-").FullName;

    public Task InitializeAsync() => moto.Server.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [OracleFact]
    public async Task Rotate_ParameterAndGitHubDestinations_BothHoldTheNewKeyAndItAuthenticates()
    {
        await using var github = GitHubContractServer.Start(oracle.Oracle, TimeProvider.System);
        var config = await ArrangeAsync(github);
        var target = GitHubSecretTarget.ForEnvironment("example-org", "deploy", "production");

        var plan = await KeyrotProcess.RunAsync("plan", "--config", config, "--endpoint-url", moto.Endpoint.ToString(), "--output", "json");
        var planned = plan.Json();
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Empty(github.Requests);
        Assert.Null(await _seeder.ParameterAsync(Account, Parameter));
        Assert.All(planned.GetProperty("destinations").EnumerateArray(), d => Assert.False(d.GetProperty("holdsCurrentKey").GetBoolean()));

        var rotate = await KeyrotProcess.RunAsync("rotate", "--config", config, "--endpoint-url", moto.Endpoint.ToString(), "--output", "json");

        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        var json = rotate.Json();
        var newKey = json.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("action").GetString() == "Rotate").GetProperty("newAccessKeyId").GetString()!;
        Assert.Equal(["ssm:" + Parameter, "github:example-org/deploy (environment production)"], json.GetProperty("destinations").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.All(json.GetProperty("destinations").EnumerateArray(), d => Assert.Equal((newKey, true), (d.GetProperty("accessKeyId").GetString(), d.GetProperty("holdsCurrentKey").GetBoolean())));

        var idInGitHub = Encoding.UTF8.GetString(github.Secret(target.KeyScope, "AWS_ACCESS_KEY_ID")!.Value);
        var secretInGitHub = Encoding.UTF8.GetString(github.Secret(target.KeyScope, "AWS_SECRET_ACCESS_KEY")!.Value);
        SecretScan.RegisterSecret(secretInGitHub);
        Assert.Equal(newKey, idInGitHub);
        using var parameter = JsonDocument.Parse((await _seeder.ParameterAsync(Account, Parameter))!.Value.Value);
        Assert.Equal(newKey, parameter.RootElement.GetProperty("AccessKeyId").GetString());
        Assert.Equal(secretInGitHub, parameter.RootElement.GetProperty("SecretAccessKey").GetString());
        Assert.EndsWith($":user/{User}", await CallerWithAuthorizationAsync(idInGitHub, secretInGitHub), StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<AwsServiceException>(() => CallerWithAuthorizationAsync(idInGitHub, secretInGitHub[..^1] + (secretInGitHub[^1] == 'A' ? 'B' : 'A')));
        Assert.Equal(AwsErrorKind.InvalidCredentials, refused.Kind);
        SecretScan.RegisterSecrets(github.IssuedTokens);
        SecretScan.AssertClean("cli", [plan.Stdout, plan.Stderr, rotate.Stdout, rotate.Stderr]);
    }

    /// <summary>The CI user with one key, the GitHub App installed on the repository, its credential in moto's central Secrets Manager, and the configuration file.</summary>
    private async Task<string> ArrangeAsync(GitHubContractServer github)
    {
        github.AddRepository("example-org", "deploy", "production");
        github.InstallApp("example-org", "secrets", "environments");
        await _seeder.CreateUserAsync(Account, User);
        await _seeder.CreateAccessKeyAsync(Account, User);
        var pem = github.AppPrivateKeyPem;
        SecretScan.RegisterSecrets(pem.Split('\n').Where(l => l.Length >= 40));
        var credential = await _seeder.CreateSecretAsync(MotoSeeder.DefaultAccount, "orgkeyrotation/github", JsonSerializer.Serialize(new { appId = GitHubContractServer.AppId, privateKey = pem }));
        SecretScan.RegisterSecrets(_seeder.SecretsSeen);
        var config = new Dictionary<string, object>
        {
            ["accounts"] = new Dictionary<string, string[]> { [Account] = [User] },
            ["policy"] = new Dictionary<string, int> { ["maxKeyAgeDays"] = 0 },
            ["destinations"] = new Dictionary<string, object>
            {
                ["defaults"] = new[] { new Dictionary<string, string> { ["type"] = "ssm", ["name"] = "/orgkeyrotation/{accountId}/{userName}" } },
                ["accounts"] = new Dictionary<string, object>
                {
                    [Account] = new Dictionary<string, object>
                    {
                        ["users"] = new Dictionary<string, object>
                        {
                            [User] = new[] { new Dictionary<string, string> { ["type"] = "github", ["scope"] = "environment", ["repository"] = "example-org/deploy", ["environment"] = "production" } },
                        },
                    },
                },
            },
            ["github"] = new Dictionary<string, string> { ["apiUrl"] = github.BaseUrl.ToString(), ["credentialsSecretArn"] = credential },
        };
        var path = Path.Combine(_dir, "config.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config));
        return path;
    }

    /// <summary>GetCallerIdentity signed with the key, moto checking the signature (IAM authorization on), as AWS would.</summary>
    private async Task<string> CallerWithAuthorizationAsync(string accessKeyId, string secretAccessKey)
    {
        var sts = AwsClients.Create(new AwsOptions { Region = "us-east-1", EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials("testing", "testing") }, TimeProvider.System).Sts;
        await moto.Server.SetAuthorizationAsync(true);
        try
        {
            return (await sts.GetCallerIdentityAsync(accessKeyId, new SensitiveString(secretAccessKey), null, default)).Arn;
        }
        finally
        {
            await moto.Server.SetAuthorizationAsync(false);
        }
    }
}
