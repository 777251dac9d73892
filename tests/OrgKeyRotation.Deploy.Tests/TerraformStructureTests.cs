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

    [NodeTheory]
    [MemberData(nameof(AllRoots))]
    public void Readme_ListsEveryInputAndOutput(string root)
    {
        var dir = Tree.Directory(root);
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Terraform, root, "README.md"));
        if (root.StartsWith("examples/", StringComparison.Ordinal))
        {
            Assert.Contains("terraform.tfvars.example", readme, StringComparison.Ordinal);
            return;
        }

        var inputs = Section(readme, "## Inputs");
        var outputs = Section(readme, "## Outputs");
        Assert.All(dir.Variables.Keys, v => Assert.Contains($"| `{v}` |", inputs, StringComparison.Ordinal));
        Assert.All(dir.Outputs.Keys, o => Assert.Contains($"| `{o}` |", outputs, StringComparison.Ordinal));
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

    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{heading}' section");
        var next = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return next < 0 ? markdown[start..] : markdown[start..next];
    }

    internal static string Expression(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}
