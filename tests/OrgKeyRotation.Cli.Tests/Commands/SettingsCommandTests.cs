using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Cli.Tests.Commands;

public class SettingsCommandTests
{
    [Fact]
    public async Task Settings_Table_PrintsEverySettingWithPathVariableDefaultRangeAndDescription()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("settings");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Null(cli.Built);
        Assert.All(Settings.All, s => Assert.Contains($"{s.Name}  ({s.JsonPath}, {s.Variable})", cli.Stdout, StringComparison.Ordinal));
        var maxAge = (IntSetting)Settings.Find("policy.maxKeyAgeDays")!;
        Assert.Contains($"  integer; default 90 (CIS 1.14); allowed {maxAge.Minimum}-{maxAge.Maximum}\n", cli.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"  {maxAge.Description.Replace("`", "", StringComparison.Ordinal)}\n", cli.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("`", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_Json_OneObjectPerSettingWithRangeForIntegers()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("settings", "-o", "json");

        Assert.Equal(ExitCodes.Ok, code);
        using var doc = JsonDocument.Parse(cli.Stdout);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(Settings.All.Select(s => s.Name), rows.Select(r => r.GetProperty("name").GetString()));
        var maxAge = rows.Single(r => r.GetProperty("name").GetString() == "policy.maxKeyAgeDays");
        Assert.Equal("$.policy.maxKeyAgeDays", maxAge.GetProperty("jsonPath").GetString());
        Assert.Equal(Settings.Find("policy.maxKeyAgeDays")!.Variable, maxAge.GetProperty("variable").GetString());
        Assert.Equal("integer", maxAge.GetProperty("type").GetString());
        Assert.Equal("90 (CIS 1.14)", maxAge.GetProperty("default").GetString());
        Assert.Equal(((IntSetting)Settings.Find("policy.maxKeyAgeDays")!).Maximum, maxAge.GetProperty("maximum").GetInt32());
        var flag = rows.First(r => r.GetProperty("type").GetString() == "boolean");
        Assert.Equal(JsonValueKind.Null, flag.GetProperty("minimum").ValueKind);
        Assert.Equal(JsonValueKind.Null, flag.GetProperty("pattern").ValueKind);
        // A text setting's pattern, and a list's pattern for each item, as the JSON schema states them.
        var role = rows.Single(r => r.GetProperty("name").GetString() == "roleName");
        Assert.Equal(((TextSetting)Settings.Find("roleName")!).SchemaPattern, role.GetProperty("pattern").GetString());
        var excluded = rows.Single(r => r.GetProperty("name").GetString() == "discovery.excludeAccounts");
        Assert.Equal("^[0-9]{12}$", excluded.GetProperty("pattern").GetString());
    }
}
