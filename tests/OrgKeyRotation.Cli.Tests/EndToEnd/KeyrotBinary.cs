using System.Diagnostics;

namespace OrgKeyRotation.Cli.Tests.EndToEnd;

/// <summary>
/// The Native AOT keyrot under test: the file named by ORGKEYROTATION_KEYROT when set (e.g. the one
/// scripts/publish_cli.sh built; a relative path is taken from the repository root), otherwise published once per test
/// run into artifacts/cli/test-publish.
/// </summary>
internal static class KeyrotBinary
{
    public const string PathVariable = "ORGKEYROTATION_KEYROT";

    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    public static Task<string> GetAsync()
    {
        var given = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(given))
        {
            return Published.Value;
        }

        var path = Path.GetFullPath(given, RepositoryRoot());
        return File.Exists(path)
            ? Task.FromResult(path)
            : throw new FileNotFoundException($"{PathVariable} names {path}, which does not exist; run scripts/publish_cli.sh or unset {PathVariable}.", path);
    }

    private static async Task<string> PublishAsync()
    {
        var root = RepositoryRoot();
        var rid = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var output = Path.Combine(root, "artifacts", "cli", "test-publish");
        var info = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "OrgKeyRotation.Cli"), "-c", "Release", "-r", rid, "-p:PublishAot=true", "-o", output, "--nologo", "-v", "quiet", "-nodeReuse:false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet could not be started to publish keyrot.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Publishing keyrot with Native AOT failed (exit {process.ExitCode}); run scripts/publish_cli.sh to see why.\n{await stdout}\n{await stderr}");
        }

        return Path.Combine(output, "keyrot");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OrgKeyRotation.sln not found above the test directory; set " + PathVariable + " to a published keyrot.");
    }
}
