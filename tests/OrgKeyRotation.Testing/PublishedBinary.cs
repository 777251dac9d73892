using System.Diagnostics;

namespace OrgKeyRotation.Testing;

/// <summary>
/// A Native AOT binary under test: the file an environment variable names (e.g. one a script built; a relative path
/// is taken from the repository root), otherwise published once per test run into artifacts/.
/// </summary>
/// <param name="PathVariable">The variable that names a binary built beforehand.</param>
/// <param name="Project">The project under src/ to publish.</param>
/// <param name="Output">The publish folder under artifacts/.</param>
/// <param name="FileName">The binary's name in that folder.</param>
/// <param name="Script">The script that builds it, for messages.</param>
/// <param name="PublishProperties">Extra MSBuild properties of the publish (e.g. -p:PublishAot=true).</param>
public sealed record PublishedBinary(string PathVariable, string Project, string Output, string FileName, string Script, params string[] PublishProperties)
{
    private readonly Lazy<Task<string>> _published = new(() => PublishAsync(Project, Output, FileName, Script, PublishProperties));

    public Task<string> GetAsync()
    {
        var given = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(given))
        {
            return _published.Value;
        }

        var path = Path.GetFullPath(given, RepositoryRoot());
        return File.Exists(path)
            ? Task.FromResult(path)
            : throw new FileNotFoundException($"{PathVariable} names {path}, which does not exist; run {Script} or unset {PathVariable}.", path);
    }

    private static async Task<string> PublishAsync(string project, string output, string fileName, string script, string[] properties)
    {
        var root = RepositoryRoot();
        var rid = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var folder = Path.Combine(root, "artifacts", output);
        var info = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", project), "-c", "Release", "-r", rid, .. properties, "-o", folder, "--nologo", "-v", "quiet", "-nodeReuse:false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"dotnet could not be started to publish {project}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Publishing {project} with Native AOT failed (exit {process.ExitCode}); run {script} to see why.\n{await stdout}\n{await stderr}");
        }

        return Path.Combine(folder, fileName);
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

        throw new InvalidOperationException("OrgKeyRotation.sln not found above the test directory; set the variable that names a published binary.");
    }
}
