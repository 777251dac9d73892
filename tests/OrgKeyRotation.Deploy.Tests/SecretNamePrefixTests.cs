using System.Globalization;
using System.Text;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// The secret-name prefix (the literal part of the name template before its first placeholder, which scopes the
/// roles' Secrets Manager ARNs) as Terraform computes it, in one local of central-settings: evaluated by terraform over
/// a table of template shapes, each also put to central-admin's own validation of secret_name_template.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SecretNamePrefixTests
{
    /// <summary>Template, the prefix Terraform computes, and whether central-admin accepts the template.</summary>
    public static TheoryData<string, string, bool> Table() => new()
    {
        { "iam-key-rotation/{accountId}/{userName}", "iam-key-rotation/", true },
        { "orgkeyrotation/{accountId}/{userName}", "orgkeyrotation/", true },
        { "a/{userName}/b", "a/", true },
        { "team-a/keys/{userName}", "team-a/keys/", true },
        { "a/{accountId}-{userName}", "a/", true },
        { "a/{userName}{accountId}", "a/", true },
        { "keys/{accountId}/x/{userName}", "keys/", true },
        { "a.b_c+d=e@f-g/{userName}", "a.b_c+d=e@f-g/", true },
        // Refused: no literal prefix, so the roles' ARNs could not be scoped.
        { "{userName}", "", false },
        { "{accountId}/{userName}", "", false },
        // Refused: the prefix does not end in '/' (the member modules' secret_name_prefix must).
        { "a/b{userName}", "a/b", false },
        { "keys-{accountId}/{userName}", "keys-", false },
        // Refused: no {userName}, or a placeholder the rotator does not fill.
        { "a/{accountId}", "a/", false },
        { "a/{x}/{userName}", "a/", false },
    };

    [TerraformTheory]
    [MemberData(nameof(Table))]
    public void SecretNamePrefix_Template_IsTheLiteralPartBeforeTheFirstPlaceholder(string template, string prefix, bool accepted)
    {
        var (computed, diagnostics) = Evaluated.Value[template];

        Assert.Equal(prefix, computed);
        Assert.True(accepted == (diagnostics.Count == 0),
            $"{template}: central-admin's validation {(accepted ? "refuses" : "accepts")} it:\n{string.Join("\n", diagnostics)}");
        if (!accepted)
        {
            Assert.Contains("secret_name_template must start with a literal prefix ending in '/'", Assert.Single(diagnostics).Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>One local computes the prefix; every other use reads it (central-admin's output, the policies).</summary>
    [NodeFact]
    public void SecretNamePrefix_IsComputedInOneLocal()
    {
        var splits = TerraformTree.Loaded.Files.Values.SelectMany(TerraformTree.Strings)
            .Where(s => s.Contains("secret_name_template", StringComparison.Ordinal) && s.Contains("split(", StringComparison.Ordinal)).ToList();

        Assert.Equal(["${split(\"{\", var.config.secret_name_template)[0]}"], splits);
        Assert.Equal(splits[0], TerraformTree.Loaded.Module("central-settings").Locals["secret_name_prefix"].GetString());
        Assert.Equal("${module.settings.secret_name_prefix}", TerraformStructureTests.Expression(TerraformTree.Loaded.Module("central-admin").Outputs["secret_name_prefix"].GetProperty("value")));
    }

    /// <summary>
    /// Every row in one terraform run: central-settings called with the template (central-admin's defaults for the
    /// rest), and central-admin's variables alone with the same template in a second root, whose diagnostics are the
    /// validation's verdict.
    /// </summary>
    private static readonly Lazy<Dictionary<string, (string Prefix, List<TerraformDiagnostic> Diagnostics)>> Evaluated = new(() =>
    {
        var rows = Table().Select(r => (string)r[0]).ToList();
        using var settings = new TerraformRoot("secret-prefix");
        var echo = settings.VariablesOnlyCopy("central-admin");
        File.WriteAllText(Path.Combine(settings.Directory, echo, "echo.tf"),
            "output \"all\" {\n  value = {\n" + string.Join("", DeployScenarios.VariablesOf("central-admin").Select(v => $"    {v} = var.{v}\n")) + "  }\n}\n");
        var main = new StringBuilder($$"""
            module "defaults" {
              source = "{{echo}}"
            {{DeployScenarios.WithRequiredInputs("central-admin", "accounts_users_json = \"{\\\"222222222222\\\": [\\\"alice\\\"]}\"")}}
            }

            """);
        for (var i = 0; i < rows.Count; i++)
        {
            main.Append(CultureInfo.InvariantCulture, $$"""
                module "row_{{i}}" {
                  source = "{{settings.ModuleSource("central-settings")}}"
                {{DeployScenarios.CentralFacts(fanout: false)}}
                  config = merge(module.defaults.all, { secret_name_template = {{Hcl(rows[i])}} })
                }

                output "row_{{i}}" {
                  value = module.row_{{i}}.secret_name_prefix
                }

                """);
        }

        settings.Write("main.tf", main.ToString());
        settings.Init();
        var outputs = settings.ApplyOutputs();

        using var validation = new TerraformRoot("secret-prefix-validation");
        var copy = validation.VariablesOnlyCopy("central-admin");
        for (var i = 0; i < rows.Count; i++)
        {
            validation.Write($"row_{i}.tf", $"module \"row_{i}\" {{\n  source = \"{copy}\"\n{DeployScenarios.WithRequiredInputs("central-admin", $"secret_name_template = {Hcl(rows[i])}")}\n}}\n");
        }

        validation.Init();
        var (_, diagnostics) = validation.Plan();
        return Enumerable.Range(0, rows.Count).ToDictionary(
            i => rows[i],
            i => (outputs[$"row_{i}"].GetString()!, diagnostics.Where(d => d.File == $"row_{i}.tf").ToList()),
            StringComparer.Ordinal);
    });

    private static string Hcl(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
