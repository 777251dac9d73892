namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>
/// docs/config.schema.json and the settings tables of docs/configuration.md are generated from Settings.All.
/// Each test regenerates its file and fails when the committed one differs; with ORGKEYROTATION_REGENERATE_DOCS=1
/// it writes the file instead.
/// </summary>
public class GeneratedDocsTests
{
    private static readonly bool Regenerate = Environment.GetEnvironmentVariable(SettingsDocs.RegenerateVariable) == "1";

    [Fact]
    public void ConfigSchema_IsGeneratedFromTheSettingsTable() =>
        Compare(Path.Combine(RepositoryFiles.Docs, "config.schema.json"), _ => SettingsDocs.Schema());

    [Fact]
    public void ConfigurationDoc_TablesAreGeneratedFromTheSettingsTable() =>
        Compare(Path.Combine(RepositoryFiles.Docs, "configuration.md"), SettingsDocs.Apply);

    [Fact]
    public void Apply_StaleBlock_IsReplacedAndTheProseKept()
    {
        var stale = "intro\n<!-- BEGIN GENERATED settings:alerts -->\n| old |\n<!-- END GENERATED settings:alerts -->\nafter\n";
        var all = string.Concat(SettingsDocs.MarkdownBlocks().Keys.Where(k => k != "alerts").Select(k => $"<!-- BEGIN GENERATED settings:{k} -->\n<!-- END GENERATED settings:{k} -->\n"));

        var result = SettingsDocs.Apply(stale + all);

        Assert.StartsWith("intro\n<!-- BEGIN GENERATED settings:alerts -->\n| Field |", result, StringComparison.Ordinal);
        Assert.Contains("| `ownerTag` |", result, StringComparison.Ordinal);
        Assert.DoesNotContain("| old |", result, StringComparison.Ordinal);
        Assert.Contains("<!-- END GENERATED settings:alerts -->\nafter\n", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_MissingBlock_Throws() =>
        Assert.Throws<InvalidOperationException>(() => SettingsDocs.Apply("no generated blocks here\n"));

    private static void Compare(string file, Func<string, string> generate)
    {
        var committed = File.ReadAllText(file);
        var generated = generate(committed);
        if (Regenerate)
        {
            File.WriteAllText(file, generated);
            return;
        }

        Assert.True(committed == generated, $"{file} is not what Settings.All generates. Regenerate it and commit the result:\n  {SettingsDocs.RegenerateCommand}");
    }
}

/// <summary>Files of the repository the tests read.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Docs => Path.Combine(Root, "docs");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no OrgKeyRotation.sln above {AppContext.BaseDirectory}");
    }
}
