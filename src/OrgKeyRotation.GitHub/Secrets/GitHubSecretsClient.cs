using System.Text.Json;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.GitHub.Auth;
using OrgKeyRotation.GitHub.Http;
using OrgKeyRotation.GitHub.Sealing;

namespace OrgKeyRotation.GitHub.Secrets;

/// <summary>
/// GitHub Actions secrets ("REST API endpoints for GitHub Actions Secrets", https://docs.github.com/en/rest/actions/secrets):
/// GET the target's public key (reused for <see cref="GitHubOptions.PublicKeyMaxAge"/>), seal the value, PUT it with the
/// key's id: 201 when GitHub created the secret, 204 when it updated it. A secret PUT refused with 422 is sent once more
/// with a freshly fetched key when GitHub has changed the key since: GitHub does not document its answer to a key id
/// it no longer accepts, and 422 is the status it gives for key_id problems. A 401 drops the cached token and retries once.
/// </summary>
internal sealed class GitHubSecretsClient(GitHubHttp http, GitHubAuthenticator auth, GitHubOptions options, TimeProvider time) : IGitHubSecretsClient
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (PublicKey Key, DateTimeOffset FetchedAt)> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _repositoryIds = new(StringComparer.OrdinalIgnoreCase);

    public async Task<GitHubSecretWrite> PutSecretAsync(GitHubSecretTarget target, string secretName, SensitiveString value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(value);
        if (GitHubSecretNames.Problem(secretName) is { } problem)
        {
            throw new ArgumentException(problem, nameof(secretName));
        }

        try
        {
            return await PutOnceAsync(target, secretName, value, cancellationToken).ConfigureAwait(false);
        }
        catch (GitHubApiException e) when (e.Kind == GitHubErrorKind.BadCredentials)
        {
            // A cached installation token may have been revoked, or the token in the secret replaced: once more, fresh.
            auth.Refused(target);
            return await PutOnceAsync(target, secretName, value, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<GitHubSecretWrite> PutOnceAsync(GitHubSecretTarget target, string secretName, SensitiveString value, CancellationToken cancellationToken)
    {
        var (token, kind) = await auth.TokenForAsync(target, cancellationToken).ConfigureAwait(false);
        var selected = target.Visibility == GitHubSecretVisibility.Selected ? await RepositoryIdsAsync(target, token, kind, cancellationToken).ConfigureAwait(false) : null;
        var key = await PublicKeyAsync(target, token, kind, refresh: false, cancellationToken).ConfigureAwait(false);
        var call = new GitHubCall($"writing secret {secretName} of {target}", target.ToString(), target.Owner, target, kind);
        var response = await PutAsync(target, secretName, value, key, selected, token, call, cancellationToken).ConfigureAwait(false);
        if (response.Status == 422)
        {
            var fresh = await PublicKeyAsync(target, token, kind, refresh: true, cancellationToken).ConfigureAwait(false);
            if (fresh.KeyId != key.KeyId)
            {
                response = await PutAsync(target, secretName, value, fresh, selected, token, call, cancellationToken).ConfigureAwait(false);
            }
        }

        return response.Status switch
        {
            201 => GitHubSecretWrite.Created,
            204 => GitHubSecretWrite.Updated,
            _ => throw GitHubHttp.Failure(response, call, auth.SecretId),
        };
    }

    private Task<GitHubResponse> PutAsync(GitHubSecretTarget target, string secretName, SensitiveString value, PublicKey key, IReadOnlyList<long>? selected, SensitiveString token, GitHubCall call, CancellationToken cancellationToken)
    {
        var sealedValue = Convert.ToBase64String(SealedBox.Seal(value, key.Key));
        var body = new PutSecretBody(sealedValue, key.KeyId, target.Visibility?.ToString().ToLowerInvariant(), selected);
        return http.SendAsync(HttpMethod.Put, SecretsPath(target) + "/" + GitHubAuthenticator.Escape(secretName), token, JsonSerializer.SerializeToUtf8Bytes(body, GitHubJsonContext.Default.PutSecretBody), call, cancellationToken);
    }

    private async Task<PublicKey> PublicKeyAsync(GitHubSecretTarget target, SensitiveString token, GitHubCredentialKind kind, bool refresh, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!refresh && _keys.TryGetValue(target.KeyScope, out var cached) && time.GetUtcNow() - cached.FetchedAt < options.PublicKeyMaxAge)
            {
                return cached.Key;
            }
        }

        var call = new GitHubCall($"reading the secrets public key of {target}", target.ToString(), target.Owner, target, kind);
        var response = await http.SendAsync(HttpMethod.Get, SecretsPath(target) + "/public-key", token, null, call, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw GitHubHttp.Failure(response, call, auth.SecretId);
        }

        var result = GitHubHttp.Read(response, GitHubJsonContext.Default.PublicKeyResult, call);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(result.Key ?? string.Empty);
        }
        catch (FormatException)
        {
            throw GitHubErrors.Malformed(call, "the key is not Base64", response.RequestId);
        }

        if (string.IsNullOrEmpty(result.KeyId) || key.Length != SealedBox.PublicKeyLength)
        {
            throw GitHubErrors.Malformed(call, $"no key_id, or a key of {key.Length} bytes where X25519 has {SealedBox.PublicKeyLength}", response.RequestId);
        }

        var publicKey = new PublicKey(result.KeyId, key);
        lock (_gate)
        {
            _keys[target.KeyScope] = (publicKey, time.GetUtcNow());
        }

        return publicKey;
    }

    /// <summary>The ids of the organization's selected repositories (GET /repos/{org}/{name}), which the secret PUT takes.</summary>
    private async Task<IReadOnlyList<long>> RepositoryIdsAsync(GitHubSecretTarget target, SensitiveString token, GitHubCredentialKind kind, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        foreach (var repository in target.SelectedRepositories)
        {
            var fullName = target.Owner + "/" + repository;
            long? known;
            lock (_gate)
            {
                known = _repositoryIds.TryGetValue(fullName, out var id) ? id : null;
            }

            if (known is null)
            {
                var repositoryTarget = GitHubSecretTarget.ForRepository(target.Owner, repository);
                var call = new GitHubCall($"looking up repository {fullName} for the organization secret's selected repositories", "repository " + fullName, target.Owner, target, kind);
                var response = await http.SendAsync(HttpMethod.Get, RepositoryPath(repositoryTarget), token, null, call, cancellationToken).ConfigureAwait(false);
                if (response.Status != 200)
                {
                    throw GitHubHttp.Failure(response, call, auth.SecretId);
                }

                known = GitHubHttp.Read(response, GitHubJsonContext.Default.RepositoryResult, call).Id ?? throw GitHubErrors.Malformed(call, "no id", response.RequestId);
                lock (_gate)
                {
                    _repositoryIds[fullName] = known.Value;
                }
            }

            ids.Add(known.Value);
        }

        return ids;
    }

    private static string RepositoryPath(GitHubSecretTarget target) =>
        $"/repos/{GitHubAuthenticator.Escape(target.Owner)}/{GitHubAuthenticator.Escape(target.Repository!)}";

    /// <summary>The secrets collection of a target: repository, environment (its name URL-encoded, as GitHub asks) or organization.</summary>
    private static string SecretsPath(GitHubSecretTarget target) => target.Scope switch
    {
        GitHubSecretScope.Repository => RepositoryPath(target) + "/actions/secrets",
        GitHubSecretScope.Environment => RepositoryPath(target) + $"/environments/{GitHubAuthenticator.Escape(target.Environment!)}/secrets",
        _ => $"/orgs/{GitHubAuthenticator.Escape(target.Owner)}/actions/secrets",
    };

    private sealed record PublicKey(string KeyId, byte[] Key);
}
