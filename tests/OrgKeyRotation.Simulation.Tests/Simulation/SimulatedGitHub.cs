using System.Text;
using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.GitHub;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.GitHub;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>
/// GitHub in a run: the contract server (tests/OrgKeyRotation.Testing/GitHub), whose independent sealed-box oracle
/// opens every value the engine writes; an organization with a repository for each user whose consumer reads GitHub
/// (<see cref="Scenario.ReadFromGitHub"/>); and the GitHub App the engine writes with, installed on the organization, its
/// credential (with the installationId) in the central Secrets Manager secret that github.credentialsSecretArn names.
/// The server and the engine's GitHub client run on the real clock, as the hosts give the GitHub client the AWS
/// layer's clock (HostComposition.GitHubFor): installation tokens and the app's JWT are timed in real time.
/// </summary>
internal sealed class SimulatedGitHub : IAsyncDisposable
{
    public const string Owner = "sim-org";
    private const string Permission = "secrets";
    private readonly GitHubContractServer _server;
    private readonly long _installation;

    private SimulatedGitHub(GitHubContractServer server, long installation, GitHubConfig config)
    {
        _server = server;
        _installation = installation;
        Config = config;
    }

    /// <summary>The configuration's <c>github</c> member.</summary>
    public GitHubConfig Config { get; }

    /// <summary>The GitHub destination of a user that reads GitHub: its repository's two secrets, under their default names.</summary>
    public static DestinationConfig Destination { get; } = new GitHubDestinationConfig(GitHubSecretScope.Repository, Repository: Owner + "/" + DestinationConfig.UserNamePlaceholder);

    /// <summary>Requests the server answered, by method and the path's last segment ("PUT AWS_ACCESS_KEY_ID", "GET public-key").</summary>
    public IReadOnlyDictionary<string, int> Calls =>
        _server.Requests.GroupBy(r => $"{r.Method} {r.Path[(r.Path.LastIndexOf('/') + 1)..]}").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>
    /// Starts the server with a repository for each of <paramref name="users"/> and installs the app, with the secrets
    /// permission unless <paramref name="withoutSecretsPermission"/>; seeds the app's credential in the central account.
    /// </summary>
    public static async Task<SimulatedGitHub> StartAsync(SodiumOracle oracle, IEnumerable<string> users, bool withoutSecretsPermission, ISecretsManagerClient centralSecrets, CancellationToken cancellationToken)
    {
        var server = GitHubContractServer.Start(oracle, TimeProvider.System);
        try
        {
            foreach (var user in users)
            {
                server.AddRepository(Owner, user);
            }

            var installation = withoutSecretsPermission ? server.InstallApp(Owner) : server.InstallApp(Owner, Permission);
            var pem = server.AppPrivateKeyPem;
            SecretScan.RegisterSecrets(pem.Split('\n').Where(l => l.Length >= 40));
            var credential = JsonSerializer.Serialize(new { appId = GitHubContractServer.AppId, privateKey = pem, installationId = installation });
            var arn = await centralSecrets.CreateSecretAsync(new CreateSecretRequest("orgkeyrotation/github", "The GitHub App of the github destinations", null, new Dictionary<string, string>(), SecretString: new SensitiveString(credential)), cancellationToken);
            return new SimulatedGitHub(server, installation, new GitHubConfig { ApiUrl = server.BaseUrl.ToString(), CredentialsSecretArn = arn });
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>What makes the engine's GitHub client of one sweep, as HostComposition.GitHubFor does, over <paramref name="handler"/>.</summary>
    public Func<IGitHubSecretsClient> ClientFactory(ISecretsManagerClient centralSecrets, Func<HttpMessageHandler> handler)
    {
        var options = new GitHubOptions { BaseUrl = new Uri(Config.ApiUrl), CredentialSecretId = Config.CredentialsSecretArn!, InnerHandlerFactory = handler };
        return () => GitHubClients.Create(options, centralSecrets, TimeProvider.System);
    }

    /// <summary>The organization's owner approves the app's request for the secrets permission.</summary>
    public void GrantSecretsPermission() => _server.Grant(_installation, Permission);

    /// <summary>The secrets of <paramref name="user"/>'s repository, as its workflow runs get them.</summary>
    public IKeyDestination SecretsOf(SimulatedUser user) => new RepositorySecrets(_server, GitHubSecretTarget.ForRepository(Owner, user.UserName).KeyScope);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>
    /// GitHub has no API that returns a secret's value: a workflow run is handed the plaintext. The server keeps what
    /// its oracle opened when the engine wrote each value, so a sealed box goes through node once per write, never
    /// per read: a 180-day run with two CI runs a day reads 360 times and writes a few.
    /// </summary>
    private sealed class RepositorySecrets(GitHubContractServer server, string keyScope) : IKeyDestination
    {
        public Task<HeldKey?> ReadAsync(CancellationToken cancellationToken)
        {
            var id = server.Secret(keyScope, GitHubDestinationConfig.DefaultAccessKeyIdName);
            var secret = server.Secret(keyScope, GitHubDestinationConfig.DefaultSecretAccessKeyName);
            if (id is null || secret is null)
            {
                // Not written yet (before the user's first rotation).
                return Task.FromResult<HeldKey?>(null);
            }

            var secretAccessKey = Encoding.UTF8.GetString(secret.Value);
            SecretScan.RegisterSecret(secretAccessKey);
            return Task.FromResult<HeldKey?>(new HeldKey(Encoding.UTF8.GetString(id.Value), new SensitiveString(secretAccessKey)));
        }
    }
}
