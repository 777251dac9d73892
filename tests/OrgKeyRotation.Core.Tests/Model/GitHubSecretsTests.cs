using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Tests.Model;

public class GitHubSecretsTests
{
    [Fact]
    public void ForRepository_Describes_AndKeyScopeIgnoresCase()
    {
        var target = GitHubSecretTarget.ForRepository("Octo", "App");

        Assert.Equal("repository Octo/App", target.ToString());
        Assert.Equal(GitHubSecretTarget.ForRepository("octo", "app").KeyScope, target.KeyScope);
    }

    [Fact]
    public void ForEnvironment_KeyScope_DiffersFromTheRepositorysAndKeepsEnvironmentCase()
    {
        var environment = GitHubSecretTarget.ForEnvironment("octo", "app", "Prod");

        Assert.NotEqual(GitHubSecretTarget.ForRepository("octo", "app").KeyScope, environment.KeyScope);
        Assert.NotEqual(GitHubSecretTarget.ForEnvironment("octo", "app", "prod").KeyScope, environment.KeyScope);
        Assert.Equal("environment 'Prod' of octo/app", environment.ToString());
    }

    [Fact]
    public void ForOrganization_Selected_KeepsRepositories()
    {
        var target = GitHubSecretTarget.ForOrganization("octo", GitHubSecretVisibility.Selected, ["app", "api"]);

        Assert.Equal(["app", "api"], target.SelectedRepositories);
        Assert.Equal(GitHubSecretVisibility.Selected, target.Visibility);
        Assert.Equal("organization octo", target.ToString());
    }

    [Fact]
    public void ForOrganization_SelectedWithoutRepositories_Throws() =>
        Assert.Contains("needs the repositories", Assert.Throws<ArgumentException>(() => GitHubSecretTarget.ForOrganization("octo", GitHubSecretVisibility.Selected)).Message, StringComparison.Ordinal);

    [Fact]
    public void ForOrganization_RepositoriesWithoutSelected_Throws() =>
        Assert.Contains("only with visibility 'selected', not 'private'", Assert.Throws<ArgumentException>(() => GitHubSecretTarget.ForOrganization("octo", GitHubSecretVisibility.Private, ["app"])).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("octo/app")]
    [InlineData("octo app")]
    [InlineData(" ")]
    public void ForRepository_BadOwner_Throws(string owner) =>
        Assert.ThrowsAny<ArgumentException>(() => GitHubSecretTarget.ForRepository(owner, "app"));

    [Theory]
    [InlineData("AWS_ACCESS_KEY_ID")]
    [InlineData("_KEY")]
    [InlineData("deploy_key_2")]
    public void Problem_ValidSecretName_IsNull(string name) => Assert.Null(GitHubSecretNames.Problem(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("AWS-KEY", "only letters, digits and '_'")]
    [InlineData("2KEY", "starts with a digit")]
    [InlineData("github_token", "GITHUB_")]
    public void Problem_InvalidSecretName_SaysWhy(string name, string expected) =>
        Assert.Contains(expected, GitHubSecretNames.Problem(name), StringComparison.Ordinal);
}
