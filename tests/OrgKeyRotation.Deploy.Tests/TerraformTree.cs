using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// Every .tf / .tfvars.example file under deploy/terraform, parsed once by @cdktf/hcl2json
/// (deploy/terraform/tests/hcl2json.js). Attribute values that are expressions stay strings of the form "${...}".
/// </summary>
public sealed partial class TerraformTree
{
    private static readonly Lazy<TerraformTree> LazyLoaded = new(Load);

    private TerraformTree(IReadOnlyDictionary<string, JsonElement> files) => Files = files;

    /// <summary>The tree, parsed on first use and shared by all tests.</summary>
    public static TerraformTree Loaded => LazyLoaded.Value;

    /// <summary>Parsed body per path relative to deploy/terraform, with '/' separators.</summary>
    public IReadOnlyDictionary<string, JsonElement> Files { get; }

    public static IReadOnlyList<string> ModuleNames { get; } = ["central-admin", "central-settings", "member-account", "member-policies", "member-roles-stackset"];

    /// <summary>The modules that compute without a provider (evaluated by the tests with terraform offline).</summary>
    public static IReadOnlyList<string> ProviderFreeModules { get; } = ["central-settings", "member-policies"];

    public static IReadOnlyList<string> ExampleNames { get; } = ["central-secrets", "destinations", "member-account", "organization-discovery", "single-account-list"];

    public TerraformDirectory Module(string name) => Directory("modules/" + name);

    public TerraformDirectory Example(string name) => Directory("examples/" + name);

    public TerraformDirectory Directory(string relativePath)
    {
        var prefix = relativePath.TrimEnd('/') + "/";
        var files = Files
            .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal) && !f.Key[prefix.Length..].Contains('/'))
            .ToDictionary(f => f.Key[prefix.Length..], f => f.Value, StringComparer.Ordinal);
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"deploy/terraform/{relativePath} holds no parsed Terraform file.");
        }

        return new TerraformDirectory(relativePath, files);
    }

    /// <summary>Parses one file or directory (relative to deploy/terraform, or absolute) with the node script.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Parse(string path)
    {
        var tools = Path.Combine(RepositoryPaths.Terraform, "tests");
        if (!System.IO.Directory.Exists(Path.Combine(tools, "node_modules", "@cdktf", "hcl2json")))
        {
            throw new InvalidOperationException(
                "deploy/terraform/tests/node_modules is missing, so the Terraform cannot be parsed. " +
                "Run scripts/test.sh (it installs it), or: cd deploy/terraform/tests && npm ci");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Terraform,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(tools, "hcl2json.js"));
        start.ArgumentList.Add(path);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("node is not on PATH; install Node.js 20+ (scripts/test.sh needs it for the Terraform checks).", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("node hcl2json.js did not finish within 2 minutes.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"HCL parse failed (node hcl2json.js {path}, exit {process.ExitCode}):\n{stderr.Result}");
            }

            using var doc = JsonDocument.Parse(stdout.Result);
            return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        }
    }

    private static TerraformTree Load() => new(Parse("."));

    /// <summary>Every string value inside an element (keys excluded), depth first.</summary>
    public static IEnumerable<string> Strings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return element.GetString()!;
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var s in Strings(item))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var s in Strings(property.Value))
                    {
                        yield return s;
                    }
                }

                break;
            default:
                break;
        }
    }

    /// <summary>Names after "var." in expression text.</summary>
    public static IEnumerable<string> VariableReferences(string text) =>
        VarReference().Matches(text).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")]
    private static partial Regex VarReference();
}

/// <summary>The files of one module or example root (not its subdirectories).</summary>
public sealed class TerraformDirectory(string path, IReadOnlyDictionary<string, JsonElement> files)
{
    public string Path { get; } = path;

    public IReadOnlyDictionary<string, JsonElement> Files { get; } = files;

    /// <summary>Blocks of one top-level kind ("variable", "output", "module"...) by label; each label's first body.</summary>
    public IReadOnlyDictionary<string, JsonElement> Blocks(string kind)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var file in Files.Values)
        {
            if (file.TryGetProperty(kind, out var blocks))
            {
                foreach (var block in blocks.EnumerateObject())
                {
                    result.Add(block.Name, block.Value[0]);
                }
            }
        }

        return result;
    }

    public IReadOnlyDictionary<string, JsonElement> Variables => Blocks("variable");

    public IReadOnlyDictionary<string, JsonElement> Outputs => Blocks("output");

    public IReadOnlyDictionary<string, JsonElement> ModuleCalls => Blocks("module");

    /// <summary>A resource body by type and name.</summary>
    public JsonElement Resource(string type, string name)
    {
        foreach (var file in Files.Values)
        {
            if (file.TryGetProperty("resource", out var resources) && resources.TryGetProperty(type, out var ofType) &&
                ofType.TryGetProperty(name, out var bodies))
            {
                return bodies[0];
            }
        }

        throw new KeyNotFoundException($"{Path} declares no resource {type}.{name}.");
    }

    /// <summary>All resources as (type, name, body).</summary>
    public IEnumerable<(string Type, string Name, JsonElement Body)> Resources()
    {
        foreach (var file in Files.Values)
        {
            if (!file.TryGetProperty("resource", out var resources))
            {
                continue;
            }

            foreach (var type in resources.EnumerateObject())
            {
                foreach (var named in type.Value.EnumerateObject())
                {
                    yield return (type.Name, named.Name, named.Value[0]);
                }
            }
        }
    }

    /// <summary>The merged locals of every file.</summary>
    public IReadOnlyDictionary<string, JsonElement> Locals
    {
        get
        {
            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var file in Files.Values)
            {
                if (file.TryGetProperty("locals", out var blocks))
                {
                    foreach (var block in blocks.EnumerateArray())
                    {
                        foreach (var local in block.EnumerateObject())
                        {
                            result.Add(local.Name, local.Value);
                        }
                    }
                }
            }

            return result;
        }
    }

    /// <summary>Every string in the directory's .tf files except inside the given top-level kinds.</summary>
    public IEnumerable<string> StringsOutside(params string[] excludedKinds) =>
        Files.Where(f => f.Key.EndsWith(".tf", StringComparison.Ordinal))
            .SelectMany(f => f.Value.EnumerateObject())
            .Where(p => !excludedKinds.Contains(p.Name))
            .SelectMany(p => TerraformTree.Strings(p.Value));
}
