using System.Text.Json;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Cli.Tests.EndToEnd;

/// <summary>
/// keyrot with each kind of profile the AWS CLI config file documents
/// (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html), in an operator's HOME, against moto with
/// its authorization on: only the credentials the profile really yields can plan. Run on the dotnet host here and as
/// the Native AOT binary in <see cref="NativeProfileCredentialsTests"/>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProfileCredentialsTests(MotoFixture moto) : ProfileCredentialsContract(moto), IClassFixture<MotoFixture>
{
    protected override Task<string?> BinaryAsync() => Task.FromResult<string?>(null);
}

/// <summary>The same profiles through the Native AOT keyrot: the SDK's IAM Identity Center clients must be registered, not reflected.</summary>
[Trait("Category", "Integration")]
public sealed class NativeProfileCredentialsTests(MotoFixture moto) : ProfileCredentialsContract(moto), IClassFixture<MotoFixture>
{
    protected override async Task<string?> BinaryAsync() => await KeyrotBinary.GetAsync();
}

public abstract class ProfileCredentialsContract(MotoFixture moto) : IAsyncLifetime
{
    private OperatorProfileWorld? _world;

    private OperatorProfileWorld World => _world ?? throw new InvalidOperationException("not arranged");

    public async Task InitializeAsync() => _world = await OperatorProfileWorld.CreateAsync(moto.Server);

    public async Task DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }

    [Fact]
    public async Task Plan_StaticKeysProfileWithRegionAndNoAwsRegion_PlansInThatRegion()
    {
        var run = await PlanAsync("--profile", "plain");

        AssertPlanned(run);
    }

    [Fact]
    public async Task Plan_AwsProfileNamesTheStaticKeysProfile_PlansLikeProfileOption()
    {
        var run = await PlanWithAsync(new Dictionary<string, string?> { ["AWS_PROFILE"] = "plain" });

        AssertPlanned(run);
    }

    [Fact]
    public async Task Plan_KeysMotoDoesNotKnow_AccountFailsWithInvalidClientTokenId()
    {
        var run = await PlanAsync("--profile", "wrong-keys");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("InvalidClientTokenId", run.Stderr, StringComparison.Ordinal);
        AssertClean(run);
    }

    [Fact]
    public async Task Plan_RoleArnWithSourceProfile_AssumesTheRoleWithTheSourceKeys()
    {
        var run = await PlanAsync("--profile", "ops-role");

        AssertPlanned(run);
    }

    [Fact]
    public async Task Plan_RoleArnWhoseTrustRefusesTheSource_ExitsNamingProfileAndRole()
    {
        var run = await PlanAsync("--profile", "refused-role");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("profile 'refused-role'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("role/refusing-role", run.Stderr, StringComparison.Ordinal);
        AssertClean(run);
    }

    [Fact]
    public async Task Plan_CredentialProcessProfile_RunsTheProcessAndUsesItsKeys()
    {
        var run = await PlanAsync("--profile", "from-process");

        AssertPlanned(run);
        Assert.True(File.Exists(World.ProcessMarker), "the credential_process script did not run");
    }

    [Fact]
    public async Task Plan_SsoSessionProfileSignedIn_GetsRoleCredentialsFromThePortal()
    {
        await World.CacheSsoTokenAsync(OperatorProfileWorld.SignedInToken, DateTimeOffset.UtcNow.AddHours(8));

        var run = await PlanAsync("--profile", "ops");

        AssertPlanned(run);
        var request = Assert.Single(World.Portal.Requests.Distinct());
        Assert.Equal(new Support.PortalRequest(OperatorProfileWorld.CentralAccount, OperatorProfileWorld.SsoRoleName, OperatorProfileWorld.SignedInToken), request);
    }

    [Fact]
    public async Task Plan_SsoTokenExpired_SaysToRunAwsSsoLogin()
    {
        await World.CacheSsoTokenAsync(OperatorProfileWorld.SignedInToken, DateTimeOffset.UtcNow.AddMinutes(-5));

        var run = await PlanAsync("--profile", "ops");

        AssertSaysSignInAgain(run);
        Assert.Empty(World.Portal.Requests);
    }

    [Fact]
    public async Task Plan_SsoNeverSignedIn_SaysToRunAwsSsoLogin()
    {
        var run = await PlanAsync("--profile", "ops");

        AssertSaysSignInAgain(run);
        Assert.DoesNotContain("not allowed here", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_SsoTokenThePortalNoLongerAccepts_SaysToRunAwsSsoLogin()
    {
        await World.CacheSsoTokenAsync("revoked-token", DateTimeOffset.UtcNow.AddHours(8));

        var run = await PlanAsync("--profile", "ops");

        AssertSaysSignInAgain(run);
        Assert.Contains("Session token not found or invalid", run.Stderr, StringComparison.Ordinal);
    }

    protected abstract Task<string?> BinaryAsync();

    private async Task<KeyrotRun> PlanAsync(params string[] args) => await World.PlanAsync(await BinaryAsync(), null, args);

    private async Task<KeyrotRun> PlanWithAsync(IReadOnlyDictionary<string, string?> environment) => await World.PlanAsync(await BinaryAsync(), environment);

    private static void AssertPlanned(KeyrotRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(run.Json().GetProperty("rows").EnumerateArray());
        Assert.Equal(OperatorProfileWorld.MemberAccount, row.GetProperty("accountId").GetString());
        Assert.Equal(OperatorProfileWorld.ManagedUser, row.GetProperty("userName").GetString());
        Assert.NotEqual(JsonValueKind.Null, row.GetProperty("accessKeyId").ValueKind);
        AssertClean(run);
    }

    private static void AssertSaysSignInAgain(KeyrotRun run)
    {
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("No AWS credentials from profile 'ops': it uses IAM Identity Center", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Sign in again with: aws sso login --profile ops", run.Stderr, StringComparison.Ordinal);
        AssertClean(run);
    }

    private static void AssertClean(KeyrotRun run) => SecretScan.AssertClean("cli", [run.Stdout, run.Stderr]);
}
