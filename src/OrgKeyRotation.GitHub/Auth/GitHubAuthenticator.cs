using System.Security.Cryptography;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.GitHub.Http;

namespace OrgKeyRotation.GitHub.Auth;

/// <summary>
/// The bearer credential for a target. With a fine-grained token: the token. With a GitHub App ("Authenticating as a
/// GitHub App installation", https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation):
/// the installation of the target's owner (GET /repos/{owner}/{repo}/installation or /orgs/{org}/installation, with
/// the app's JWT; or the installationId of the secret), then POST /app/installations/{id}/access_tokens, whose token
/// is reused until five minutes before its expires_at. The central secret is read once, and again after GitHub refused
/// what it held. Everything stays in memory.
/// </summary>
internal sealed class GitHubAuthenticator(GitHubHttp http, ISecretsManagerClient centralSecrets, GitHubOptions options, TimeProvider time)
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, long> _installations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, (SensitiveString Token, DateTimeOffset ExpiresAt)> _tokens = [];
    private GitHubCredential? _credential;

    public string SecretId => options.CredentialSecretId;

    /// <summary>The token to send for <paramref name="target"/>, and which kind it is (for the messages).</summary>
    public async Task<(SensitiveString Token, GitHubCredentialKind Kind)> TokenForAsync(GitHubSecretTarget target, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var credential = _credential ??= await ReadCredentialAsync(cancellationToken).ConfigureAwait(false);
            if (credential is TokenCredential pat)
            {
                return (pat.Token, GitHubCredentialKind.Token);
            }

            var app = (AppCredential)credential;
            var installation = app.InstallationId ?? await InstallationOfAsync(app, target, cancellationToken).ConfigureAwait(false);
            if (_tokens.TryGetValue(installation, out var cached) && time.GetUtcNow() < cached.ExpiresAt - RenewBefore)
            {
                return (cached.Token, GitHubCredentialKind.Installation);
            }

            var fresh = await CreateTokenAsync(app, installation, target.Owner, cancellationToken).ConfigureAwait(false);
            _tokens[installation] = fresh;
            return (fresh.Token, GitHubCredentialKind.Installation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>GitHub answered 401 to <paramref name="target"/>'s token: forget it (and a token credential, so the secret is read again).</summary>
    public void Refused(GitHubSecretTarget target)
    {
        _gate.Wait();
        try
        {
            if (_credential is TokenCredential)
            {
                _credential = null;
            }
            else if (_credential is AppCredential app && (app.InstallationId ?? (_installations.TryGetValue(target.Owner, out var id) ? id : null)) is { } installation)
            {
                _tokens.Remove(installation);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<GitHubCredential> ReadCredentialAsync(CancellationToken cancellationToken)
    {
        SecretValue? secret;
        try
        {
            secret = await centralSecrets.GetSecretValueAsync(SecretId, null, SecretStages.Current, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsException e)
        {
            throw GitHubErrors.CredentialSecret(SecretId, $"could not be read ({e.Message})", e);
        }

        if (secret is null)
        {
            throw GitHubErrors.CredentialSecret(SecretId, "does not exist or has no current value");
        }

        var (credential, problem) = GitHubCredential.Parse(secret.SecretString);
        return credential ?? throw GitHubErrors.CredentialSecret(SecretId, problem!);
    }

    private async Task<long> InstallationOfAsync(AppCredential app, GitHubSecretTarget target, CancellationToken cancellationToken)
    {
        if (_installations.TryGetValue(target.Owner, out var known))
        {
            return known;
        }

        var path = target.Scope == GitHubSecretScope.Organization
            ? $"/orgs/{Escape(target.Owner)}/installation"
            : $"/repos/{Escape(target.Owner)}/{Escape(target.Repository!)}/installation";
        var call = new GitHubCall($"looking up the GitHub App installation of {target.Owner}", target.Owner, target.Owner, target, GitHubCredentialKind.AppJwt);
        var response = await http.SendAsync(HttpMethod.Get, path, Jwt(app), null, call, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            throw GitHubErrors.InstallationNotFound(target.Owner, SecretId, response.RequestId);
        }

        if (response.Status != 200)
        {
            throw GitHubHttp.Failure(response, call, SecretId);
        }

        var id = GitHubHttp.Read(response, Http.GitHubJsonContext.Default.InstallationResult, call).Id
            ?? throw GitHubErrors.Malformed(call, "no id", response.RequestId);
        _installations[target.Owner] = id;
        return id;
    }

    private async Task<(SensitiveString Token, DateTimeOffset ExpiresAt)> CreateTokenAsync(AppCredential app, long installation, string owner, CancellationToken cancellationToken)
    {
        var call = new GitHubCall($"creating an installation token (installation {installation})", $"installation {installation}", owner, null, GitHubCredentialKind.AppJwt);
        var response = await http.SendAsync(HttpMethod.Post, $"/app/installations/{installation}/access_tokens", Jwt(app), null, call, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            if (response.Status == 404)
            {
                _installations.Remove(owner);
            }

            throw GitHubHttp.Failure(response, call, SecretId);
        }

        var result = GitHubHttp.Read(response, Http.GitHubJsonContext.Default.AccessTokenResult, call);
        return string.IsNullOrEmpty(result.Token) || result.ExpiresAt is not { } expiresAt
            ? throw GitHubErrors.Malformed(call, "no token or expires_at", response.RequestId)
            : (new SensitiveString(result.Token), expiresAt);
    }

    private SensitiveString Jwt(AppCredential app)
    {
        try
        {
            return AppJwt.Create(app.AppId, app.PrivateKeyPem, time.GetUtcNow());
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // The exception's own text is dropped: it may describe the key material.
            throw GitHubErrors.CredentialSecret(SecretId, "has a \"privateKey\" that is not a PEM RSA private key (-----BEGIN RSA PRIVATE KEY----- as GitHub issues it, or PKCS#8)");
        }
    }

    internal static string Escape(string segment) => Uri.EscapeDataString(segment);
}
