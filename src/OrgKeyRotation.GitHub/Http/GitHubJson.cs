using System.Text.Json.Serialization;

namespace OrgKeyRotation.GitHub.Http;

// Wire shapes of the GitHub REST API endpoints the adapter calls (snake_case, as GitHub documents them).

/// <summary>GET .../actions/secrets/public-key: the Base64 X25519 key and its id.</summary>
internal sealed record PublicKeyResult(string? KeyId, string? Key);

/// <summary>PUT .../actions/secrets/{name}. Visibility and repository ids for organization secrets only.</summary>
internal sealed record PutSecretBody(string EncryptedValue, string KeyId, string? Visibility, IReadOnlyList<long>? SelectedRepositoryIds);

/// <summary>GET /repos/{owner}/{repo}/installation and /orgs/{org}/installation.</summary>
internal sealed record InstallationResult(long? Id);

/// <summary>POST /app/installations/{id}/access_tokens.</summary>
internal sealed record AccessTokenResult(string? Token, DateTimeOffset? ExpiresAt);

/// <summary>GET /repos/{owner}/{repo}: only the id, to name a repository of an organization secret.</summary>
internal sealed record RepositoryResult(long? Id);

/// <summary>GitHub's error body.</summary>
internal sealed record ErrorResult(string? Message);

/// <summary>Source-generated (Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PublicKeyResult))]
[JsonSerializable(typeof(PutSecretBody))]
[JsonSerializable(typeof(InstallationResult))]
[JsonSerializable(typeof(AccessTokenResult))]
[JsonSerializable(typeof(RepositoryResult))]
[JsonSerializable(typeof(ErrorResult))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;
