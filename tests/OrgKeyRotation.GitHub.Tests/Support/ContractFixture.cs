using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.GitHub.Tests.Support;

/// <summary>A contract server, the adapter pointed at it with its credential in <see cref="Secrets"/>, and a fake clock both share.</summary>
internal sealed class ContractSetup : IAsyncDisposable
{
    public const string CredentialSecretId = "orgkeyrotation/github";

    private ContractSetup(GitHubContractServer server, FakeTimeProvider time)
    {
        Server = server;
        Time = time;
    }

    public GitHubContractServer Server { get; }

    public FakeTimeProvider Time { get; }

    public TestCentralSecrets Secrets { get; } = new();

    public static ContractSetup Start(SodiumOracle oracle, string pathPrefix = "")
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        return new ContractSetup(GitHubContractServer.Start(oracle, time, pathPrefix), time);
    }

    /// <summary>Stores the app's credential (its private key from the server) in the central secret.</summary>
    public void UseApp(long? installationId = null, string? privateKeyPem = null)
    {
        var pem = privateKeyPem ?? Server.AppPrivateKeyPem;
        SecretScan.RegisterSecrets(pem.Split('\n').Where(l => l.Length >= 40));
        var installation = installationId is { } id ? $",\"installationId\":{id}" : string.Empty;
        Secrets.Put(CredentialSecretId, $"{{\"appId\":\"{GitHubContractServer.AppId}\",\"privateKey\":{System.Text.Json.JsonSerializer.Serialize(pem)}{installation}}}");
    }

    public void UseToken(string token) => Secrets.Put(CredentialSecretId, $"{{\"token\":\"{token}\"}}");

    public IGitHubSecretsClient Client(TimeSpan? rateLimitBudget = null) => GitHubClients.Create(
        new GitHubOptions { BaseUrl = Server.BaseUrl, CredentialSecretId = CredentialSecretId, BaseDelay = TimeSpan.Zero, RateLimitBudget = rateLimitBudget ?? TimeSpan.FromSeconds(60) },
        Secrets,
        Time);

    /// <summary>Moves the fake clock on in steps while <paramref name="task"/> waits on it (rate-limit waits), up to two hours.</summary>
    public async Task<T> AdvanceUntilDoneAsync<T>(Task<T> task)
    {
        for (var i = 0; i < 7200 && !task.IsCompleted; i++)
        {
            await Task.WhenAny(task, Task.Delay(20));
            if (!task.IsCompleted)
            {
                Time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await task;
    }

    /// <summary>A value shaped like a key document, registered with the secret scan.</summary>
    public static SensitiveString Value()
    {
        var keyId = ("AKIA" + Guid.NewGuid().ToString("N").ToUpperInvariant())[..20];
        var value = $"{{\"AccessKeyId\":\"{keyId}\",\"SecretAccessKey\":\"{Guid.NewGuid():N}{Guid.NewGuid():N}\"}}";
        SecretScan.RegisterSecret(value);
        return new SensitiveString(value);
    }

    /// <summary>Every credential and value of the test, for the secret scan.</summary>
    public void RegisterIssuedTokens() => SecretScan.RegisterSecrets(Server.IssuedTokens);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
