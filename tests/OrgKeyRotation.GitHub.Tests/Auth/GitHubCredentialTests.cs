using OrgKeyRotation.Core.Model;
using OrgKeyRotation.GitHub.Auth;

namespace OrgKeyRotation.GitHub.Tests.Auth;

public class GitHubCredentialTests
{
    [Fact]
    public void Parse_Token_IsATokenCredentialThatNeverPrintsIt()
    {
        var (credential, problem) = GitHubCredential.Parse(new SensitiveString("""{"token":"github_pat_11AAAAAAA0secretsecretsecret"}"""));

        var token = Assert.IsType<TokenCredential>(credential);
        Assert.Null(problem);
        Assert.Equal("github_pat_11AAAAAAA0secretsecretsecret", token.Token.Reveal());
        Assert.DoesNotContain("secretsecret", token.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"appId":"Iv1.abc","privateKey":"PEM"}""", "Iv1.abc", null)]
    [InlineData("""{"appId":12345,"privateKey":"PEM","installationId":678}""", "12345", 678L)]
    [InlineData("""{"appId":"12345","privateKey":"PEM","installationId":"678"}""", "12345", 678L)]
    public void Parse_App_IdAndOptionalInstallation(string json, string appId, long? installationId)
    {
        var (credential, _) = GitHubCredential.Parse(new SensitiveString(json));

        var app = Assert.IsType<AppCredential>(credential);
        Assert.Equal(appId, app.AppId);
        Assert.Equal(installationId, app.InstallationId);
        Assert.DoesNotContain("PEM", app.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1]", "is not a JSON object")]
    [InlineData("{}", "holds neither")]
    [InlineData("""{"appId":"1"}""", "lacks \"privateKey\"")]
    [InlineData("""{"privateKey":"PEM"}""", "lacks \"appId\"")]
    [InlineData("""{"token":"t","appId":"1","privateKey":"PEM"}""", "holds both")]
    [InlineData("""{"appId":"1","privateKey":"PEM","installationId":"abc"}""", "not a positive number")]
    [InlineData("""{"token":""}""", "holds neither")]
    public void Parse_Unusable_SaysWhyWithoutValues(string json, string expected)
    {
        var (credential, problem) = GitHubCredential.Parse(new SensitiveString(json));

        Assert.Null(credential);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("PEM", problem, StringComparison.Ordinal);
    }
}
