using System.Text.Json;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>Files, versions, variables and outputs of every module and example follow the module conventions.</summary>
[Trait("Category", "Unit")]
public sealed class TerraformStructureTests
{
    private static TerraformTree Tree => TerraformTree.Loaded;

    public static TheoryData<string> AllRoots()
    {
        var data = new TheoryData<string>();
        foreach (var m in TerraformTree.ModuleNames)
        {
            data.Add("modules/" + m);
        }

        foreach (var e in TerraformTree.ExampleNames)
        {
            data.Add("examples/" + e);
        }

        return data;
    }

    [NodeFact]
    public void AllTerraformFiles_OnDisk_AreParsed()
    {
        var onDisk = Directory.EnumerateFiles(RepositoryPaths.Terraform, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("node_modules", StringComparison.Ordinal) && !f.Contains(".terraform", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".tf", StringComparison.Ordinal) || f.EndsWith(".tfvars.example", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Terraform, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(onDisk.Count >= 20, $"expected the modules and examples under deploy/terraform, found {onDisk.Count} files");
        Assert.Equal(onDisk, Tree.Files.Keys.Order(StringComparer.Ordinal).ToList());
    }

    [NodeFact]
    public void Parse_InvalidHcl_FailsWithFileAndLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"invalid-{Guid.NewGuid():N}.tf");
        File.WriteAllText(file, "variable \"x\" {\n  type = \n}\n");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => TerraformTree.Parse(file));
            Assert.Contains("2,", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void Root_HasStandardFilesAndReadme(string root)
    {
        var expected = new List<string> { "main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md" };
        if (root.StartsWith("examples/", StringComparison.Ordinal))
        {
            expected.Add("terraform.tfvars.example");
        }

        var dir = Path.Combine(RepositoryPaths.Terraform, root);
        Assert.All(expected, f => Assert.True(File.Exists(Path.Combine(dir, f)), $"{root}/{f} is missing"));
    }

    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void Versions_RequireTerraform15AndTheSameAwsProviderRange(string root)
    {
        var terraform = Tree.Directory(root).Files["versions.tf"].GetProperty("terraform")[0];

        Assert.Equal(">= 1.5", terraform.GetProperty("required_version").GetString());
        if (TerraformTree.ProviderFreeModules.Any(m => root == "modules/" + m))
        {
            // No provider, so the tests can evaluate the module offline.
            Assert.False(terraform.TryGetProperty("required_providers", out _), $"{root} must not require a provider");
            return;
        }

        var aws = terraform.GetProperty("required_providers")[0].GetProperty("aws");
        Assert.Equal("hashicorp/aws", aws.GetProperty("source").GetString());
        // 5.26.0 first accepts runtime provided.al2023 (provider CHANGELOG); 6.x is allowed.
        Assert.Equal(">= 5.26.0, < 7.0.0", aws.GetProperty("version").GetString());
    }

    [NodeFact]
    public void ProviderFreeModules_DeclareNoProviderResourceOrDataSource()
    {
        foreach (var module in TerraformTree.ProviderFreeModules)
        {
            Assert.All(Tree.Module(module).Files.Values, file =>
            {
                Assert.False(file.TryGetProperty("resource", out _), $"{module} declares a resource");
                Assert.False(file.TryGetProperty("data", out _), $"{module} declares a data source");
                Assert.False(file.TryGetProperty("provider", out _), $"{module} configures a provider");
            });
        }
    }

    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void Variables_HaveTypeAndDescription(string root)
    {
        var variables = Tree.Directory(root).Variables;

        Assert.NotEmpty(variables);
        Assert.All(variables, v =>
        {
            Assert.True(v.Value.TryGetProperty("type", out _), $"{root}: variable {v.Key} has no type");
            Assert.True(v.Value.TryGetProperty("description", out var d) && d.GetString()!.Length > 10, $"{root}: variable {v.Key} has no description");
        });
    }

    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void Outputs_HaveDescriptions(string root)
    {
        var outputs = Tree.Directory(root).Outputs;

        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Value.TryGetProperty("description", out var d) && d.GetString()!.Length > 10,
            $"{root}: output {o.Key} has no description"));
    }

    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void VariableReferences_AreDeclared(string root)
    {
        var dir = Tree.Directory(root);

        var referenced = dir.Files.Where(f => f.Key.EndsWith(".tf", StringComparison.Ordinal))
            .SelectMany(f => TerraformTree.Strings(f.Value)).SelectMany(TerraformTree.VariableReferences).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(referenced.Except(dir.Variables.Keys).Order(StringComparer.Ordinal));
    }

    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void DeclaredVariables_AreUsedOutsideTheirOwnBlock(string root)
    {
        var dir = Tree.Directory(root);

        var used = dir.StringsOutside("variable").SelectMany(TerraformTree.VariableReferences).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(dir.Variables.Keys.Except(used).Order(StringComparer.Ordinal));
    }

    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void Validations_ReferenceOnlyTheirOwnVariable(string root)
    {
        // Terraform before 1.9 rejects a validation that reads another variable; versions.tf allows 1.5.
        foreach (var (name, body) in Tree.Directory(root).Variables)
        {
            if (!body.TryGetProperty("validation", out var validations))
            {
                continue;
            }

            foreach (var validation in validations.EnumerateArray())
            {
                var condition = validation.GetProperty("condition").GetString()!;
                Assert.Contains($"var.{name}", condition, StringComparison.Ordinal);
                Assert.All(TerraformTree.VariableReferences(condition), r => Assert.Equal(name, r));
                Assert.False(condition.Contains("local.", StringComparison.Ordinal), $"{root}: validation of {name} reads a local");
                Assert.True(validation.GetProperty("error_message").GetString()!.Length > 10, $"{root}: validation of {name} has no useful message");
            }
        }
    }

    /// <summary>Set to 1 to write the README tables instead of comparing them.</summary>
    public const string RegenerateVariable = "ORGKEYROTATION_REGENERATE_TERRAFORM_DOCS";

    public const string RegenerateCommand = RegenerateVariable + "=1 dotnet test tests/OrgKeyRotation.Deploy.Tests --filter FullyQualifiedName~Readme_InputAndOutputTables";

    /// <summary>
    /// Each README's "## Inputs" and "## Outputs" sections are generated from the variable and output blocks (name,
    /// description, type, default, required), as terraform-docs would; the test fails when they differ, naming the
    /// command that rewrites them. Examples also name their terraform.tfvars.example.
    /// </summary>
    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void Readme_InputAndOutputTablesAreGenerated(string root)
    {
        var file = Path.Combine(RepositoryPaths.Terraform, root, "README.md");
        var readme = File.ReadAllText(file);
        if (root.StartsWith("examples/", StringComparison.Ordinal))
        {
            Assert.Contains("terraform.tfvars.example", readme, StringComparison.Ordinal);
        }

        var start = readme.IndexOf("## Inputs\n", StringComparison.Ordinal);
        var outputs = readme.IndexOf("## Outputs\n", StringComparison.Ordinal);
        Assert.True(start >= 0 && outputs > start, $"{root}/README.md needs a '## Inputs' section followed by '## Outputs'");
        var end = readme.IndexOf("\n## ", outputs, StringComparison.Ordinal);
        end = end < 0 ? readme.Length : end + 1;
        var generated = readme[..start] + Tables(Tree.Directory(root)) + (end < readme.Length ? "\n" + readme[end..] : "");
        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
        {
            File.WriteAllText(file, generated);
            return;
        }

        Assert.True(readme == generated, $"{root}/README.md: the Inputs/Outputs tables are not what the module declares. Regenerate them:\n  {RegenerateCommand}");
    }

    private static string Tables(TerraformDirectory dir)
    {
        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
        static string Code(string text) => "`" + OneLine(text) + "`";

        // A multi-line type on one line, with the commas HCL takes between attributes: object({ a = string, b = bool }).
        static string OneLine(string text)
        {
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
            var result = new System.Text.StringBuilder(lines[0]);
            for (var i = 1; i < lines.Length; i++)
            {
                var opens = lines[i - 1].EndsWith('(') || lines[i - 1].EndsWith('{');
                var closes = lines[i].StartsWith('}') || lines[i].StartsWith(')');
                result.Append(opens || closes ? " " : ", ").Append(lines[i]);
            }

            return result.ToString();
        }

        var table = new System.Text.StringBuilder("## Inputs\n\n| Name | Description | Type | Default | Required |\n| --- | --- | --- | --- | --- |\n");
        foreach (var (name, body) in dir.Variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            var type = body.GetProperty("type").GetString()!;
            var hasDefault = body.TryGetProperty("default", out var value);
            table.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"| `{name}` | {Cell(body.GetProperty("description").GetString()!)} | {Code(type[2..^1])} | {(hasDefault ? Code(value.GetRawText()) : "n/a")} | {(hasDefault ? "no" : "yes")} |\n");
        }

        table.Append("\n## Outputs\n\n| Name | Description |\n| --- | --- |\n");
        foreach (var (name, body) in dir.Outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            table.Append(System.Globalization.CultureInfo.InvariantCulture, $"| `{name}` | {Cell(body.GetProperty("description").GetString()!)} |\n");
        }

        return table.ToString();
    }

    [NodeFact]
    public void Providers_NeverHardCodeCredentials()
    {
        var keys = new[] { "access_key", "secret_key", "token" };

        foreach (var (path, file) in Tree.Files)
        {
            if (!file.TryGetProperty("provider", out var providers))
            {
                continue;
            }

            foreach (var block in providers.EnumerateObject().SelectMany(p => p.Value.EnumerateArray()))
            {
                Assert.All(keys, k => Assert.False(block.TryGetProperty(k, out _), $"{path}: a provider sets {k}"));
            }
        }
    }

    internal static string Expression(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}
