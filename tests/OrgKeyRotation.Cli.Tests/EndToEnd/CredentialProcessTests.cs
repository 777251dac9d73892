using System.Text.Json;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>keyrot credential-process</c> as a consumer runs it, against moto with its authorization on (so only keys
/// IAM would accept can read) behind the inactive-key model (moto itself accepts inactive keys). The secret is the
/// rotator's own: <c>keyrot rotate</c> creates it. moto evaluates identity policies only, so the user gets an identity
/// policy for the read that AWS grants through the secret's resource policy.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CredentialProcessTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private const string Account = "111111111111";
    private const string User = "alice";
    private const string SecretId = $"iam-key-rotation/{Account}/{User}";
    private readonly string _dir = Directory.CreateTempSubdirectory("keyrot-consumer-").FullName;
    private readonly InactiveKeys _inactive = new();
    private ModelledEndpoint? _modelled;
    private MotoSeeder _seeder = null!;

    private string Home => Path.Combine(_dir, "home");

    private string CacheHome => Path.Combine(_dir, "cache");

    private string CredentialsFile => Path.Combine(Home, ".aws", "credentials");

    private string ConfigFile => Path.Combine(Home, ".aws", "config");

    private Uri Modelled => _modelled!.Endpoint;

    public async Task InitializeAsync()
    {
        await moto.Server.ResetAsync();
        _modelled = new ModelledEndpoint(new AwsModel().Use(_inactive), moto.Endpoint);
        _seeder = new MotoSeeder(moto.Endpoint);
        Directory.CreateDirectory(Path.Combine(Home, ".aws"));
        await File.WriteAllTextAsync(ConfigFile, "");
        await File.WriteAllTextAsync(CredentialsFile, "");
    }

    public async Task DisposeAsync()
    {
        await moto.Server.SetAuthorizationAsync(false);
        await _modelled!.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task CredentialProcess_RotationBetweenTwoRuns_SecondRunPrintsTheNewKeyReadWithTheCachedOne()
    {
        var first = await UserWithKeyAsync();
        var second = await RotateAsync();
        await BootstrapProfileAsync(first);

        var run1 = await CredentialProcessAsync("--bootstrap-profile", "bootstrap");
        await _seeder.DeleteAccessKeyAsync(Account, User, first.Id);
        var third = await RotateAsync();
        await BootstrapProfileAsync(null);
        var run2 = await CredentialProcessAsync();

        AssertPrints(run1, second);
        AssertPrints(run2, third);
        Assert.NotEqual(second.Id, third.Id);
        AssertCacheOwnerOnly();
    }

    [Fact]
    public async Task CredentialProcess_CachedKeyDeactivated_ReadsWithTheBootstrapProfileAndCachesTheCurrentKey()
    {
        var first = await UserWithKeyAsync();
        var second = await RotateAsync();
        await BootstrapProfileAsync(first);
        AssertPrints(await CredentialProcessAsync("--bootstrap-profile", "bootstrap"), second);
        await _seeder.DeleteAccessKeyAsync(Account, User, first.Id);
        var third = await RotateAsync();
        await DeactivateAsync(second.Id);

        // The owner re-bootstraps with the key an operator gave out.
        await BootstrapProfileAsync(third);
        var run = await CredentialProcessAsync("--bootstrap-profile", "bootstrap");
        await BootstrapProfileAsync(null);
        var after = await CredentialProcessAsync();

        AssertPrints(run, third);
        AssertPrints(after, third);
        Assert.True(_inactive.Refused >= 1 + 2, $"the deactivated key was tried {_inactive.Refused} times");
    }

    [Fact]
    public async Task CredentialProcess_BothKeysGone_FailsNamingRestoreAndWorksAgainAfterIt()
    {
        var first = await UserWithKeyAsync();
        var second = await RotateAsync();
        await BootstrapProfileAsync(first);
        AssertPrints(await CredentialProcessAsync("--bootstrap-profile", "bootstrap"), second);
        await DeactivateAsync(second.Id);
        await _seeder.DeleteAccessKeyAsync(Account, User, first.Id);

        var gone = await CredentialProcessAsync("--bootstrap-profile", "bootstrap");
        var restore = await KeyrotProcess.RunAsync("restore", "--config", await ConfigAsync(), "--account", Account, "--user", User, "--key", second.Id, "--endpoint-url", Modelled.ToString());
        var restored = await CredentialProcessAsync("--bootstrap-profile", "bootstrap");

        Assert.True(gone.ExitCode == 3, gone.ToString());
        Assert.Equal("", gone.Stdout);
        Assert.Contains($"keyrot restore --account {Account} --user {User} --key {second.Id}", gone.Stderr, StringComparison.Ordinal);
        Assert.Contains("profile 'bootstrap'", gone.Stderr, StringComparison.Ordinal);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        AssertPrints(restored, second);
    }

    [Fact]
    public async Task CredentialProcess_NoCacheNoBootstrap_FailsSayingHowToBootstrap()
    {
        await UserWithKeyAsync();
        await RotateAsync();

        var run = await CredentialProcessAsync();

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("--bootstrap-profile", run.Stderr, StringComparison.Ordinal);
    }

    [AwsCliFact]
    public async Task AwsCli_ProfileWithCredentialProcess_SignsWithTheRotatedKey()
    {
        var first = await UserWithKeyAsync();
        var second = await RotateAsync();
        await BootstrapProfileAsync(first);
        await File.WriteAllTextAsync(ConfigFile, $"""
            [profile consumer]
            region = us-east-1
            credential_process = dotnet {KeyrotProcess.Dll} credential-process --secret-id {SecretId} --region us-east-1 --endpoint-url {Modelled} --bootstrap-profile bootstrap
            """);

        var run = await AwsCliAsync("sts", "get-caller-identity", "--profile", "consumer", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"arn:aws:iam::{Account}:user/{User}", run.Json().GetProperty("Arn").GetString());
        Assert.Equal(second.Id, (await CachedKeyIdsAsync())[0]);
    }

    private async Task<(string Id, string Secret)> UserWithKeyAsync()
    {
        await _seeder.CreateUserAsync(Account, User);
        await _seeder.PutUserPolicyAsync(Account, User, "read-own-secret", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue","sts:GetCallerIdentity"],"Resource":"*"}]}""");
        var key = await _seeder.CreateAccessKeyAsync(Account, User);
        SecretScan.RegisterSecrets(_seeder.SecretsSeen);
        return key;
    }

    /// <summary>Runs the rotator (moto's authorization off): a new key in the secret's AWSCURRENT; returns it.</summary>
    private async Task<(string Id, string Secret)> RotateAsync()
    {
        var run = await KeyrotProcess.RunAsync("rotate", "--config", await ConfigAsync(), "--endpoint-url", Modelled.ToString(), "--output", "json");
        Assert.True(run.ExitCode == 0, $"{run}\nmodelled endpoint: {string.Join("\n", _modelled!.Errors)}");
        using var value = JsonDocument.Parse(await _seeder.CurrentSecretValueAsync(Account, SecretId) ?? throw new InvalidOperationException("no secret"));
        var key = (value.RootElement.GetProperty("AccessKeyId").GetString()!, value.RootElement.GetProperty("SecretAccessKey").GetString()!);
        SecretScan.RegisterSecrets([key.Item2]);
        return key;
    }

    /// <summary>The rotator's later step: the key set Inactive through the model, which then refuses it as AWS does.</summary>
    private Task DeactivateAsync(string keyId) => new MotoSeeder(Modelled).SetAccessKeyStatusAsync(Account, User, keyId, active: false);

    private Task BootstrapProfileAsync((string Id, string Secret)? key) =>
        File.WriteAllTextAsync(CredentialsFile, key is { } k ? $"[bootstrap]\naws_access_key_id = {k.Id}\naws_secret_access_key = {k.Secret}\n" : "");

    private async Task<string> ConfigAsync()
    {
        var path = Path.Combine(_dir, "rotation.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["accounts"] = new Dictionary<string, string[]> { [Account] = [User] },
            ["policy"] = new Dictionary<string, int> { ["maxKeyAgeDays"] = 0 },
        }));
        return path;
    }

    private IReadOnlyDictionary<string, string?> ConsumerEnvironment => new Dictionary<string, string?>
    {
        ["HOME"] = Home,
        ["XDG_CACHE_HOME"] = CacheHome,
        ["AWS_CONFIG_FILE"] = ConfigFile,
        ["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile,
        ["AWS_ACCESS_KEY_ID"] = null,
        ["AWS_SECRET_ACCESS_KEY"] = null,
    };

    /// <summary>keyrot credential-process with moto's authorization on, as the consumer's machine runs it.</summary>
    private async Task<KeyrotRun> CredentialProcessAsync(params string[] args)
    {
        await moto.Server.SetAuthorizationAsync(true);
        try
        {
            var run = await KeyrotProcess.RunAsync(null, ConsumerEnvironment, ["credential-process", "--secret-id", SecretId, "--region", "us-east-1", "--endpoint-url", Modelled.ToString(), .. args]);
            SecretScan.AssertClean("cli", [run.Stderr]);
            return run;
        }
        finally
        {
            await moto.Server.SetAuthorizationAsync(false);
        }
    }

    private async Task<KeyrotRun> AwsCliAsync(params string[] args)
    {
        await moto.Server.SetAuthorizationAsync(true);
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo(AwsCliFactAttribute.Executable!, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            {
                info.Environment.Remove(name);
            }

            foreach (var (name, value) in ConsumerEnvironment.Where(e => e.Value is not null))
            {
                info.Environment[name] = value;
            }

            info.Environment["AWS_ENDPOINT_URL"] = Modelled.ToString();
            info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
            using var process = System.Diagnostics.Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            return new KeyrotRun(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            await moto.Server.SetAuthorizationAsync(false);
        }
    }

    private static void AssertPrints(KeyrotRun run, (string Id, string Secret) key)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\nstderr:\n{run.Stderr}");
        var json = run.Json();
        Assert.Equal(1, json.GetProperty("Version").GetInt32());
        Assert.Equal(key.Id, json.GetProperty("AccessKeyId").GetString());
        Assert.True(json.GetProperty("SecretAccessKey").GetString() == key.Secret, "SecretAccessKey is not the secret's");
        Assert.False(json.TryGetProperty("SessionToken", out _));
        var expiration = DateTimeOffset.Parse(json.GetProperty("Expiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiration - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
    }

    private void AssertCacheOwnerOnly()
    {
        var directory = Path.Combine(CacheHome, "orgkeyrotation");
        var file = Assert.Single(Directory.GetFiles(directory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    private async Task<IReadOnlyList<string>> CachedKeyIdsAsync()
    {
        using var cache = JsonDocument.Parse(await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(CacheHome, "orgkeyrotation")))));
        return [.. cache.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("accessKeyId").GetString()!)];
    }
}

/// <summary>A fact that needs the AWS CLI (`aws` on PATH) and says so when skipped; the tests never install it.</summary>
public sealed class AwsCliFactAttribute : FactAttribute
{
    public AwsCliFactAttribute()
    {
        if (Executable is null)
        {
            Skip = "the AWS CLI (aws) is not on PATH: install it to run the credential_process profile through the real CLI.";
        }
    }

    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(dir => Path.Combine(dir, "aws"))
        .FirstOrDefault(File.Exists);
}
