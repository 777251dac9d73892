using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.GitHub;

namespace OrgKeyRotation.Bench;

/// <summary>
/// --destinations: every user gets one Parameter Store destination (SecureString, JSON, under <see cref="ParameterPrefix"/>)
/// and one GitHub repository secret pair, in a repository of its own (so one public key per user, as separate CI
/// repositories have). GitHub is the contract server of tests/OrgKeyRotation.Testing/GitHub, started here with its
/// independent sealed-box oracle (node, libsodium-wrappers), which opens every sealed value; the GitHub App's
/// credential lives in the central Secrets Manager secret. keyrot reaches GitHub through a <see cref="LatencyForwarder"/>
/// with the model's latency per call.
/// </summary>
internal sealed class BenchDestinations : IAsyncDisposable
{
    private const string ParameterPrefix = "/orgkeyrotation";
    private const string Owner = "bench-org";
    private readonly SodiumOracle _oracle;
    private readonly GitHubContractServer _github;
    private readonly LatencyForwarder _forwarder;

    private BenchDestinations(SodiumOracle oracle, GitHubContractServer github, LatencyForwarder forwarder, string credentialArn)
    {
        _oracle = oracle;
        _github = github;
        _forwarder = forwarder;
        CredentialArn = credentialArn;
    }

    public string CredentialArn { get; }

    /// <summary>Why --destinations cannot run here (the oracle is missing), or null.</summary>
    public static string? Missing => SodiumOracle.Missing;

    /// <summary>Starts the oracle and the contract server, creates each user's repository, installs the app and seeds its credential (not counted).</summary>
    public static async Task<BenchDestinations> StartAsync(Scenario scenario, Uri direct, TimeSpan latency)
    {
        var oracle = await SodiumOracle.StartAsync();
        var github = GitHubContractServer.Start(oracle, TimeProvider.System);
        foreach (var account in scenario.Accounts)
        {
            foreach (var user in scenario.Users)
            {
                github.AddRepository(Owner, Repository(account, user));
            }
        }

        var installation = github.InstallApp(Owner, "secrets");
        var credential = JsonSerializer.Serialize(new Dictionary<string, object> { ["appId"] = GitHubContractServer.AppId, ["privateKey"] = github.AppPrivateKeyPem, ["installationId"] = installation });
        var arn = await new MotoSeeder(direct).CreateSecretAsync(MotoSeeder.DefaultAccount, "orgkeyrotation/github", credential);
        return new BenchDestinations(oracle, github, await LatencyForwarder.StartAsync(github.BaseUrl, latency), arn);
    }

    /// <summary>The configuration's `destinations` and `github` members (the file form, for keyrot).</summary>
    public void AddTo(JsonObject config)
    {
        config["destinations"] = Destinations();
        config["github"] = new JsonObject { ["apiUrl"] = _forwarder.Endpoint.ToString(), ["credentialsSecretArn"] = CredentialArn };
    }

    /// <summary>The same settings in the environment form, as the central-admin Terraform module sets them on the function.</summary>
    public void AddTo(IDictionary<string, string> environment)
    {
        environment["DESTINATIONS_JSON"] = Destinations().ToJsonString();
        environment["GITHUB_API_URL"] = _forwarder.Endpoint.ToString();
        environment["GITHUB_CREDENTIALS_SECRET_ARN"] = CredentialArn;
    }

    private static JsonObject Destinations() => new()
    {
        ["defaults"] = new JsonArray(
            new JsonObject { ["type"] = "ssm", ["name"] = ParameterPrefix + "/{accountId}/{userName}" },
            new JsonObject { ["type"] = "github", ["scope"] = "repository", ["repository"] = Owner + "/deploy-{accountId}-{userName}" }),
    };

    /// <summary>
    /// GitHub requests since the server started: all, per rotated user (as the "github" service beside the AWS ones, and
    /// added to the AWS calls per user), and per user by endpoint (method and path shape).
    /// </summary>
    public void AddFigures(JsonObject run, int rotatedUsers)
    {
        var requests = _github.Requests;
        var users = Math.Max(rotatedUsers, 1);
        var byEndpoint = requests.GroupBy(Endpoint).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal);
        run["githubCalls"] = requests.Count;
        run["callsPerUserByService"]!["github"] = Math.Round((double)requests.Count / users, 2);
        run["callsPerRotatedUserWithGitHub"] = Math.Round((run["apiCalls"]!.GetValue<int>() + requests.Count) / (double)users, 2);
        run["githubCallsPerUserByEndpoint"] = new JsonObject(byEndpoint.Select(g => KeyValuePair.Create(g.Key, (JsonNode?)Math.Round((double)g.Count() / users, 3))));
    }

    /// <summary>
    /// For every user: the parameter is a SecureString holding the secret's current key document, and both GitHub
    /// secrets, as the oracle opened them, hold the same key id and secret access key. Returns the users that fail.
    /// </summary>
    public async Task<int> VerifyAsync(Scenario scenario, Uri direct)
    {
        var seeder = new MotoSeeder(direct);
        var failures = 0;
        foreach (var account in scenario.Accounts)
        {
            foreach (var user in scenario.Users)
            {
                var current = await seeder.CurrentSecretValueAsync(account, $"iam-key-rotation/{account}/{user}");
                var parameter = await seeder.ParameterAsync(account, $"{ParameterPrefix}/{account}/{user}");
                var scope = GitHubSecretTarget.ForRepository(Owner, Repository(account, user)).KeyScope;
                var idInGitHub = _github.Secret(scope, "AWS_ACCESS_KEY_ID");
                var secretInGitHub = _github.Secret(scope, "AWS_SECRET_ACCESS_KEY");
                if (current is null || parameter is not { Type: "SecureString" } || idInGitHub is null || secretInGitHub is null)
                {
                    failures++;
                    continue;
                }

                using var key = JsonDocument.Parse(current);
                using var stored = JsonDocument.Parse(parameter.Value.Value);
                var (id, secret) = (key.RootElement.GetProperty("AccessKeyId").GetString(), key.RootElement.GetProperty("SecretAccessKey").GetString());
                var holds = stored.RootElement.GetProperty("AccessKeyId").GetString() == id
                    && stored.RootElement.GetProperty("SecretAccessKey").GetString() == secret
                    && Encoding.UTF8.GetString(idInGitHub.Value) == id
                    && Encoding.UTF8.GetString(secretInGitHub.Value) == secret;
                failures += holds ? 0 : 1;
            }
        }

        return failures;
    }

    public async ValueTask DisposeAsync()
    {
        await _forwarder.DisposeAsync();
        await _github.DisposeAsync();
        await _oracle.DisposeAsync();
    }

    private static string Repository(string account, string user) => $"deploy-{account}-{user}";

    /// <summary>"GET /repos/{owner}/{repo}/actions/secrets/public-key" and the like: the request's path with names generalised.</summary>
    private static string Endpoint(ContractRequest request)
    {
        var segments = request.Path.Trim('/').Split('/');
        var shape = segments switch
        {
            ["repos", _, _, "actions", "secrets", not "public-key"] => "/repos/{owner}/{repo}/actions/secrets/{name}",
            ["repos", _, _, .. var rest] => "/repos/{owner}/{repo}" + string.Concat(rest.Select(s => "/" + s)),
            ["app", "installations", _, "access_tokens"] => "/app/installations/{id}/access_tokens",
            _ => request.Path,
        };
        return request.Method + " " + shape;
    }
}
