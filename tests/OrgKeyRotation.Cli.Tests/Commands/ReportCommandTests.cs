using System.Text.Json;
using System.Text.RegularExpressions;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;

namespace OrgKeyRotation.Cli.Tests.Commands;

public class ReportCommandTests
{
    [Fact]
    public async Task Report_Json_ComputesEveryFinding()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("report", "--output", "json");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", cli.Stderr);
        using var doc = JsonDocument.Parse(cli.Stdout);
        var root = doc.RootElement;
        var summary = root.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("accounts").GetInt32());
        Assert.Equal(3, summary.GetProperty("users").GetInt32());
        Assert.Equal(2, summary.GetProperty("managedUsers").GetInt32());
        Assert.Equal(1, summary.GetProperty("unmanagedUsers").GetInt32());
        Assert.Equal(4, summary.GetProperty("keys").GetInt32());
        Assert.Equal(3, summary.GetProperty("activeKeys").GetInt32());
        Assert.Equal(2, summary.GetProperty("overAgeKeys").GetInt32());
        Assert.Equal(1, summary.GetProperty("unusedOver45DaysKeys").GetInt32());
        Assert.Equal(2, summary.GetProperty("neverUsedKeys").GetInt32());
        Assert.Equal(1, summary.GetProperty("usersWithTwoActiveKeys").GetInt32());
        Assert.Equal(1, summary.GetProperty("exemptUsers").GetInt32());

        var keys = root.GetProperty("keys").EnumerateArray().ToDictionary(k => k.GetProperty("accessKeyId").GetString()!);
        Assert.Equal(["over-age", "two-active"], Findings(keys[Samples.OldKey]));
        Assert.Equal(["two-active", "never-used"], Findings(keys[Samples.SecondKey]));
        Assert.Equal(["over-age", "unused-45d"], Findings(keys[Samples.BobKey]));
        Assert.Equal(["never-used"], Findings(keys[Samples.NewKey]));
        Assert.Equal(60, keys[Samples.BobKey].GetProperty("daysSinceLastUse").GetInt32());

        var exempt = root.GetProperty("exemptUsers").EnumerateArray().Single();
        Assert.Equal("bob", exempt.GetProperty("userName").GetString());
        Assert.Equal(Samples.Now.AddDays(30), exempt.GetProperty("exemptUntil").GetDateTimeOffset());
        var buckets = root.GetProperty("ageBuckets").EnumerateArray().ToDictionary(b => b.GetProperty("label").GetString()!, b => b.GetProperty("count").GetInt32());
        Assert.Equal(2, buckets["0-30"]);
        Assert.Equal(1, buckets["91-180"]);
        Assert.Equal(1, buckets[">365"]);
    }

    [Fact]
    public async Task Report_Csv_HasHeaderAndEscapesTextCells()
    {
        var cli = new CliHarness();
        cli.Service.Inventory = Samples.Inventory() with
        {
            Users = [Samples.Inventory().Users[0] with { UserName = "=HYPERLINK(\"x\")" }],
        };

        var code = await cli.RunAsync("report", "--output", "csv");

        Assert.Equal(ExitCodes.Ok, code);
        var lines = cli.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("account,user,access_key_id,status,role,created,age_days,last_used,days_since_last_use,managed,exempt,exempt_until,owner,findings,hand_off_until,destinations", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{Samples.AccountA},\"'=HYPERLINK(\"\"x\"\")\",{Samples.OldKey},Active,Current,2026-07-28T12:00:00Z,120,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",true,false,,team-a,over-age two-active,,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_Table_HasSummaryRowsAndExemptUsers()
    {
        var cli = new CliHarness();

        await cli.RunAsync("report");

        Assert.Contains("over-age 2, unused 45+ days 1, never used 2, users with two active keys 1 (CIS 1.13), in hand-off 0", cli.Stdout, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"{Samples.AccountA}\s+bob\s+{Samples.BobKey}\s+Active\s+Untracked\s+400\s+2026-09-26\s+no\s+until 2026-12-25\s+over-age, unused-45d"), cli.Stdout);
        Assert.Contains($"{Samples.AccountA}/bob: until 2026-12-25", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_Html_IsSelfContainedWithRowsChartAndEncodedValues()
    {
        var cli = new CliHarness();
        var path = Path.Combine(Path.GetTempPath(), $"keyrot-{Guid.NewGuid():N}.html");

        var code = await cli.RunAsync("report", "--output", "html", "--out", path);

        Assert.Equal(ExitCodes.Ok, code);
        var html = await File.ReadAllTextAsync(path);
        File.Delete(path);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*[""']?\s*(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"age-chart\"", html, StringComparison.Ordinal);
        Assert.Equal(6, Regex.Matches(html, "<g class=\"bucket\"").Count);
        Assert.Equal(4, Regex.Matches(html, "<tr class=\"key").Count);
        Assert.Contains($"data-key=\"{Samples.BobKey}\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_FailedAccount_Exit1AndNamesIt()
    {
        var cli = new CliHarness();
        cli.Service.Inventory = Samples.Inventory(withFailure: true);

        var code = await cli.RunAsync("report", "-o", "json");

        Assert.Equal(ExitCodes.Failures, code);
        Assert.Contains("account 333333333333 could not be read: STS:AssumeRole failed with AccessDenied", cli.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(cli.Stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("summary").GetProperty("failedAccounts").GetInt32());
    }

    [Fact]
    public async Task Report_AsOf_IsReadOnlyAndUsesTheShiftedClock()
    {
        var cli = new CliHarness();

        await cli.RunAsync("report", "--as-of", "2027-06-01T08:30:00+02:00", "-o", "json");

        Assert.Equal(new DateTimeOffset(2027, 6, 1, 6, 30, 0, TimeSpan.Zero), cli.Built!.Time.GetUtcNow());
        Assert.Equal(["InventoryAsync"], cli.Service.Calls);
    }

    [Fact]
    public async Task Report_JsonRightAfterARotation_KeyPairInHandOffIsNotCis113()
    {
        var cli = new CliHarness();
        cli.Service.Inventory = Samples.HandOffInventory();

        await cli.RunAsync("report", "--output", "json");

        using var doc = JsonDocument.Parse(cli.Stdout);
        var root = doc.RootElement;
        Assert.Equal(2, root.GetProperty("summary").GetProperty("usersWithTwoActiveKeys").GetInt32());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("usersInHandOff").GetInt32());
        Assert.Equal(["carol", "dave"], root.GetProperty("usersWithTwoActiveKeys").EnumerateArray().Select(u => u.GetProperty("userName").GetString()));
        var handOff = root.GetProperty("usersInHandOff").EnumerateArray().Single();
        Assert.Equal("alice", handOff.GetProperty("userName").GetString());
        Assert.Equal(Samples.HandOffEnds, handOff.GetProperty("until").GetDateTimeOffset());
        var keys = root.GetProperty("keys").EnumerateArray().ToDictionary(k => k.GetProperty("accessKeyId").GetString()!);
        Assert.Equal(["over-age", "in-hand-off"], Findings(keys[Samples.OldKey]));
        Assert.Equal(["in-hand-off"], Findings(keys[Samples.NewKey]));
        Assert.Equal(Samples.HandOffEnds, keys[Samples.NewKey].GetProperty("handOffUntil").GetDateTimeOffset());
        Assert.Equal(["two-active"], Findings(keys[Samples.SecondKey]));
        Assert.Equal(["over-age", "two-active"], Findings(keys[Samples.DaveOldKey]));
        Assert.Equal(JsonValueKind.Null, keys[Samples.DaveKey].GetProperty("handOffUntil").ValueKind);
    }

    [Fact]
    public async Task Report_CsvRightAfterARotation_KeyPairInHandOffCarriesItsEndDate()
    {
        var cli = new CliHarness();
        cli.Service.Inventory = Samples.HandOffInventory();

        await cli.RunAsync("report", "--output", "csv");

        var lines = cli.Stdout.TrimEnd('\n').Split('\n');
        Assert.EndsWith($",over-age in-hand-off,{Formatting(Samples.HandOffEnds)},", Assert.Single(lines, l => l.Contains(Samples.OldKey, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith(",two-active,,", Assert.Single(lines, l => l.Contains(Samples.SecondKey, StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_TableRightAfterARotation_ShowsInHandOffUntilTheDate()
    {
        var cli = new CliHarness();
        cli.Service.Inventory = Samples.HandOffInventory();

        await cli.RunAsync("report");

        Assert.Contains("users with two active keys 2 (CIS 1.13), in hand-off 1", cli.Stdout, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"{Samples.NewKey}\s+Active\s+Current\s+1\s+.*in hand-off until {Formatting(Samples.HandOffEnds)}"), cli.Stdout);
        Assert.Contains($"{Samples.AccountA}/alice: until {Formatting(Samples.HandOffEnds)}", cli.Stdout, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"{Samples.SecondKey}\s+.*two-active"), cli.Stdout);
    }

    [Fact]
    public async Task Report_HtmlRightAfterARotation_Cis113CardCountsOnlyPairsNothingRetires()
    {
        var cli = new CliHarness();
        cli.Service.Inventory = Samples.HandOffInventory();
        var path = Path.Combine(Path.GetTempPath(), $"keyrot-{Guid.NewGuid():N}.html");

        await cli.RunAsync("report", "--output", "html", "--out", path);

        var html = await File.ReadAllTextAsync(path);
        File.Delete(path);
        Assert.Matches(new Regex("<div class=\"card alert\" id=\"card-two-active\"><div class=\"value\">2</div>"), html);
        Assert.Matches(new Regex("<div class=\"card\" id=\"card-in-hand-off\"><div class=\"value\">1</div>"), html);
        Assert.Contains($"<span class=\"finding in-hand-off\">in hand-off until {Formatting(Samples.HandOffEnds)}</span>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr class=\"key\" data-key=\"{Samples.NewKey}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<tr class=\"key flagged\" data-key=\"{Samples.SecondKey}\">", html, StringComparison.Ordinal);
        Assert.Contains("<table id=\"hand-off-users\">", html, StringComparison.Ordinal);
    }

    private static string Formatting(DateTimeOffset day) => day.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Findings(JsonElement key) => key.GetProperty("findings").EnumerateArray().Select(f => f.GetString()!).ToArray();
}
