using System.Text;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.GitHub.Tests.Support;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.GitHub.Tests.Secrets;

/// <summary>
/// The adapter against the contract server (GitHub's documented behaviour for the endpoints it calls), every sealed
/// value opened by the independent oracle. Clock and waits run on a fake TimeProvider shared with the server.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GitHubSecretsClientTests(OracleFixture fixture) : IClassFixture<OracleFixture>
{
    private static readonly string[] RepoPermissions = ["secrets", "metadata"];
    private static readonly string[] AllPermissions = ["secrets", "environments", "organization_secrets", "metadata"];

    [OracleFact]
    public async Task PutSecretAsync_NewRepositorySecret_Created201AndTheOracleOpensTheValue()
    {
        await using var setup = Start();
        setup.Server.AddRepository("octo", "app");
        var installation = setup.Server.InstallApp("octo", RepoPermissions);
        setup.UseApp();
        var value = ContractSetup.Value();
        var target = GitHubSecretTarget.ForRepository("octo", "app");

        var write = await setup.Client().PutSecretAsync(target, "AWS_KEY", value, default);

        Assert.Equal(GitHubSecretWrite.Created, write);
        Assert.Equal(value.Reveal(), Encoding.UTF8.GetString(setup.Server.Secret(target.KeyScope, "AWS_KEY")!.Value));
        var requests = setup.Server.Requests;
        Assert.Equal(["GET /repos/octo/app/installation jwt", $"POST /app/installations/{installation}/access_tokens jwt", "GET /repos/octo/app/actions/secrets/public-key installation", "PUT /repos/octo/app/actions/secrets/AWS_KEY installation"],
            requests.Select(r => $"{r.Method} {r.Path} {r.Credential}"));
        Assert.All(requests, r =>
        {
            Assert.Equal("application/vnd.github+json", r.Accept);
            Assert.Equal("2022-11-28", r.ApiVersion);
            Assert.Equal("OrgKeyRotation", r.UserAgent);
        });
    }

    [OracleFact]
    public async Task PutSecretAsync_SecondWrite_Updated204ReusingTokenAndPublicKey()
    {
        await using var setup = StartWithAppOnRepository();
        var client = setup.Client();
        var target = GitHubSecretTarget.ForRepository("octo", "app");
        await client.PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);
        var second = ContractSetup.Value();

        var write = await client.PutSecretAsync(target, "AWS_KEY", second, default);

        Assert.Equal(GitHubSecretWrite.Updated, write);
        Assert.Equal(second.Reveal(), Encoding.UTF8.GetString(setup.Server.Secret(target.KeyScope, "AWS_KEY")!.Value));
        Assert.Equal(1, setup.Server.Count("POST", "/access_tokens"));
        Assert.Equal(1, setup.Server.Count("GET", "/public-key"));
        Assert.Equal(1, setup.Secrets.Reads);
    }

    [OracleFact]
    public async Task PutSecretAsync_EnvironmentWithSlash_WritesTheEnvironmentSecret()
    {
        await using var setup = Start();
        setup.Server.AddRepository("octo", "app", "prod/eu");
        setup.Server.InstallApp("octo", AllPermissions);
        setup.UseApp();
        var value = ContractSetup.Value();
        var target = GitHubSecretTarget.ForEnvironment("octo", "app", "prod/eu");

        var write = await setup.Client().PutSecretAsync(target, "AWS_KEY", value, default);

        Assert.Equal(GitHubSecretWrite.Created, write);
        Assert.Equal(value.Reveal(), Encoding.UTF8.GetString(setup.Server.Secret(target.KeyScope, "AWS_KEY")!.Value));
        Assert.Null(setup.Server.Secret(GitHubSecretTarget.ForRepository("octo", "app").KeyScope, "AWS_KEY"));
    }

    [OracleFact]
    public async Task PutSecretAsync_OrganizationSelected_SendsVisibilityAndTheRepositoriesIds()
    {
        await using var setup = Start();
        setup.Server.AddOrganization("octo");
        var api = setup.Server.AddRepository("octo", "api");
        var web = setup.Server.AddRepository("octo", "web");
        setup.Server.InstallApp("octo", AllPermissions);
        setup.UseApp();
        var target = GitHubSecretTarget.ForOrganization("octo", GitHubSecretVisibility.Selected, ["web", "API"]);

        var write = await setup.Client().PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);

        var stored = setup.Server.Secret(target.KeyScope, "AWS_KEY")!;
        Assert.Equal(GitHubSecretWrite.Created, write);
        Assert.Equal("selected", stored.Visibility);
        Assert.Equal([web, api], stored.SelectedRepositoryIds);
        Assert.Equal(["GET /orgs/octo/installation", "GET /repos/octo/web", "GET /repos/octo/API", "GET /orgs/octo/actions/secrets/public-key", "PUT /orgs/octo/actions/secrets/AWS_KEY"],
            setup.Server.Requests.Where(r => r.Credential != "jwt" || r.Path.EndsWith("/installation", StringComparison.Ordinal)).Select(r => $"{r.Method} {r.Path}"));
    }

    [OracleFact]
    public async Task PutSecretAsync_OrganizationPrivate_SendsNoRepositoryIds()
    {
        await using var setup = Start();
        setup.Server.AddOrganization("octo");
        setup.Server.InstallApp("octo", AllPermissions);
        setup.UseApp();
        var target = GitHubSecretTarget.ForOrganization("octo", GitHubSecretVisibility.Private);

        await setup.Client().PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);

        var stored = setup.Server.Secret(target.KeyScope, "AWS_KEY")!;
        Assert.Equal("private", stored.Visibility);
        Assert.Empty(stored.SelectedRepositoryIds);
    }

    [OracleFact]
    public async Task PutSecretAsync_PublicKeyRotatedSinceCached_FetchesTheNewKeyAndWrites()
    {
        await using var setup = StartWithAppOnRepository();
        var client = setup.Client();
        var target = GitHubSecretTarget.ForRepository("octo", "app");
        await client.PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);
        var oldKeyId = setup.Server.Secret(target.KeyScope, "AWS_KEY")!.KeyId;
        await setup.Server.RotatePublicKeyAsync(target.KeyScope);
        var value = ContractSetup.Value();

        var write = await client.PutSecretAsync(target, "AWS_KEY", value, default);

        var stored = setup.Server.Secret(target.KeyScope, "AWS_KEY")!;
        Assert.Equal(GitHubSecretWrite.Updated, write);
        Assert.NotEqual(oldKeyId, stored.KeyId);
        Assert.Equal(value.Reveal(), Encoding.UTF8.GetString(stored.Value));
        Assert.Equal(2, setup.Server.Count("GET", "/public-key"));
        Assert.Equal(3, setup.Server.Count("PUT", "/AWS_KEY"));
    }

    [OracleFact]
    public async Task PutSecretAsync_PublicKeyOlderThanMaxAge_FetchedAgainBeforeTheWrite()
    {
        await using var setup = StartWithAppOnRepository();
        var client = setup.Client();
        var target = GitHubSecretTarget.ForRepository("octo", "app");
        await client.PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);
        setup.Time.Advance(TimeSpan.FromMinutes(11));

        await client.PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);

        Assert.Equal(2, setup.Server.Count("GET", "/public-key"));
        Assert.Equal(2, setup.Server.Count("PUT", "/AWS_KEY"));
        Assert.Equal(1, setup.Server.Count("POST", "/access_tokens"));
    }

    [OracleFact]
    public async Task PutSecretAsync_InstallationTokenWithinFiveMinutesOfExpiry_NewTokenIsCreated()
    {
        await using var setup = StartWithAppOnRepository();
        var client = setup.Client();
        var target = GitHubSecretTarget.ForRepository("octo", "app");
        await client.PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);
        setup.Time.Advance(TimeSpan.FromMinutes(54));
        await client.PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);
        setup.Time.Advance(TimeSpan.FromMinutes(2));

        await client.PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);

        Assert.Equal(2, setup.Server.Count("POST", "/access_tokens"));
        Assert.Equal(1, setup.Server.Count("GET", "/installation"));
    }

    [OracleFact]
    public async Task PutSecretAsync_FixedInstallationId_NoInstallationLookup()
    {
        await using var setup = Start();
        setup.Server.AddRepository("octo", "app");
        var installation = setup.Server.InstallApp("octo", RepoPermissions);
        setup.UseApp(installation);

        await setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default);

        Assert.Equal(0, setup.Server.Count("GET", "/installation"));
        Assert.Equal(1, setup.Server.Count("POST", $"/app/installations/{installation}/access_tokens"));
    }

    [OracleFact]
    public async Task PutSecretAsync_FineGrainedToken_WritesWithoutAnyAppCall()
    {
        await using var setup = Start();
        setup.Server.AddRepository("octo", "app");
        setup.UseToken(setup.Server.IssuePersonalToken("octo", RepoPermissions));
        var target = GitHubSecretTarget.ForRepository("octo", "app");

        var write = await setup.Client().PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default);

        Assert.Equal(GitHubSecretWrite.Created, write);
        Assert.All(setup.Server.Requests, r => Assert.Equal("pat", r.Credential));
        Assert.Equal(2, setup.Server.Requests.Count);
    }

    [OracleFact]
    public async Task PutSecretAsync_GitHubEnterpriseServerBasePath_Writes()
    {
        await using var setup = ContractSetup.Start(fixture.Oracle, "/api/v3");
        setup.Server.AddRepository("octo", "app");
        setup.Server.InstallApp("octo", RepoPermissions);
        setup.UseApp();

        var write = await setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default);

        Assert.Equal(GitHubSecretWrite.Created, write);
        Assert.EndsWith("/api/v3", setup.Server.BaseUrl.AbsolutePath, StringComparison.Ordinal);
    }

    [OracleFact]
    public async Task PutSecretAsync_AppNotInstalledOnOwner_NotFoundSaysToInstallIt()
    {
        await using var setup = Start();
        setup.Server.AddRepository("octo", "app");
        setup.UseApp();

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.NotFound, error.Kind);
        Assert.Equal(404, error.StatusCode);
        Assert.Contains("not installed on octo", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.RequestId);
        AssertClean(setup, error);
    }

    [OracleFact]
    public async Task PutSecretAsync_TokenCannotSeeRepository_NotFoundNamesTheRepository()
    {
        await using var setup = Start();
        setup.Server.AddRepository("other", "app");
        setup.UseToken(setup.Server.IssuePersonalToken("octo", RepoPermissions));

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("other", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.NotFound, error.Kind);
        Assert.Contains("repository other/app does not exist, or the token cannot see it", error.Message, StringComparison.Ordinal);
        AssertClean(setup, error);
    }

    [OracleTheory]
    [InlineData("repository", "the \"Secrets\" repository permission (read and write)")]
    [InlineData("environment", "the \"Secrets\" and \"Environments\" repository permissions (read and write)")]
    [InlineData("organization", "the \"Secrets\" organization permission (read and write)")]
    public async Task PutSecretAsync_AppLacksPermission_ForbiddenNamesThePermissionOfTheScope(string scope, string permission)
    {
        await using var setup = Start();
        setup.Server.AddOrganization("octo");
        setup.Server.AddRepository("octo", "app", "prod");
        setup.Server.InstallApp("octo", "metadata");
        setup.UseApp();
        var target = scope switch
        {
            "repository" => GitHubSecretTarget.ForRepository("octo", "app"),
            "environment" => GitHubSecretTarget.ForEnvironment("octo", "app", "prod"),
            _ => GitHubSecretTarget.ForOrganization("octo", GitHubSecretVisibility.All),
        };

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.Forbidden, error.Kind);
        Assert.Contains(permission, error.Message, StringComparison.Ordinal);
        Assert.Contains("accept the new permissions on the installation of octo", error.Message, StringComparison.Ordinal);
        AssertClean(setup, error);
    }

    [OracleFact]
    public async Task PutSecretAsync_UnknownToken_RereadsTheSecretOnceThenBadCredentialsNamesIt()
    {
        await using var setup = Start();
        setup.Server.AddRepository("octo", "app");
        setup.UseToken("github_pat_" + new string('x', 70));

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.BadCredentials, error.Kind);
        Assert.Contains($"credential secret {ContractSetup.CredentialSecretId}", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, setup.Secrets.Reads);
        AssertClean(setup, error);
    }

    [OracleFact]
    public async Task PutSecretAsync_AppKeyNotTheApps_JwtRefusedSaysToCheckTheKey()
    {
        await using var setup = Start();
        setup.Server.AddRepository("octo", "app");
        setup.Server.InstallApp("octo", RepoPermissions);
        using var other = System.Security.Cryptography.RSA.Create(2048);
        setup.UseApp(privateKeyPem: other.ExportRSAPrivateKeyPem());

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.BadCredentials, error.Kind);
        Assert.Contains("GitHub App's JWT", error.Message, StringComparison.Ordinal);
        AssertClean(setup, error);
    }

    [OracleFact]
    public async Task PutSecretAsync_Secondary429WithRetryAfter_WaitsOnTheClockThenWrites()
    {
        await using var setup = StartWithAppOnRepository();
        setup.Server.Inject(r => r.Method == "PUT", 429, """{"message":"You have exceeded a secondary rate limit."}""", new Dictionary<string, string> { ["retry-after"] = "30" });
        var started = setup.Time.GetUtcNow();

        var write = await setup.AdvanceUntilDoneAsync(setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubSecretWrite.Created, write);
        Assert.InRange(setup.Time.GetUtcNow() - started, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45));
        Assert.Equal(2, setup.Server.Count("PUT", "/AWS_KEY"));
    }

    [OracleFact]
    public async Task PutSecretAsync_Secondary403WithoutHeaders_WaitsOneMinute()
    {
        await using var setup = StartWithAppOnRepository();
        setup.Server.Inject(r => r.Path.EndsWith("/public-key", StringComparison.Ordinal), 403, """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}""");
        var started = setup.Time.GetUtcNow();

        await setup.AdvanceUntilDoneAsync(setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.InRange(setup.Time.GetUtcNow() - started, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(75));
    }

    [OracleFact]
    public async Task PutSecretAsync_PrimaryLimitResetBeyondBudget_RateLimitedWithTheResetTimeAndNothingWritten()
    {
        await using var setup = StartWithAppOnRepository();
        var reset = setup.Time.GetUtcNow().AddMinutes(40);
        setup.Server.Inject(r => r.Method == "PUT", 403, """{"message":"API rate limit exceeded for installation ID 1001."}""",
            new Dictionary<string, string> { ["x-ratelimit-remaining"] = "0", ["x-ratelimit-reset"] = reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var target = GitHubSecretTarget.ForRepository("octo", "app");

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(target, "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.RateLimited, error.Kind);
        Assert.Equal(reset.ToUnixTimeSeconds(), error.RetryAt!.Value.ToUnixTimeSeconds());
        Assert.Contains("Retry after that time", error.Message, StringComparison.Ordinal);
        Assert.Null(setup.Server.Secret(target.KeyScope, "AWS_KEY"));
        AssertClean(setup, error);
    }

    [OracleFact]
    public async Task PutSecretAsync_BadGatewayOnce_RetriedAndWritten()
    {
        await using var setup = StartWithAppOnRepository();
        setup.Server.Inject(r => r.Method == "PUT", 502, """{"message":"Server Error"}""");

        var write = await setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default);

        Assert.Equal(GitHubSecretWrite.Created, write);
        Assert.Equal(2, setup.Server.Count("PUT", "/AWS_KEY"));
    }

    [OracleFact]
    public async Task PutSecretAsync_ServerErrorsEveryAttempt_ServiceFailureAfterThree()
    {
        await using var setup = StartWithAppOnRepository();
        for (var i = 0; i < 3; i++)
        {
            setup.Server.Inject(r => r.Method == "PUT", 503, string.Empty);
        }

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.ServiceFailure, error.Kind);
        Assert.Contains("after 3 attempt(s)", error.Message, StringComparison.Ordinal);
    }

    [OracleFact]
    public async Task PutSecretAsync_Validation422WithTheSameKey_ValidationWithGitHubsMessage()
    {
        await using var setup = StartWithAppOnRepository();
        setup.Server.Inject(r => r.Method == "PUT", 422, """{"message":"Validation Failed","documentation_url":"https://docs.github.com/rest"}""");

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.Validation, error.Kind);
        Assert.Contains("\"Validation Failed\"", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, setup.Server.Count("GET", "/public-key"));
        Assert.Equal(1, setup.Server.Count("PUT", "/AWS_KEY"));
        AssertClean(setup, error);
    }

    [OracleTheory]
    [InlineData(null, "does not exist or has no current value")]
    [InlineData("not json", "is not JSON")]
    [InlineData("""{"appId":"1"}""", "lacks \"privateKey\"")]
    [InlineData("""{"appId":"1","privateKey":"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"}""", "not a PEM RSA private key")]
    public async Task PutSecretAsync_UnusableCredentialSecret_CredentialSecretNamesTheProblem(string? secret, string problem)
    {
        await using var setup = Start();
        setup.Server.AddRepository("octo", "app");
        setup.Server.InstallApp("octo", RepoPermissions);
        if (secret is not null)
        {
            setup.Secrets.Put(ContractSetup.CredentialSecretId, secret);
        }

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "AWS_KEY", ContractSetup.Value(), default));

        Assert.Equal(GitHubErrorKind.CredentialSecret, error.Kind);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains(ContractSetup.CredentialSecretId, error.Message, StringComparison.Ordinal);
    }

    [OracleFact]
    public async Task PutSecretAsync_InvalidSecretName_RefusedBeforeAnyRequest()
    {
        await using var setup = Start();
        setup.UseApp();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => setup.Client().PutSecretAsync(GitHubSecretTarget.ForRepository("octo", "app"), "GITHUB_KEY", ContractSetup.Value(), default));

        Assert.Contains("GITHUB_", error.Message, StringComparison.Ordinal);
        Assert.Empty(setup.Server.Requests);
    }

    private ContractSetup Start() => ContractSetup.Start(fixture.Oracle);

    /// <summary>Repository octo/app, the app installed on octo with the repository permissions, its credential in the central secret.</summary>
    private ContractSetup StartWithAppOnRepository()
    {
        var setup = Start();
        setup.Server.AddRepository("octo", "app");
        setup.Server.InstallApp("octo", RepoPermissions);
        setup.UseApp();
        return setup;
    }

    private static void AssertClean(ContractSetup setup, GitHubApiException error)
    {
        setup.RegisterIssuedTokens();
        SecretScan.AssertClean("github-exception", [error.Message, error.ToString()]);
    }
}
