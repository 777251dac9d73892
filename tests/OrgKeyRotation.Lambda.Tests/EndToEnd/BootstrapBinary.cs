using System.Diagnostics;

namespace OrgKeyRotation.Lambda.Tests.EndToEnd;

/// <summary>
/// The Native AOT bootstrap under test: the file named by ORGKEYROTATION_BOOTSTRAP when set (e.g. the one
/// deploy/package_lambda.sh built; a relative path is taken from the repository root), otherwise published once
/// per test run into artifacts/lambda/test-publish.
/// </summary>
internal static class BootstrapBinary
{
    public const string PathVariable = "ORGKEYROTATION_BOOTSTRAP";

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
            : throw new FileNotFoundException($"{PathVariable} names {path}, which does not exist; run deploy/package_lambda.sh or unset {PathVariable}.", path);
    }

    private static async Task<string> PublishAsync()
    {
        var root = RepositoryRoot();
        var output = Path.Combine(root, "artifacts", "lambda", "test-publish");
        var info = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "OrgKeyRotation.Lambda"), "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo", "-v", "quiet", "-nodeReuse:false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet could not be started to publish the bootstrap.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Publishing the AOT bootstrap failed (exit {process.ExitCode}); run deploy/package_lambda.sh to see why.\n{await stdout}\n{await stderr}");
        }

        return Path.Combine(output, "bootstrap");
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

        throw new InvalidOperationException("OrgKeyRotation.sln not found above the test directory; set " + PathVariable + " to a published bootstrap.");
    }
}
