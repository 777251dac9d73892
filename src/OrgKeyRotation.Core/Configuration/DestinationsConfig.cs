using System.Security.Cryptography;
using System.Text;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// Where new keys go besides the users' secrets (setting <c>destinations</c>): for every rotated user, for every user
/// of one account, and for one user. Central configuration only: a destination is a trust decision, so nothing in a
/// member account (a tag) can name one.
/// </summary>
public sealed record DestinationsConfig
{
    /// <summary>
    /// The most destinations one user may have. Each holds a record on the user's secret, and Secrets Manager allows
    /// 50 tags per secret, of which the rotator's other records use up to 7.
    /// </summary>
    public const int MaxPerUser = 10;

    /// <summary>Every rotated user's destinations.</summary>
    public IReadOnlyList<DestinationConfig> Defaults { get; init; } = [];

    /// <summary>By account id: the destinations of its users.</summary>
    public IReadOnlyDictionary<string, AccountDestinations> Accounts { get; init; } = new Dictionary<string, AccountDestinations>(StringComparer.Ordinal);

    public bool IsEmpty => Defaults.Count == 0 && Accounts.Count == 0;

    /// <summary>Whether any destination is a GitHub one (then the GitHub credential is needed).</summary>
    public bool HasGitHub => All.Any(d => d is GitHubDestinationConfig);

    /// <summary>Every configured destination, wherever it is configured.</summary>
    public IEnumerable<DestinationConfig> All =>
        Defaults.Concat(Accounts.Values.SelectMany(a => a.Defaults.Concat(a.Users.Values.SelectMany(u => u))));

    /// <summary>
    /// The user's destinations: every user's, then the account's, then the user's own (IAM user names compared without
    /// case), resolved for the user, each place once, in that order.
    /// </summary>
    public IReadOnlyList<KeyDestination> For(string accountId, string userName)
    {
        var configured = Defaults.AsEnumerable();
        if (Accounts.TryGetValue(accountId, out var account))
        {
            configured = configured.Concat(account.Defaults).Concat(account.UsersOf(userName));
        }

        return configured.Select(d => d.Resolve(accountId, userName)).DistinctBy(d => d.Id, StringComparer.Ordinal).ToList();
    }
}

/// <summary>The destinations of one account's users: all of them, and single users by name.</summary>
public sealed record AccountDestinations
{
    public IReadOnlyList<DestinationConfig> Defaults { get; init; } = [];

    /// <summary>By IAM user name (compared without case, as IAM does).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DestinationConfig>> Users { get; init; } = new Dictionary<string, IReadOnlyList<DestinationConfig>>(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<DestinationConfig> UsersOf(string userName) =>
        Users.Where(u => string.Equals(u.Key, userName, StringComparison.OrdinalIgnoreCase)).SelectMany(u => u.Value);
}

/// <summary>
/// One destination as configured: its names may hold the templates <c>{accountId}</c> and <c>{userName}</c>, filled in
/// for each user by <see cref="Resolve"/>.
/// </summary>
public abstract record DestinationConfig
{
    public const string AccountIdPlaceholder = "{accountId}";
    public const string UserNamePlaceholder = "{userName}";

    /// <summary>
    /// The destination for one user. A template that makes no valid place for this user gives an
    /// <see cref="UnusableDestination"/> saying why, never an exception.
    /// </summary>
    public KeyDestination Resolve(string accountId, string userName)
    {
        string Fill(string template) => template.Replace(AccountIdPlaceholder, accountId, StringComparison.Ordinal).Replace(UserNamePlaceholder, userName, StringComparison.Ordinal);
        var (identity, name) = Describe(Fill);
        var id = IdOf(identity);
        try
        {
            if (Fields().Select(Fill).FirstOrDefault(f => f.Contains('{', StringComparison.Ordinal) || f.Contains('}', StringComparison.Ordinal)) is { } unknown)
            {
                return new UnusableDestination(id, name, $"'{unknown}' holds a placeholder other than {AccountIdPlaceholder} and {UserNamePlaceholder}");
            }

            return Build(id, name, Fill);
        }
        catch (ArgumentException e)
        {
            return new UnusableDestination(id, name, e.Message);
        }
    }

    /// <summary>The first 10 hexadecimal digits of the SHA-256 of the place's canonical form.</summary>
    private static string IdOf(string identity)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity), hash);
        return Convert.ToHexStringLower(hash[..5]);
    }

    /// <summary>The canonical form of the place (what makes two destinations the same one) and its name for people.</summary>
    private protected abstract (string Identity, string Name) Describe(Func<string, string> fill);

    /// <summary>Every templated text of the destination.</summary>
    private protected abstract IEnumerable<string> Fields();

    /// <summary>The resolved destination; throws <see cref="ArgumentException"/> for a place the target models refuse.</summary>
    private protected abstract KeyDestination Build(string id, string name, Func<string, string> fill);
}

public enum ParameterFormat
{
    /// <summary>One parameter holding the JSON key document, the same as the secret's value.</summary>
    Json,
    /// <summary>Two parameters: <c>NAME/access-key-id</c> and <c>NAME/secret-access-key</c>.</summary>
    Pair,
}

/// <summary>A SecureString in Parameter Store, in the user's account. <see cref="KmsKeyId"/> null: the account's aws/ssm key.</summary>
public sealed record SsmDestinationConfig(string Name, ParameterFormat Format = ParameterFormat.Json, string? KmsKeyId = null) : DestinationConfig
{
    public const string AccessKeyIdSuffix = "/access-key-id";
    public const string SecretAccessKeySuffix = "/secret-access-key";

    private protected override (string Identity, string Name) Describe(Func<string, string> fill)
    {
        var name = fill(Name);
        return Format == ParameterFormat.Json ? ($"ssm|json|{name}", $"ssm:{name}") : ($"ssm|pair|{name}", $"ssm:{name}{{{AccessKeyIdSuffix},{SecretAccessKeySuffix}}}");
    }

    private protected override IEnumerable<string> Fields() => [Name];

    private protected override KeyDestination Build(string id, string name, Func<string, string> fill)
    {
        var parameter = fill(Name);
        var target = Format == ParameterFormat.Json
            ? ParameterStoreTarget.Json(parameter, KmsKeyId)
            : ParameterStoreTarget.Pair(parameter + AccessKeyIdSuffix, parameter + SecretAccessKeySuffix, KmsKeyId);
        return new ParameterDestination(id, name, target);
    }
}

/// <summary>
/// Two GitHub Actions secrets of a repository (<see cref="Repository"/> "owner/repo"), one of its environments, or an
/// organization (with its <see cref="Visibility"/> and, for Selected, the repositories that may read them).
/// </summary>
public sealed record GitHubDestinationConfig(
    GitHubSecretScope Scope,
    string? Repository = null,
    string? Environment = null,
    string? Organization = null,
    GitHubSecretVisibility? Visibility = null,
    IReadOnlyList<string>? SelectedRepositories = null,
    string AccessKeyIdName = GitHubDestinationConfig.DefaultAccessKeyIdName,
    string SecretAccessKeyName = GitHubDestinationConfig.DefaultSecretAccessKeyName) : DestinationConfig
{
    public const string DefaultAccessKeyIdName = "AWS_ACCESS_KEY_ID";
    public const string DefaultSecretAccessKeyName = "AWS_SECRET_ACCESS_KEY";

    private protected override (string Identity, string Name) Describe(Func<string, string> fill)
    {
        var where = Scope switch
        {
            GitHubSecretScope.Repository => $"{fill(Repository ?? "")}",
            GitHubSecretScope.Environment => $"{fill(Repository ?? "")} (environment {fill(Environment ?? "")})",
            _ => $"organization {Organization}",
        };
        var (idName, secretName) = (fill(AccessKeyIdName), fill(SecretAccessKeyName));
        var names = idName == DefaultAccessKeyIdName && secretName == DefaultSecretAccessKeyName ? "" : $" {idName},{secretName}";
        // GitHub compares owner, repository, environment and secret names without case.
        var identity = $"github|{Scope}|{fill(Repository ?? "")}|{fill(Environment ?? "")}|{Organization}|{idName}|{secretName}".ToUpperInvariant();
        return (identity, $"github:{where}{names}");
    }

    private protected override IEnumerable<string> Fields() =>
        new[] { Repository, Environment, AccessKeyIdName, SecretAccessKeyName }.OfType<string>();

    private protected override KeyDestination Build(string id, string name, Func<string, string> fill)
    {
        RefuseFieldsOfOtherScopes();
        var target = Scope switch
        {
            GitHubSecretScope.Repository => RepositoryTarget(fill, (owner, repository) => GitHubSecretTarget.ForRepository(owner, repository)),
            GitHubSecretScope.Environment => RepositoryTarget(fill, (owner, repository) => GitHubSecretTarget.ForEnvironment(owner, repository, fill(Environment ?? throw Missing("environment")))),
            _ => GitHubSecretTarget.ForOrganization(Organization ?? throw Missing("organization"), Visibility ?? throw Missing("visibility"), SelectedRepositories),
        };
        var (idName, secretName) = (fill(AccessKeyIdName), fill(SecretAccessKeyName));
        if ((GitHubSecretNames.Problem(idName) ?? GitHubSecretNames.Problem(secretName)) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        return string.Equals(idName, secretName, StringComparison.OrdinalIgnoreCase)
            ? throw new ArgumentException($"accessKeyIdName and secretAccessKeyName are both '{idName}': the key id and the secret need two secrets (GitHub compares names without case)")
            : new GitHubDestination(id, name, target, idName, secretName);
    }

    private void RefuseFieldsOfOtherScopes()
    {
        var misplaced = Scope switch
        {
            GitHubSecretScope.Organization => new[] { ("repository", Repository is not null), ("environment", Environment is not null) },
            _ => [("environment", Scope == GitHubSecretScope.Repository && Environment is not null), ("organization", Organization is not null), ("visibility", Visibility is not null), ("selectedRepositories", SelectedRepositories is { Count: > 0 })],
        };
        if (misplaced.FirstOrDefault(m => m.Item2) is ({ } field, true))
        {
            throw new ArgumentException($"{field} does not belong to scope {ScopeWord}");
        }
    }

    private GitHubSecretTarget RepositoryTarget(Func<string, string> fill, Func<string, string, GitHubSecretTarget> target)
    {
        var repository = fill(Repository ?? throw Missing("repository"));
        var parts = repository.Split('/');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
            ? target(parts[0], parts[1])
            : throw new ArgumentException($"repository '{repository}' is not 'owner/name'");
    }

    private string ScopeWord => Scope.ToString().ToLowerInvariant();

    private ArgumentException Missing(string field) => new($"scope {ScopeWord} needs {field}");
}
