namespace OrgKeyRotation.GitHub.Tests;

public class GitHubOptionsTests
{
    private static readonly GitHubOptions Valid = new() { CredentialSecretId = "orgkeyrotation/github" };

    [Fact]
    public void Validate_Defaults_Pass()
    {
        Valid.Validate();
        Assert.Equal(new Uri("https://api.github.com"), Valid.BaseUrl);
    }

    [Fact]
    public void Validate_NoCredentialSecret_Throws() =>
        Assert.Contains("credential secret", Assert.Throws<ArgumentException>(() => new GitHubOptions().Validate()).Message, StringComparison.Ordinal);

    [Fact]
    public void Validate_BaseUrlWithQuery_Throws() =>
        Assert.Contains("https://HOST/api/v3", Assert.Throws<ArgumentException>(() => new GitHubOptions { CredentialSecretId = "s", BaseUrl = new Uri("https://ghe.example.com/api/v3?x=1") }.Validate()).Message, StringComparison.Ordinal);

    [Fact]
    public void Validate_RateLimitBudgetOverFifteenMinutes_ThrowsNamingIt() =>
        Assert.Contains("RateLimitBudget", Assert.Throws<ArgumentException>(() => new GitHubOptions { CredentialSecretId = "s", RateLimitBudget = TimeSpan.FromMinutes(16) }.Validate()).Message, StringComparison.Ordinal);

    [Fact]
    public void Validate_ZeroAttempts_ThrowsNamingIt() =>
        Assert.Contains("MaxAttempts", Assert.Throws<ArgumentException>(() => new GitHubOptions { CredentialSecretId = "s", MaxAttempts = 0 }.Validate()).Message, StringComparison.Ordinal);
}
