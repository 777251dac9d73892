using System.Text.Json;

namespace OrgKeyRotation.Deploy.Tests.Tools;

/// <summary>One diagnostic from `terraform plan -json`, with the root file it points at.</summary>
public sealed record TerraformDiagnostic(string Severity, string Summary, string Detail, string? File, int? Line)
{
    public override string ToString() => $"{Severity}: {Summary}: {Detail} ({File}:{Line})";
}

/// <summary>
/// A throw-away Terraform root module in a temp directory, run with the real terraform binary and never the network:
/// no provider is required by what the tests evaluate (variables, locals, templatefile, outputs and their
/// preconditions), `init` may only look in an empty plugin directory, the CLI configuration is an empty file of our
/// own and the version check (checkpoint) is off.
/// </summary>
public sealed class TerraformRoot : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private readonly string _pluginDirectory;
    private readonly Dictionary<string, string> _environment;

    public TerraformRoot(string name)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"orgkeyrotation-tf-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        _pluginDirectory = Path.Combine(Directory, ".no-plugins");
        System.IO.Directory.CreateDirectory(_pluginDirectory);
        var cliConfig = Path.Combine(Directory, ".terraformrc");
        File.WriteAllText(cliConfig, "# Empty on purpose: no provider installation source, so terraform never downloads.\n");
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["TF_CLI_CONFIG_FILE"] = cliConfig,
            ["CHECKPOINT_DISABLE"] = "1",
            ["TF_IN_AUTOMATION"] = "1",
            ["TF_INPUT"] = "0",
            ["TF_DATA_DIR"] = Path.Combine(Directory, ".terraform"),
            ["TF_PLUGIN_CACHE_DIR"] = "",
            ["TF_LOG"] = "",
        };
    }

    public string Directory { get; }

    /// <summary>The source of a module under deploy/terraform/modules, relative to this root (local sources must be).</summary>
    public string ModuleSource(string moduleName) => RelativeSource(Path.Combine(RepositoryPaths.Terraform, "modules", moduleName));

    public string RelativeSource(string directory) =>
        "./" + Path.GetRelativePath(Directory, directory).Replace('\\', '/');

    /// <summary>A copy of a module holding only its variable blocks (its variables*.tf files), under this root.</summary>
    public string VariablesOnlyCopy(string moduleName)
    {
        var target = Path.Combine(Directory, "variables-only", moduleName);
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in DeployScenarios.VariableFiles(moduleName))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        return "./variables-only/" + moduleName;
    }

    public void Write(string fileName, string content) => File.WriteAllText(Path.Combine(Directory, fileName), content);

    public void Init()
    {
        var result = Run("init", "-input=false", "-no-color", "-backend=true", $"-plugin-dir={_pluginDirectory}");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"terraform init failed in {Directory}:\n{result.StandardError}\n{result.StandardOutput}");
        }
    }

    /// <summary>`terraform plan -json`: every diagnostic, and whether the plan succeeded.</summary>
    public (bool Succeeded, IReadOnlyList<TerraformDiagnostic> Diagnostics) Plan()
    {
        var result = Run("plan", "-input=false", "-no-color", "-json", "-lock=false");
        var diagnostics = new List<TerraformDiagnostic>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            if (!doc.RootElement.TryGetProperty("diagnostic", out var d))
            {
                continue;
            }

            string? file = null;
            int? lineNumber = null;
            if (d.TryGetProperty("range", out var range))
            {
                file = range.GetProperty("filename").GetString();
                lineNumber = range.GetProperty("start").GetProperty("line").GetInt32();
            }

            diagnostics.Add(new TerraformDiagnostic(
                d.GetProperty("severity").GetString()!,
                d.GetProperty("summary").GetString()!,
                d.TryGetProperty("detail", out var detail) ? detail.GetString()! : "",
                file,
                lineNumber));
        }

        return (result.ExitCode == 0, diagnostics);
    }

    /// <summary>`terraform apply` of a root without resources (outputs only), then its outputs as JSON values.</summary>
    public IReadOnlyDictionary<string, JsonElement> ApplyOutputs()
    {
        var apply = Run("apply", "-input=false", "-no-color", "-auto-approve", "-lock=false");
        if (apply.ExitCode != 0)
        {
            throw new InvalidOperationException($"terraform apply failed in {Directory}:\n{apply.StandardError}\n{apply.StandardOutput}");
        }

        var output = Run("output", "-json", "-no-color");
        if (output.ExitCode != 0)
        {
            throw new InvalidOperationException($"terraform output failed in {Directory}:\n{output.StandardError}");
        }

        using var doc = JsonDocument.Parse(output.StandardOutput);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").Clone(), StringComparer.Ordinal);
    }

    public ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run("terraform", arguments, Directory, _environment, CommandTimeout);

    /// <summary>`terraform fmt` on a path outside this root (this root only provides the offline environment).</summary>
    public ProcessResult Fmt(string path) =>
        ProcessRunner.Run("terraform", ["fmt", "-check", "-recursive", "-diff", "-no-color", path], Directory, _environment, CommandTimeout);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; never hide the test's own result behind it.
        }
    }
}
