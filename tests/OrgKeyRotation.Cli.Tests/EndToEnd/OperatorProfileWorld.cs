using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Cli.Tests.EndToEnd;

/// <summary>
/// An operator's machine as the AWS CLI sets it up, in a temporary HOME: ~/.aws/config and ~/.aws/credentials with one
/// profile of each kind the AWS CLI documents, the IAM Identity Center token cache, and an organization in moto that
/// only the right credentials may read (moto's authorization is on while keyrot runs).
/// </summary>
/// <remarks>
/// In moto: the operator (an IAM user of <see cref="CentralAccount"/> with its own key), the role a profile's role_arn
/// names (trusting only the operator), the permission set's role that the portal stub hands sessions of, and in
/// <see cref="MemberAccount"/> the rotation role and one user with a key. moto evaluates actions only, so every policy
/// here allows everything; a trust policy is evaluated in the caller's own account (docs/emulator-limits.md).
/// </remarks>
internal sealed class OperatorProfileWorld : IAsyncDisposable
{
    public const string CentralAccount = MotoSeeder.DefaultAccount;
    public const string MemberAccount = "111111111111";
    public const string ManagedUser = "alice";
    public const string SsoSession = "corp";
    public const string SsoRoleName = "Operator";
    public const string SignedInToken = "aws-sso-login-token";
    private const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    private readonly MotoServer _moto;
    private readonly string _dir = Directory.CreateTempSubdirectory("keyrot-profiles-").FullName;

    private OperatorProfileWorld(MotoServer moto, MotoSeeder seeder)
    {
        _moto = moto;
        Seeder = seeder;
        Home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(Path.Combine(Home, ".aws", "sso", "cache"));
        ProcessMarker = Path.Combine(_dir, "credential-process-ran");
    }

    public MotoSeeder Seeder { get; }

    public SsoPortalStub Portal { get; } = new();

    public string Home { get; }

    public string ConfigFile => Path.Combine(Home, ".aws", "config");

    public string CredentialsFile => Path.Combine(Home, ".aws", "credentials");

    /// <summary>Written by the credential_process script each time it runs.</summary>
    public string ProcessMarker { get; }

    public string OperatorRoleArn => $"arn:aws:iam::{CentralAccount}:role/operator-role";

    public string ConfigPath => Path.Combine(_dir, "rotation.json");

    /// <summary>The environment of an operator's shell: the files of this HOME, no key variables, no region.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["HOME"] = Home,
        ["AWS_CONFIG_FILE"] = ConfigFile,
        ["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile,
        ["AWS_ACCESS_KEY_ID"] = null,
        ["AWS_SECRET_ACCESS_KEY"] = null,
        ["AWS_REGION"] = null,
        ["AWS_ENDPOINT_URL_SSO"] = Portal.Endpoint.ToString(),
    };

    public static async Task<OperatorProfileWorld> CreateAsync(MotoServer moto)
    {
        await moto.ResetAsync();
        var world = new OperatorProfileWorld(moto, new MotoSeeder(moto.Endpoint));
        await world.ArrangeAsync();
        return world;
    }

    /// <summary>Runs keyrot plan for the member account with moto's authorization on, so only good credentials pass.</summary>
    public async Task<KeyrotRun> PlanAsync(string? binary, IReadOnlyDictionary<string, string?>? extraEnvironment, params string[] args)
    {
        var environment = new Dictionary<string, string?>(Environment);
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        await _moto.SetAuthorizationAsync(true);
        try
        {
            return await KeyrotProcess.RunAsync(binary, environment, ["plan", "--config", ConfigPath, "--output", "json", "--endpoint-url", _moto.Endpoint.ToString(), .. args]);
        }
        finally
        {
            await _moto.SetAuthorizationAsync(false);
        }
    }

    /// <summary>
    /// Writes the token <c>aws sso login</c> caches for the session: ~/.aws/sso/cache/&lt;SHA-1 of the sso-session name&gt;.json
    /// with startUrl, region, accessToken and expiresAt (https://docs.aws.amazon.com/sdkref/latest/guide/understanding-sso.html).
    /// No refreshToken: an expired token cannot be refreshed and needs a new sign-in.
    /// </summary>
    public Task CacheSsoTokenAsync(string accessToken, DateTimeOffset expiresAt)
    {
        var name = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(SsoSession)));
        var token = new Dictionary<string, string>
        {
            ["startUrl"] = "https://corp.awsapps.com/start",
            ["region"] = "us-east-1",
            ["accessToken"] = accessToken,
            ["expiresAt"] = expiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        return File.WriteAllTextAsync(Path.Combine(Home, ".aws", "sso", "cache", name + ".json"), JsonSerializer.Serialize(token));
    }

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task ArrangeAsync()
    {
        var operatorArn = await Seeder.CreateUserAsync(CentralAccount, "operator");
        await Seeder.PutUserPolicyAsync(CentralAccount, "operator", "all", AllowAll);
        var (keyId, secret) = await Seeder.CreateAccessKeyAsync(CentralAccount, "operator");

        var trustOperator = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{operatorArn}}"},"Action":"sts:AssumeRole"}]}""";
        await Seeder.CreateRoleAsync(CentralAccount, "operator-role", trustOperator);
        await Seeder.PutRolePolicyAsync(CentralAccount, "operator-role", "all", AllowAll);
        await Seeder.CreateRoleAsync(CentralAccount, "refusing-role", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/someone-else"},"Action":"sts:AssumeRole"}]}""");
        await Seeder.CreateRoleAsync(CentralAccount, $"AWSReservedSSO_{SsoRoleName}", trustOperator);
        await Seeder.PutRolePolicyAsync(CentralAccount, $"AWSReservedSSO_{SsoRoleName}", "all", AllowAll);

        var trustAnyone = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}""";
        await Seeder.CreateRoleAsync(MemberAccount, "IAMKeyRotationRole", trustAnyone);
        await Seeder.PutRolePolicyAsync(MemberAccount, "IAMKeyRotationRole", "all", AllowAll);
        await Seeder.CreateUserAsync(MemberAccount, ManagedUser);
        await Seeder.CreateAccessKeyAsync(MemberAccount, ManagedUser);

        // The portal hands out sessions of the permission set's role, as IAM Identity Center does.
        var session = await Seeder.AssumeRoleAsync(keyId, $"arn:aws:iam::{CentralAccount}:role/AWSReservedSSO_{SsoRoleName}", "operator@corp");
        Portal.AcceptToken(SignedInToken);
        Portal.AssignRole(CentralAccount, SsoRoleName, session.AccessKeyId, session.SecretAccessKey, session.SessionToken, DateTimeOffset.UtcNow.AddHours(1));
        SecretScan.RegisterSecrets(Seeder.SecretsSeen);

        var script = Path.Combine(_dir, "credential-process.sh");
        await File.WriteAllTextAsync(script, $$"""
            #!/bin/sh
            touch '{{ProcessMarker}}'
            printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}\n' '{{keyId}}' '{{secret}}'
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await File.WriteAllTextAsync(CredentialsFile, $"""
            [plain]
            aws_access_key_id = {keyId}
            aws_secret_access_key = {secret}

            [wrong-keys]
            aws_access_key_id = AKIAIOSFODNN7EXAMPLE
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            """);
        await File.WriteAllTextAsync(ConfigFile, $"""
            [profile plain]
            region = eu-west-1

            [profile wrong-keys]
            region = us-east-1

            [profile ops-role]
            role_arn = {OperatorRoleArn}
            source_profile = plain
            region = us-east-1

            [profile refused-role]
            role_arn = arn:aws:iam::{CentralAccount}:role/refusing-role
            source_profile = plain
            region = us-east-1

            [profile from-process]
            credential_process = {script}
            region = us-east-1

            [profile ops]
            sso_session = {SsoSession}
            sso_account_id = {CentralAccount}
            sso_role_name = {SsoRoleName}
            region = us-east-1

            [sso-session {SsoSession}]
            sso_region = us-east-1
            sso_start_url = https://corp.awsapps.com/start
            sso_registration_scopes = sso:account:access
            """);
        await File.WriteAllTextAsync(ConfigPath, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["accounts"] = new Dictionary<string, string[]> { [MemberAccount] = [ManagedUser] },
        }));
    }
}
