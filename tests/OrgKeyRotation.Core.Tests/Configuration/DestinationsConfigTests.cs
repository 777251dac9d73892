using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>A user's destinations: merged from the three levels, templated, each place once, with a stable id and a name.</summary>
public class DestinationsConfigTests
{
    private const string Account = "111111111111";

    private static readonly SsmDestinationConfig Everyone = new("/keys/{accountId}/{userName}");
    private static readonly GitHubDestinationConfig AccountWide = new(GitHubSecretScope.Repository, Repository: "octo/{userName}");
    private static readonly GitHubDestinationConfig OwnEnvironment = new(GitHubSecretScope.Environment, Repository: "octo/deploy", Environment: "prod-{accountId}");

    private static DestinationsConfig Config() => new()
    {
        Defaults = [Everyone],
        Accounts = new Dictionary<string, AccountDestinations>
        {
            [Account] = new()
            {
                Defaults = [AccountWide],
                Users = new Dictionary<string, IReadOnlyList<DestinationConfig>>(StringComparer.OrdinalIgnoreCase) { ["CI-Deployer"] = [OwnEnvironment, Everyone] },
            },
        },
    };

    [Fact]
    public void For_ListedUser_GetsEveryLevelInOrderEachPlaceOnce()
    {
        var destinations = Config().For(Account, "ci-deployer");

        Assert.Equal(
            ["ssm:/keys/111111111111/ci-deployer", "github:octo/ci-deployer", "github:octo/deploy (environment prod-111111111111)"],
            destinations.Select(d => d.Name));
    }

    [Fact]
    public void For_OtherUserOfTheAccount_GetsTheDefaultsOnly()
    {
        var destinations = Config().For(Account, "alice");

        Assert.Equal(["ssm:/keys/111111111111/alice", "github:octo/alice"], destinations.Select(d => d.Name));
    }

    [Fact]
    public void For_AccountWithoutEntry_GetsEveryUsersDestinations() =>
        Assert.Equal(["ssm:/keys/222222222222/bob"], new DestinationsConfig { Defaults = [Everyone] }.For("222222222222", "bob").Select(d => d.Name));

    [Fact]
    public void For_NothingConfigured_IsEmpty() =>
        Assert.Empty(new DestinationsConfig().For(Account, "alice"));

    [Fact]
    public void Resolve_SsmJson_OneParameterWithTheKmsKey()
    {
        var destination = Assert.IsType<ParameterDestination>(new SsmDestinationConfig("/k/{userName}", KmsKeyId: "alias/keys").Resolve(Account, "alice"));

        Assert.Equal("/k/alice", destination.Target.JsonParameter);
        Assert.Equal(["/k/alice"], destination.Target.Names);
        Assert.Equal("alias/keys", destination.Target.KmsKeyId);
        Assert.Equal("ssm:/k/alice", destination.Name);
    }

    [Fact]
    public void Resolve_SsmPair_TwoParametersUnderTheName()
    {
        var destination = Assert.IsType<ParameterDestination>(new SsmDestinationConfig("/k/{userName}", ParameterFormat.Pair).Resolve(Account, "alice"));

        Assert.Null(destination.Target.JsonParameter);
        Assert.Equal("/k/alice/access-key-id", destination.Target.AccessKeyIdParameter);
        Assert.Equal("/k/alice/secret-access-key", destination.Target.SecretAccessKeyParameter);
        Assert.Equal("ssm:/k/alice{/access-key-id,/secret-access-key}", destination.Name);
    }

    [Fact]
    public void Resolve_GitHubRepository_TargetAndDefaultNames()
    {
        var destination = Assert.IsType<GitHubDestination>(AccountWide.Resolve(Account, "alice"));

        Assert.Equal(GitHubSecretTarget.ForRepository("octo", "alice"), destination.Target);
        Assert.Equal(("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), (destination.AccessKeyIdName, destination.SecretAccessKeyName));
        Assert.Equal("github:octo/alice", destination.Name);
    }

    [Fact]
    public void Resolve_GitHubOrganizationWithOwnNames_NamesShowInItsName()
    {
        var config = new GitHubDestinationConfig(GitHubSecretScope.Organization, Organization: "octo", Visibility: GitHubSecretVisibility.Selected, SelectedRepositories: ["app"],
            AccessKeyIdName: "KEY_ID_{accountId}", SecretAccessKeyName: "KEY_SECRET_{accountId}");

        var destination = Assert.IsType<GitHubDestination>(config.Resolve(Account, "alice"));

        Assert.Equal(GitHubSecretScope.Organization, destination.Target.Scope);
        Assert.Equal(["app"], destination.Target.SelectedRepositories);
        Assert.Equal("KEY_ID_111111111111", destination.AccessKeyIdName);
        Assert.Equal("github:organization octo KEY_ID_111111111111,KEY_SECRET_111111111111", destination.Name);
    }

    [Fact]
    public void Id_IsTenHexDigitsAndStableForTheSamePlace()
    {
        var first = Everyone.Resolve(Account, "alice");
        var again = new SsmDestinationConfig("/keys/111111111111/{userName}", KmsKeyId: "alias/other").Resolve(Account, "alice");

        Assert.Matches("^[0-9a-f]{10}$", first.Id);
        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, Everyone.Resolve(Account, "bob").Id);
        Assert.NotEqual(first.Id, (Everyone with { Format = ParameterFormat.Pair }).Resolve(Account, "alice").Id);
    }

    [Fact]
    public void Id_GitHubPlaces_ComparedWithoutCase()
    {
        var lower = new GitHubDestinationConfig(GitHubSecretScope.Repository, Repository: "octo/app", AccessKeyIdName: "key_id", SecretAccessKeyName: "key_secret");
        var upper = new GitHubDestinationConfig(GitHubSecretScope.Repository, Repository: "Octo/App", AccessKeyIdName: "KEY_ID", SecretAccessKeyName: "KEY_SECRET");

        Assert.Equal(lower.Resolve(Account, "a").Id, upper.Resolve(Account, "a").Id);
        Assert.NotEqual(lower.Resolve(Account, "a").Id, (lower with { Scope = GitHubSecretScope.Environment, Environment = "prod" }).Resolve(Account, "a").Id);
    }

    public static TheoryData<DestinationConfig, string> Unusable => new()
    {
        { new SsmDestinationConfig("/k/{userName}"), "contains '+'" },
        { new SsmDestinationConfig("/k/{user}"), "'/k/{user}' holds a placeholder other than {accountId} and {userName}" },
        { new SsmDestinationConfig("/ssm/k"), "which AWS reserves" },
        { new GitHubDestinationConfig(GitHubSecretScope.Repository, Repository: "octo/app", AccessKeyIdName: "ID_{userName}"), "may contain only letters, digits and '_'" },
        { new GitHubDestinationConfig(GitHubSecretScope.Repository, Repository: "octo/app/x"), "is not 'owner/name'" },
        { new GitHubDestinationConfig(GitHubSecretScope.Repository), "scope repository needs repository" },
        { new GitHubDestinationConfig(GitHubSecretScope.Repository, Repository: "octo/app", Environment: "prod"), "environment does not belong to scope repository" },
        { new GitHubDestinationConfig(GitHubSecretScope.Environment, Repository: "octo/app", Environment: "prod", Organization: "octo"), "organization does not belong to scope environment" },
        { new GitHubDestinationConfig(GitHubSecretScope.Organization, Organization: "octo", Visibility: GitHubSecretVisibility.All, Repository: "octo/app"), "repository does not belong to scope organization" },
        { new GitHubDestinationConfig(GitHubSecretScope.Organization, Organization: "octo", Visibility: GitHubSecretVisibility.All, SelectedRepositories: ["app"]), "repositories are selected only with visibility 'selected'" },
        { new GitHubDestinationConfig(GitHubSecretScope.Repository, Repository: "octo/app", AccessKeyIdName: "GITHUB_KEY"), "GitHub reserves" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Resolve_NoValidPlaceForTheUser_IsUnusableWithTheReasonNeverAnException(DestinationConfig config, string reason)
    {
        var destination = Assert.IsType<UnusableDestination>(config.Resolve(Account, "a+b"));

        Assert.Contains(reason, destination.Problem, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{10}$", destination.Id);
    }

    [Fact]
    public void HasGitHub_OnlyWithAGitHubDestinationAnywhere()
    {
        Assert.False(new DestinationsConfig { Defaults = [Everyone] }.HasGitHub);
        Assert.True(Config().HasGitHub);
        Assert.True(new DestinationsConfig().IsEmpty);
        Assert.False(Config().IsEmpty);
    }
}
