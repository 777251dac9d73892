using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrgKeyRotation.Testing.GitHub;

/// <summary>One request as the server received it (the Authorization header is kept only as which credential it was).</summary>
public sealed record ContractRequest(string Method, string Path, string? Accept, string? ApiVersion, string? UserAgent, string Credential);

/// <summary>A secret as GitHub would hold it, opened by the oracle for the test to compare.</summary>
public sealed record StoredSecret(byte[] Value, string KeyId, string? Visibility, IReadOnlyList<long> SelectedRepositoryIds, int Writes);

/// <summary>
/// A stand-in for the GitHub REST API on a free loopback port, written from GitHub's documentation for exactly the
/// endpoints the adapter calls; it is a contract, not an emulator (docs/emulator-limits.md says what it leaves out).
/// <list type="bullet">
/// <item>Authentication ("Authenticating as a GitHub App installation", "Generating a JSON Web Token (JWT) for a GitHub
/// App"): the app endpoints take only an RS256 JWT whose signature verifies with the app's public key, whose iss is the
/// app, whose iat is not in the future and whose exp is at most 10 minutes ahead; installation tokens expire after one
/// hour; every other endpoint takes an unexpired installation token or a registered fine-grained token. 401 "Bad
/// credentials" otherwise.</item>
/// <item>GET /repos/{o}/{r}/installation, GET /orgs/{org}/installation, POST /app/installations/{id}/access_tokens (201).</item>
/// <item>"REST API endpoints for GitHub Actions Secrets" (https://docs.github.com/en/rest/actions/secrets): the
/// repository, environment and organization public keys (X25519 pairs the oracle makes) and secret PUTs: 201 on
/// create, 204 on update, 422 for a missing or unknown key_id, a box that does not open, a bad name or visibility,
/// repository ids that are not the organization's; 403 "Resource not accessible by integration" without the
/// permission; 404 for what the credential cannot see. Every box is opened with <see cref="SodiumOracle"/>.</item>
/// <item>GET /repos/{o}/{r} for repository ids; requests without a User-Agent get 403, an unknown
/// X-GitHub-Api-Version 400 ("Troubleshooting the REST API", "API Versions").</item>
/// <item>Injected answers for rate limits ("Rate limits for the REST API": 403/429 with retry-after or
/// x-ratelimit-remaining 0 and x-ratelimit-reset) and 5xx.</item>
/// </list>
/// </summary>
public sealed class GitHubContractServer : IAsyncDisposable
{
    public const string AppId = "Iv1.contract0000001";
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);
    private readonly SodiumOracle _oracle;
    private readonly TimeProvider _time;
    private readonly string _prefix;
    private readonly Lock _gate = new();
    private readonly RSA _appKey = RSA.Create(2048);
    private readonly Dictionary<long, Installation> _installations = [];
    private readonly Dictionary<string, (long Installation, DateTimeOffset ExpiresAt)> _installationTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Installation> _personalTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _environments = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _organizations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<KeyPair>> _publicKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredSecret> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ContractRequest> _requests = new();
    private readonly ConcurrentQueue<Func<ContractRequest, Answer?>> _injected = new();
    private readonly LoopbackHttpServer _server;
    private long _nextId = 1000;

    private GitHubContractServer(string prefix, SodiumOracle oracle, TimeProvider time)
    {
        _oracle = oracle;
        _time = time;
        _prefix = prefix;
        _server = LoopbackHttpServer.Start(ServeAsync);
        BaseUrl = new Uri($"http://{_server.Address}{prefix}");
    }

    /// <summary>The REST API root, with the /api/v3 path of GitHub Enterprise Server when started with it.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The app's private key as GitHub issues it (PKCS#1 PEM).</summary>
    public string AppPrivateKeyPem => _appKey.ExportRSAPrivateKeyPem();

    public IReadOnlyList<ContractRequest> Requests => [.. _requests];

    /// <summary>Every installation token the server handed out (the secret scan's list).</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _installationTokens.Keys];
            }
        }
    }

    public static GitHubContractServer Start(SodiumOracle oracle, TimeProvider time, string pathPrefix = "") =>
        new(pathPrefix, oracle, time);

    /// <summary>Installs the app on <paramref name="owner"/> with the given permissions (secrets, environments, organization_secrets, metadata).</summary>
    public long InstallApp(string owner, params string[] permissions)
    {
        lock (_gate)
        {
            var id = ++_nextId;
            _installations[id] = new Installation(owner, [.. permissions]);
            return id;
        }
    }

    /// <summary>
    /// The owner approves more permissions for <paramref name="installation"/> (an app's permission request, accepted).
    /// The server looks the permissions up at each request, so tokens issued before have them too; GitHub fixes a
    /// token's permissions when it issues it, so a test that relies on the difference needs a new token.
    /// </summary>
    public void Grant(long installation, params string[] permissions)
    {
        lock (_gate)
        {
            var installed = _installations[installation];
            _installations[installation] = installed with { Permissions = [.. installed.Permissions, .. permissions] };
        }
    }

    /// <summary>Registers a fine-grained token whose resource owner is <paramref name="owner"/>.</summary>
    public string IssuePersonalToken(string owner, params string[] permissions)
    {
        var token = "github_pat_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(30));
        lock (_gate)
        {
            _personalTokens[token] = new Installation(owner, [.. permissions]);
        }

        return token;
    }

    public long AddRepository(string owner, string repository, params string[] environments)
    {
        lock (_gate)
        {
            var id = ++_nextId;
            _repositories[owner + "/" + repository] = id;
            foreach (var environment in environments)
            {
                _environments.Add($"{owner}/{repository}:{environment}");
            }

            return id;
        }
    }

    public void AddOrganization(string organization)
    {
        lock (_gate)
        {
            _organizations.Add(organization);
        }
    }

    /// <summary>GitHub replaces a public key: the old key id stops being accepted.</summary>
    public async Task RotatePublicKeyAsync(string keyScope)
    {
        var pair = await NewKeyPairAsync();
        lock (_gate)
        {
            _publicKeys[keyScope] = [pair];
        }
    }

    /// <summary>The next request matching <paramref name="match"/> gets this answer instead (each injection answers once, in order).</summary>
    public void Inject(Func<ContractRequest, bool> match, int status, string body = "", IReadOnlyDictionary<string, string>? headers = null) =>
        _injected.Enqueue(request => match(request) ? new Answer(status, body, headers ?? new Dictionary<string, string>()) : null);

    public StoredSecret? Secret(string keyScope, string name)
    {
        lock (_gate)
        {
            return _secrets.GetValueOrDefault(keyScope + "#" + name.ToUpperInvariant());
        }
    }

    public int Count(string method, string pathSuffix) =>
        _requests.Count(r => r.Method == method && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _appKey.Dispose();
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var answer = await AnswerAsync(context.Request, body);
            response.StatusCode = answer.Status;
            response.Headers["x-github-request-id"] = "C0DE:" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
            foreach (var (name, value) in answer.Headers)
            {
                response.Headers[name] = value;
            }

            if (answer.Body.Length > 0)
            {
                response.ContentType = "application/json; charset=utf-8";
                var bytes = Encoding.UTF8.GetBytes(answer.Body);
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // The client went away mid-request.
            }
        }
    }

    private async Task<Answer> AnswerAsync(HttpListenerRequest http, string body)
    {
        var rawPath = (http.RawUrl ?? "/").Split('?')[0];
        if (!rawPath.StartsWith(_prefix + "/", StringComparison.Ordinal))
        {
            return Message(404, "Not Found");
        }

        var segments = rawPath[_prefix.Length..].Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var bearer = http.Headers["Authorization"] is { } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        // Every credential and sealed value that reaches the server joins the suite's secret scan.
        OrgKeyRotation.Testing.SecretScan.RegisterSecret(bearer);
        var request = new ContractRequest(http.HttpMethod, "/" + string.Join('/', segments), http.Headers["Accept"], http.Headers["X-GitHub-Api-Version"], http.Headers["User-Agent"], CredentialKind(bearer));
        _requests.Enqueue(request);

        if (string.IsNullOrEmpty(request.UserAgent))
        {
            return Message(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).");
        }

        if (request.ApiVersion is not null && request.ApiVersion != "2022-11-28" && request.ApiVersion != "2026-03-10")
        {
            return Message(400, $"API version '{request.ApiVersion}' is not supported.");
        }

        var injectedCount = _injected.Count;
        for (var i = 0; i < injectedCount && _injected.TryDequeue(out var injected); i++)
        {
            if (injected(request) is { } answer)
            {
                return answer;
            }

            _injected.Enqueue(injected);
        }

        return segments switch
        {
            ["app", "installations", var id, "access_tokens"] when http.HttpMethod == "POST" => WithJwt(bearer, () => CreateToken(id)),
            ["repos", var owner, var repo, "installation"] when http.HttpMethod == "GET" => WithJwt(bearer, () => InstallationOf(owner, owner + "/" + repo)),
            ["orgs", var org, "installation"] when http.HttpMethod == "GET" => WithJwt(bearer, () => InstallationOf(org, null)),
            ["repos", var owner, var repo] when http.HttpMethod == "GET" => WithToken(bearer, owner, "metadata", () => Repository(owner, repo)),
            ["repos", var owner, var repo, "actions", "secrets", "public-key"] when http.HttpMethod == "GET" =>
                await WithTokenAsync(bearer, owner, "secrets", () => PublicKeyAsync(RepoExists(owner, repo), $"repo:{owner}/{repo}".ToLowerInvariant())),
            ["repos", var owner, var repo, "environments", var env, "secrets", "public-key"] when http.HttpMethod == "GET" =>
                await WithTokenAsync(bearer, owner, "environments", () => PublicKeyAsync(EnvironmentExists(owner, repo, env), $"env:{owner}/{repo}:".ToLowerInvariant() + env), "secrets"),
            ["orgs", var org, "actions", "secrets", "public-key"] when http.HttpMethod == "GET" =>
                await WithTokenAsync(bearer, org, "organization_secrets", () => PublicKeyAsync(OrganizationExists(org), $"org:{org}".ToLowerInvariant())),
            ["repos", var owner, var repo, "actions", "secrets", var name] when http.HttpMethod == "PUT" =>
                await WithTokenAsync(bearer, owner, "secrets", () => PutSecretAsync(RepoExists(owner, repo), $"repo:{owner}/{repo}".ToLowerInvariant(), name, body, null)),
            ["repos", var owner, var repo, "environments", var env, "secrets", var name] when http.HttpMethod == "PUT" =>
                await WithTokenAsync(bearer, owner, "environments", () => PutSecretAsync(EnvironmentExists(owner, repo, env), $"env:{owner}/{repo}:".ToLowerInvariant() + env, name, body, null), "secrets"),
            ["orgs", var org, "actions", "secrets", var name] when http.HttpMethod == "PUT" =>
                await WithTokenAsync(bearer, org, "organization_secrets", () => PutSecretAsync(OrganizationExists(org), $"org:{org}".ToLowerInvariant(), name, body, org)),
            _ => Message(404, "Not Found"),
        };
    }

    private string CredentialKind(string? bearer)
    {
        lock (_gate)
        {
            return bearer is null ? "none"
                : _installationTokens.ContainsKey(bearer) ? "installation"
                : _personalTokens.ContainsKey(bearer) ? "pat"
                : bearer.Count(c => c == '.') == 2 ? "jwt"
                : "unknown";
        }
    }

    private Answer WithJwt(string? bearer, Func<Answer> action)
    {
        var problem = JwtProblem(bearer);
        return problem is null ? action() : Message(401, problem);
    }

    /// <summary>What is wrong with the JWT, worded as GitHub answers, or null when it is valid for the app.</summary>
    private string? JwtProblem(string? jwt)
    {
        var parts = jwt?.Split('.') ?? [];
        if (parts.Length != 3)
        {
            return "A JSON web token could not be decoded";
        }

        JsonObject header;
        JsonObject claims;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
            claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return "A JSON web token could not be decoded";
        }

        if ((string?)header["alg"] != "RS256"
            || !_appKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "A JSON web token could not be decoded";
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if ((string?)claims["iss"] != AppId)
        {
            return "'Issuer' claim ('iss') must be an Integer or a Client ID of a GitHub App";
        }

        if (claims["iat"] is not JsonValue iatValue || !iatValue.TryGetValue<long>(out var iat) || iat > now)
        {
            return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
        }

        if (claims["exp"] is not JsonValue expValue || !expValue.TryGetValue<long>(out var exp) || exp <= now)
        {
            return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
        }

        return exp > now + 600 ? "'Expiration time' claim ('exp') is too far in the future" : null;
    }

    private Answer WithToken(string? bearer, string owner, string permission, Func<Answer> action) =>
        WithTokenAsync(bearer, owner, permission, () => Task.FromResult(action())).GetAwaiter().GetResult();

    /// <summary>A valid installation token or fine-grained token of <paramref name="owner"/>, with the permissions; else 401, 404 or 403.</summary>
    private async Task<Answer> WithTokenAsync(string? bearer, string owner, string permission, Func<Task<Answer>> action, string? alsoNeeded = null)
    {
        Installation? grant;
        lock (_gate)
        {
            grant = bearer is not null && _installationTokens.TryGetValue(bearer, out var issued) && _time.GetUtcNow() < issued.ExpiresAt
                ? _installations.GetValueOrDefault(issued.Installation)
                : bearer is not null ? _personalTokens.GetValueOrDefault(bearer) : null;
        }

        if (grant is null)
        {
            return Message(401, "Bad credentials");
        }

        // A credential never sees another account's resources: GitHub answers 404, not 403, to hide them.
        if (!string.Equals(grant.Owner, owner, StringComparison.OrdinalIgnoreCase))
        {
            return Message(404, "Not Found");
        }

        if (permission != "metadata" && (!grant.Permissions.Contains(permission) || (alsoNeeded is not null && !grant.Permissions.Contains(alsoNeeded))))
        {
            return Message(403, "Resource not accessible by integration");
        }

        return await action();
    }

    private Answer CreateToken(string installationId)
    {
        lock (_gate)
        {
            if (!long.TryParse(installationId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !_installations.ContainsKey(id))
            {
                return Message(404, "Not Found");
            }

            var token = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18));
            var expiresAt = _time.GetUtcNow().Add(TokenLifetime);
            _installationTokens[token] = (id, expiresAt);
            return Json(201, new JsonObject { ["token"] = token, ["expires_at"] = expiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), ["permissions"] = new JsonObject(), ["repository_selection"] = "all" });
        }
    }

    private Answer InstallationOf(string owner, string? repository)
    {
        lock (_gate)
        {
            var exists = repository is null ? _organizations.Contains(owner) : _repositories.ContainsKey(repository);
            var installation = _installations.FirstOrDefault(i => string.Equals(i.Value.Owner, owner, StringComparison.OrdinalIgnoreCase));
            return exists && installation.Value is not null
                ? Json(200, new JsonObject { ["id"] = installation.Key, ["account"] = new JsonObject { ["login"] = owner } })
                : Message(404, "Not Found");
        }
    }

    private Answer Repository(string owner, string repository)
    {
        lock (_gate)
        {
            return _repositories.TryGetValue(owner + "/" + repository, out var id)
                ? Json(200, new JsonObject { ["id"] = id, ["name"] = repository, ["full_name"] = owner + "/" + repository })
                : Message(404, "Not Found");
        }
    }

    private bool RepoExists(string owner, string repository)
    {
        lock (_gate)
        {
            return _repositories.ContainsKey(owner + "/" + repository);
        }
    }

    private bool EnvironmentExists(string owner, string repository, string environment)
    {
        lock (_gate)
        {
            return _environments.Contains($"{owner}/{repository}:{environment}");
        }
    }

    private bool OrganizationExists(string organization)
    {
        lock (_gate)
        {
            return _organizations.Contains(organization);
        }
    }

    private async Task<Answer> PublicKeyAsync(bool exists, string keyScope)
    {
        if (!exists)
        {
            return Message(404, "Not Found");
        }

        var pair = await CurrentKeyAsync(keyScope);
        return Json(200, new JsonObject { ["key_id"] = pair.KeyId, ["key"] = pair.PublicKey });
    }

    private async Task<Answer> PutSecretAsync(bool exists, string keyScope, string name, string body, string? organization)
    {
        if (!exists)
        {
            return Message(404, "Not Found");
        }

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body)!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            return Message(400, "Problems parsing JSON");
        }

        if (OrgKeyRotation.Core.Model.GitHubSecretNames.Problem(name) is not null)
        {
            return Message(422, "Invalid request.\n\nSecret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_).");
        }

        var keyId = (string?)request["key_id"];
        var sealedValue = (string?)request["encrypted_value"];
        if (keyId is null)
        {
            return Message(422, "Invalid request.\n\n\"key_id\" wasn't supplied.");
        }

        if (sealedValue is null)
        {
            return Message(422, "Invalid request.\n\n\"encrypted_value\" wasn't supplied.");
        }

        var visibility = (string?)request["visibility"];
        var selected = request["selected_repository_ids"]?.AsArray().Select(n => n!.GetValue<long>()).ToList() ?? [];
        if (organization is not null)
        {
            if (visibility is not ("all" or "private" or "selected"))
            {
                return Message(422, "Invalid request.\n\n\"visibility\" must be one of all, private, selected.");
            }

            if (visibility != "selected" && selected.Count > 0)
            {
                return Message(422, "Invalid request.\n\nselected_repository_ids can only be provided when visibility is selected.");
            }

            lock (_gate)
            {
                var ids = _repositories.Where(r => r.Key.StartsWith(organization + "/", StringComparison.OrdinalIgnoreCase)).Select(r => r.Value).ToHashSet();
                if (!selected.All(ids.Contains))
                {
                    return Message(422, "Invalid request.\n\nselected_repository_ids contains a repository that is not in the organization.");
                }
            }
        }

        var pair = await CurrentKeyAsync(keyScope);
        if (pair.KeyId != keyId)
        {
            return Message(422, "Invalid request.\n\n\"key_id\" is not the current public key of this resource.");
        }

        OrgKeyRotation.Testing.SecretScan.RegisterSecret(sealedValue);
        var opened = await _oracle.OpenAsync(sealedValue, pair.PublicKey, pair.PrivateKey);
        if (opened is null)
        {
            return Message(422, "Invalid request.\n\n\"encrypted_value\" could not be decrypted.");
        }

        lock (_gate)
        {
            var key = keyScope + "#" + name.ToUpperInvariant();
            var existing = _secrets.GetValueOrDefault(key);
            _secrets[key] = new StoredSecret(opened, keyId, visibility, selected, (existing?.Writes ?? 0) + 1);
            return existing is null ? Json(201, new JsonObject()) : new Answer(204, string.Empty, new Dictionary<string, string>());
        }
    }

    private async Task<KeyPair> CurrentKeyAsync(string keyScope)
    {
        lock (_gate)
        {
            if (_publicKeys.TryGetValue(keyScope, out var pairs))
            {
                return pairs[^1];
            }
        }

        var pair = await NewKeyPairAsync();
        lock (_gate)
        {
            if (!_publicKeys.TryGetValue(keyScope, out var pairs))
            {
                _publicKeys[keyScope] = pairs = [pair];
            }

            return pairs[^1];
        }
    }

    private async Task<KeyPair> NewKeyPairAsync()
    {
        var (publicKey, privateKey) = await _oracle.KeyPairAsync();
        return new KeyPair(Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture) + "568250167242549743", publicKey, privateKey);
    }

    private static Answer Message(int status, string message) =>
        Json(status, new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest", ["status"] = status.ToString(CultureInfo.InvariantCulture) });

    private static Answer Json(int status, JsonObject body) => new(status, body.ToJsonString(), new Dictionary<string, string>());

    private sealed record Installation(string Owner, HashSet<string> Permissions);

    private sealed record KeyPair(string KeyId, string PublicKey, string PrivateKey);

    private sealed record Answer(int Status, string Body, IReadOnlyDictionary<string, string> Headers);
}
