using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Tests.Commands;

public class PlanCommandTests
{
    [Fact]
    public async Task Plan_Table_PrintsOneRowPerKeyAndTheSummary()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.Sweep(dryRun: true, accountBFails: false);

        var code = await cli.RunAsync("plan");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.True(cli.Service.LastSweep!.DryRun);
        var lines = cli.Stdout.Split('\n');
        Assert.Contains(lines, l => l.Contains(Samples.OldKey, StringComparison.Ordinal) && l.Contains("Rotate", StringComparison.Ordinal) && l.Contains("Planned", StringComparison.Ordinal) && l.Contains(" 120 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Samples.SecondKey, StringComparison.Ordinal) && l.Contains("never", StringComparison.Ordinal) && l.Contains("None", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Samples.BobKey, StringComparison.Ordinal) && l.Contains("Skip", StringComparison.Ordinal) && l.Contains("exempt", StringComparison.Ordinal));
        Assert.Contains("Dry run sweep-1: 1 accounts, 2 users; planned: rotate 1", cli.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Json_IsOneDocumentWithRowsCountsAndFailures()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("plan", "--output", "json");

        Assert.Equal(ExitCodes.Failures, code);
        using var doc = JsonDocument.Parse(cli.Stdout);
        var root = doc.RootElement;
        Assert.Equal("sweep-1", root.GetProperty("sweepId").GetString());
        Assert.True(root.GetProperty("dryRun").GetBoolean());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("rotated").GetInt32());
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        var rotate = rows.Single(r => r.GetProperty("action").GetString() == "Rotate");
        Assert.Equal(Samples.OldKey, rotate.GetProperty("accessKeyId").GetString());
        Assert.Equal(120, rotate.GetProperty("ageDays").GetInt32());
        Assert.Equal("Planned", rotate.GetProperty("outcome").GetString());
        var failed = root.GetProperty("failedAccounts").EnumerateArray().Single();
        Assert.Equal(Samples.AccountB, failed.GetProperty("accountId").GetString());
        Assert.False(root.TryGetProperty("hasFailures", out _));
        Assert.Contains($"account {Samples.AccountB} failed: STS:AssumeRole failed with AccessDenied", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Csv_HasHeaderAndOneLinePerRow()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.Sweep(dryRun: true, accountBFails: false);

        var code = await cli.RunAsync("plan", "-o", "csv");

        Assert.Equal(ExitCodes.Ok, code);
        var lines = cli.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("account,user,access_key_id,status,age_days,last_used,action,outcome,reason,new_access_key_id,error,destinations", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal($"{Samples.AccountA},alice,{Samples.OldKey},Active,120,2026-11-24T12:00:00Z,Rotate,Planned,key is 120 days old (policy 90),,,", lines[1]);
        Assert.Contains("Dry run sweep-1", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_AsOf_GivesTheEngineAClockAtThatDate()
    {
        var cli = new CliHarness();

        await cli.RunAsync("plan", "--as-of", "2027-03-01");

        Assert.Equal(new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), cli.Built!.Time.GetUtcNow());
        cli.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 0, 5, 0, TimeSpan.Zero), cli.Built.Time.GetUtcNow());
    }

    [Fact]
    public async Task Plan_AsOf_LeavesTheAwsLayerOnTheRealClock()
    {
        var cli = new CliHarness();

        await cli.RunAsync("plan", "--as-of", "2027-03-01");

        // Cached role credentials expire in real time: a shifted clock would make them always or never expired.
        Assert.Same(cli.Time, cli.Built!.AwsTime);
        Assert.NotEqual(cli.Time.GetUtcNow(), cli.Built.Time.GetUtcNow());
    }

    [Fact]
    public async Task Plan_WithoutAsOf_UsesTheRealClock()
    {
        var cli = new CliHarness();

        await cli.RunAsync("plan");

        Assert.Same(cli.Time, cli.Built!.Time);
    }

    [Theory]
    [InlineData("2027-13-01")]
    [InlineData("tomorrow")]
    [InlineData("01/03/2027")]
    public async Task Plan_BadAsOf_Exit2WithoutCallingTheEngine(string asOf)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("plan", "--as-of", asOf);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(cli.Built);
        Assert.Empty(cli.Service.Calls);
        Assert.Contains("--as-of", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_ConcurrencyAndAccount_OverrideConfigAndLimitTheSweep()
    {
        var cli = new CliHarness();

        await cli.RunAsync("plan", "--concurrency", "3", "--account", Samples.AccountA);

        Assert.Equal(3, cli.Built!.Config.Concurrency.Accounts);
        Assert.Equal([Samples.AccountA], cli.Service.LastSweep!.Accounts);
    }

    [Theory]
    [InlineData("--account", "12345")]
    [InlineData("--account", "333333333333")]
    [InlineData("--concurrency", "0")]
    [InlineData("--output", "html")]
    public async Task Plan_BadScope_Exit2WithoutCallingTheEngine(string option, string value)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("plan", option, value);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(cli.Service.Calls);
        Assert.Contains(value, cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_InvalidConfig_PrintsEveryProblemAndExit2WithoutBuildingTheEngine()
    {
        var cli = new CliHarness();
        cli.ConfigSource.Result = ConfigResult.Invalid([new ConfigProblem("policy.maxKeyAgeDays", "must be 0-3650"), new ConfigProblem("accounts.12", "not an account id")]);

        var code = await cli.RunAsync("plan");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(cli.Built);
        Assert.Contains("policy.maxKeyAgeDays: must be 0-3650", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("accounts.12: not an account id", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_ConfigFile_IsReadAndPassedToTheLoader()
    {
        var cli = new CliHarness();
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "{\"roleName\":\"FromFile\"}");

        await cli.RunAsync("plan", "--config", path);

        Assert.Equal("{\"roleName\":\"FromFile\"}", cli.ConfigSource.LastJson);
        Assert.Null(cli.ConfigSource.LastEnvironment);
        File.Delete(path);
    }

    [Fact]
    public async Task Plan_Out_WritesTheFileAndNothingToStdout()
    {
        var cli = new CliHarness();
        var dir = Path.Combine(Path.GetTempPath(), "keyrot-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(dir, "nested", "plan.json");

        await cli.RunAsync("plan", "-o", "json", "--out", path);

        Assert.Equal("", cli.Stdout);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(4, doc.RootElement.GetProperty("rows").GetArrayLength());
        Assert.Contains($"wrote {path}", cli.Stderr, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Plan_ColourOnlyOnATerminalWithoutNoColor()
    {
        var terminal = new CliHarness { OutIsTerminal = true };
        var noColor = new CliHarness { OutIsTerminal = true };
        noColor.Environment["NO_COLOR"] = "1";

        await terminal.RunAsync("plan");
        await noColor.RunAsync("plan");

        Assert.Contains("\u001b[31mFailed", terminal.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", noColor.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_UserLevelActionWithoutKeys_GetsItsOwnRow()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.Sweep(dryRun: true, accountBFails: false) with
        {
            Accounts = [new AccountResult(Samples.AccountA, Outcome.Succeeded, null, [new UserResult(Samples.AccountA, "nokeys", [], [new ActionResult(ActionKind.Skip, Outcome.Skipped, "user has no keys")])])],
        };

        await cli.RunAsync("plan", "-o", "csv");

        Assert.Contains($"{Samples.AccountA},nokeys,,,,,Skip,Skipped,user has no keys,,", cli.Stdout, StringComparison.Ordinal);
    }
}
