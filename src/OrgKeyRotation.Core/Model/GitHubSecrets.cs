namespace OrgKeyRotation.Core.Model;

public enum GitHubSecretScope
{
    Repository,
    Environment,
    Organization,
}

/// <summary>Which repositories of an organization can read an organization secret.</summary>
public enum GitHubSecretVisibility
{
    All,
    Private,
    Selected,
}

/// <summary>GitHub's answer to a secret write: 201 Created or 204 No Content (updated).</summary>
public enum GitHubSecretWrite
{
    Created,
    Updated,
}

/// <summary>
/// Where a GitHub Actions secret lives: a repository, one of its environments, or an organization (with the
/// repositories that may read it). Owner, repository and organization names are not case-sensitive on GitHub.
/// </summary>
public sealed record GitHubSecretTarget
{
    private GitHubSecretTarget(GitHubSecretScope scope, string owner, string? repository, string? environment, GitHubSecretVisibility? visibility, IReadOnlyList<string> selectedRepositories)
    {
        Scope = scope;
        Owner = owner;
        Repository = repository;
        Environment = environment;
        Visibility = visibility;
        SelectedRepositories = selectedRepositories;
    }

    public GitHubSecretScope Scope { get; }

    /// <summary>The repository's owner (a user or an organization), or the organization itself.</summary>
    public string Owner { get; }

    public string? Repository { get; }

    public string? Environment { get; }

    /// <summary>Organization secrets only.</summary>
    public GitHubSecretVisibility? Visibility { get; }

    /// <summary>With visibility Selected: names of the organization's repositories that may read the secret.</summary>
    public IReadOnlyList<string> SelectedRepositories { get; }

    /// <summary>The public key's scope: repository and environment keys differ, as do organizations'.</summary>
    public string KeyScope => Scope switch
    {
        GitHubSecretScope.Repository => $"repo:{Owner}/{Repository}".ToLowerInvariant(),
        GitHubSecretScope.Environment => $"env:{Owner}/{Repository}:".ToLowerInvariant() + Environment,
        _ => $"org:{Owner}".ToLowerInvariant(),
    };

    public static GitHubSecretTarget ForRepository(string owner, string repository) =>
        new(GitHubSecretScope.Repository, Name(owner, nameof(owner)), Name(repository, nameof(repository)), null, null, []);

    public static GitHubSecretTarget ForEnvironment(string owner, string repository, string environment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(environment);
        return new(GitHubSecretScope.Environment, Name(owner, nameof(owner)), Name(repository, nameof(repository)), environment, null, []);
    }

    /// <summary>An organization secret. <paramref name="selectedRepositories"/> is required with Selected and refused otherwise (GitHub takes the list only then).</summary>
    public static GitHubSecretTarget ForOrganization(string organization, GitHubSecretVisibility visibility, IReadOnlyList<string>? selectedRepositories = null)
    {
        var selected = selectedRepositories ?? [];
        if (visibility == GitHubSecretVisibility.Selected && selected.Count == 0)
        {
            throw new ArgumentException($"Organization '{organization}': visibility 'selected' needs the repositories that may read the secret.", nameof(selectedRepositories));
        }

        if (visibility != GitHubSecretVisibility.Selected && selected.Count > 0)
        {
            throw new ArgumentException($"Organization '{organization}': repositories are selected only with visibility 'selected', not '{visibility.ToString().ToLowerInvariant()}'.", nameof(selectedRepositories));
        }

        return new(GitHubSecretScope.Organization, Name(organization, nameof(organization)), null, null, visibility, selected.Select(r => Name(r, nameof(selectedRepositories))).ToList());
    }

    /// <summary>For messages: "repository octo/app", "environment 'prod' of octo/app", "organization octo".</summary>
    public override string ToString() => Scope switch
    {
        GitHubSecretScope.Repository => $"repository {Owner}/{Repository}",
        GitHubSecretScope.Environment => $"environment '{Environment}' of {Owner}/{Repository}",
        _ => $"organization {Owner}",
    };

    private static string Name(string value, string argument)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, argument);
        return value.Contains('/', StringComparison.Ordinal) || value.Any(char.IsWhiteSpace)
            ? throw new ArgumentException($"'{value}' is not a GitHub owner or repository name (no '/' or spaces).", argument)
            : value;
    }
}

/// <summary>
/// GitHub's rules for secret names ("Naming your secrets",
/// https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#naming-your-secrets).
/// </summary>
public static class GitHubSecretNames
{
    /// <summary>Null when <paramref name="name"/> is a valid secret name, else what is wrong with it.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A GitHub secret name is empty.";
        }

        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return $"The GitHub secret name '{name}' may contain only letters, digits and '_'.";
        }

        if (char.IsAsciiDigit(name[0]))
        {
            return $"The GitHub secret name '{name}' starts with a digit, which GitHub refuses.";
        }

        return name.StartsWith("GITHUB_", StringComparison.OrdinalIgnoreCase)
            ? $"The GitHub secret name '{name}' starts with GITHUB_, which GitHub reserves."
            : null;
    }
}
