using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;

namespace OrgKeyRotation.Cli.Tests.Output;

/// <summary>Each user's destinations, and whether each holds the current key, in every format of plan and report.</summary>
public class DestinationViewTests
{
    private static readonly string[] States =
    [
        "ssm:/keys/111111111111/alice  current",
        $"github:octo/deploy (environment prod)  not current (holds {Samples.SecondKey})",
        "ssm:/pair/alice{/access-key-id,/secret-access-key}  never written",
    ];

    [Fact]
    public async Task Plan_Table_ListsEachDestinationAndWhatItHolds()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.WithDestinations(Samples.Sweep(dryRun: true, accountBFails: false));

        var code = await cli.RunAsync("plan");

        Assert.Equal(ExitCodes.Ok, code);
        var section = cli.Stdout[cli.Stdout.IndexOf("Destinations:", StringComparison.Ordinal)..];
        Assert.Contains("ACCOUNT       USER   DESTINATION", section, StringComparison.Ordinal);
        Assert.All(States, s => Assert.Contains(s.Split("  ")[1], section.Split('\n').Single(l => l.Contains(s.Split("  ")[0], StringComparison.Ordinal)), StringComparison.Ordinal));
        Assert.Contains("2026-11-23T12:00:00Z", section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_WithoutDestinations_HasNoSection()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.Sweep(dryRun: true, accountBFails: false);

        await cli.RunAsync("plan");

        Assert.DoesNotContain("Destinations:", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Json_HasTheDestinationsOfEachUser()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.WithDestinations(Samples.Sweep(dryRun: true, accountBFails: false));

        await cli.RunAsync("plan", "-o", "json");

        using var doc = JsonDocument.Parse(cli.Stdout);
        var destinations = doc.RootElement.GetProperty("destinations").EnumerateArray().ToList();
        Assert.Equal(3, destinations.Count);
        Assert.All(destinations, d => Assert.Equal("alice", d.GetProperty("userName").GetString()));
        Assert.Equal([true, false, false], destinations.Select(d => d.GetProperty("holdsCurrentKey").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, destinations[2].GetProperty("accessKeyId").ValueKind);
    }

    [Fact]
    public async Task Plan_Csv_EveryRowOfTheUserNamesItsDestinations()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.WithDestinations(Samples.Sweep(dryRun: true, accountBFails: false));

        await cli.RunAsync("plan", "-o", "csv");

        var lines = cli.Stdout.TrimEnd('\n').Split('\n');
        const string Cell = "ssm:/keys/111111111111/alice=current; github:octo/deploy (environment prod)=not current; ssm:/pair/alice{/access-key-id,/secret-access-key}=never written";
        Assert.All(lines.Where(l => l.Contains(",alice,", StringComparison.Ordinal)), l => Assert.EndsWith($",\"{Cell}\"", l, StringComparison.Ordinal));
        Assert.EndsWith(",", lines.Single(l => l.Contains(",bob,", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_TableJsonAndCsv_ShowTheDestinationsAndCountThoseNotCurrent()
    {
        var cli = new CliHarness();
        cli.Service.Inventory = Samples.WithDestinations(Samples.Inventory());

        await cli.RunAsync("report");
        var table = cli.Stdout;
        var json = new CliHarness();
        json.Service.Inventory = cli.Service.Inventory;
        await json.RunAsync("report", "-o", "json");
        var csv = new CliHarness();
        csv.Service.Inventory = cli.Service.Inventory;
        await csv.RunAsync("report", "-o", "csv");

        Assert.Contains("destinations 3, not holding the current key 2", table, StringComparison.Ordinal);
        Assert.Contains("never written", table[table.IndexOf("Destinations:", StringComparison.Ordinal)..], StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("summary").GetProperty("destinationsNotCurrent").GetInt32());
        Assert.Equal(3, doc.RootElement.GetProperty("destinations").GetArrayLength());
        Assert.Contains("=not current;", csv.Stdout.Split('\n').First(l => l.Contains(",alice,", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_Html_HasADestinationsTableWithTheStaleOnesFlagged()
    {
        var cli = new CliHarness();
        cli.Service.Inventory = Samples.WithDestinations(Samples.Inventory());
        var path = Path.Combine(Path.GetTempPath(), $"keyrot-{Guid.NewGuid():N}.html");

        await cli.RunAsync("report", "--output", "html", "--out", path);

        var html = await File.ReadAllTextAsync(path);
        File.Delete(path);
        Assert.Contains("<table id=\"destinations\">", html, StringComparison.Ordinal);
        Assert.Equal(3, html.Split("<tr class=\"destination").Length - 1);
        Assert.Equal(2, html.Split("<tr class=\"destination flagged\"").Length - 1);
        Assert.Contains("<code>github:octo/deploy (environment prod)</code>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"card-destinations\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_Html_WithoutDestinations_HasNoTable()
    {
        var cli = new CliHarness();
        var path = Path.Combine(Path.GetTempPath(), $"keyrot-{Guid.NewGuid():N}.html");

        await cli.RunAsync("report", "--output", "html", "--out", path);

        var html = await File.ReadAllTextAsync(path);
        File.Delete(path);
        Assert.DoesNotContain("id=\"destinations\"", html, StringComparison.Ordinal);
    }
}
