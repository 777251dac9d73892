using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.GitHub.Tests.EndToEnd;

/// <summary>
/// The adapter compiled with Native AOT (tests/OrgKeyRotation.GitHub.AotProbe), laid out as the Lambda zip is: the
/// binary with libsodium.so beside it and nothing else, run from another directory. It writes a secret to the contract
/// server, whose oracle opens it; without libsodium.so it fails with the message that says where the library belongs.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NativeAotProbeTests(OracleFixture fixture) : IClassFixture<OracleFixture>
{
    public const string PathVariable = "ORGKEYROTATION_GITHUB_AOT_PROBE";
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    [OracleFact]
    public async Task Probe_PublishedWithLibsodiumBeside_WritesASecretTheOracleOpens()
    {
        await using var server = GitHubContractServer.Start(fixture.Oracle, TimeProvider.System);
        server.AddRepository("octo", "app");
        server.InstallApp("octo", "secrets");
        var value = "{\"AccessKeyId\":\"AKIAPROBE\",\"SecretAccessKey\":\"" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N") + "\"}";
        SecretScan.RegisterSecret(value);
        using var layout = await LayoutAsync(withLibsodium: true);

        var (exit, output, error) = await RunAsync(layout.Path, server, value);

        Assert.True(exit == 0, $"the probe failed ({exit}): {error}");
        Assert.StartsWith("created ", output, StringComparison.Ordinal);
        Assert.Equal(value, Encoding.UTF8.GetString(server.Secret(GitHubSecretTarget.ForRepository("octo", "app").KeyScope, "AWS_KEY")!.Value));
        SecretScan.RegisterSecrets(server.IssuedTokens);
        SecretScan.AssertClean("aot-probe", [output, error]);
    }

    [OracleFact]
    public async Task Probe_WithoutLibsodium_SealingUnavailableSaysWhereTheLibraryBelongs()
    {
        await using var server = GitHubContractServer.Start(fixture.Oracle, TimeProvider.System);
        server.AddRepository("octo", "app");
        server.InstallApp("octo", "secrets");
        using var layout = await LayoutAsync(withLibsodium: false);

        var (exit, _, error) = await RunAsync(layout.Path, server, "value-" + Guid.NewGuid());

        Assert.Equal(1, exit);
        Assert.Contains("SealingUnavailable", error, StringComparison.Ordinal);
        Assert.Contains("libsodium.so must sit beside the executable", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string directory, GitHubContractServer server, string value)
    {
        var pem = server.AppPrivateKeyPem;
        SecretScan.RegisterSecrets(pem.Split('\n').Where(l => l.Length >= 40));
        var info = new ProcessStartInfo(Path.Combine(directory, "aot-probe"), [server.BaseUrl.ToString(), "octo", "app", "AWS_KEY"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.Environment["ORGKEYROTATION_PROBE_CREDENTIAL"] = JsonSerializer.Serialize(new { appId = GitHubContractServer.AppId, privateKey = pem });
        using var process = Process.Start(info) ?? throw new InvalidOperationException("the probe could not be started.");
        await process.StandardInput.WriteAsync(value);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, (await output).Trim(), (await error).Trim());
    }

    /// <summary>A fresh directory with only the probe binary (and libsodium.so), as the Lambda zip holds the bootstrap.</summary>
    private static async Task<TemporaryDirectory> LayoutAsync(bool withLibsodium)
    {
        var published = Path.GetDirectoryName(await ProbeAsync())!;
        var layout = new TemporaryDirectory();
        File.Copy(Path.Combine(published, "aot-probe"), Path.Combine(layout.Path, "aot-probe"));
        if (withLibsodium)
        {
            File.Copy(Path.Combine(published, "libsodium.so"), Path.Combine(layout.Path, "libsodium.so"));
        }

        return layout;
    }

    private static Task<string> ProbeAsync()
    {
        var given = Environment.GetEnvironmentVariable(PathVariable);
        return string.IsNullOrEmpty(given) ? Published.Value : Task.FromResult(Path.GetFullPath(given, SodiumOracle.RepositoryRoot()));
    }

    private static async Task<string> PublishAsync()
    {
        var root = SodiumOracle.RepositoryRoot();
        var output = Path.Combine(root, "artifacts", "github-aot-probe");
        var info = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "tests", "OrgKeyRotation.GitHub.AotProbe"), "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo", "-v", "quiet", "-nodeReuse:false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet could not be started to publish the AOT probe.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        return process.ExitCode == 0
            ? Path.Combine(output, "aot-probe")
            : throw new InvalidOperationException($"Publishing the AOT probe failed (exit {process.ExitCode}).\n{await stdout}\n{await stderr}");
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = System.IO.Directory.CreateTempSubdirectory("github-aot-probe-").FullName;

        public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
    }
}
