using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.GitHub.Auth;
using OrgKeyRotation.GitHub.Http;
using OrgKeyRotation.GitHub.Secrets;

namespace OrgKeyRotation.GitHub;

/// <summary>Entry point of the GitHub adapter.</summary>
public static class GitHubClients
{
    /// <summary>
    /// Builds the GitHub Actions secrets client. <paramref name="centralSecrets"/> reads the credential secret (the
    /// central account's Secrets Manager, host credentials); it is read on the first write, not here. Throws
    /// <see cref="ArgumentException"/> for invalid options.
    /// </summary>
    public static IGitHubSecretsClient Create(GitHubOptions options, ISecretsManagerClient centralSecrets, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(centralSecrets);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        var handler = options.InnerHandlerFactory?.Invoke() ?? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var http = new GitHubHttp(options, handler, timeProvider);
        return new GitHubSecretsClient(http, new GitHubAuthenticator(http, centralSecrets, options, timeProvider), options, timeProvider);
    }
}
