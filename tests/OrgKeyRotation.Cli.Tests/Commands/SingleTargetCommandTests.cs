using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Tests.Commands;

public class SingleTargetCommandTests
{
    [Fact]
    public async Task Restore_ValidInput_CallsTheEngineAndExit0()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("restore", "--account", Samples.AccountA, "--user", "ci.deployer@x", "--key", Samples.OldKey, "-o", "json");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal((Samples.AccountA, "ci.deployer@x", Samples.OldKey), cli.Service.LastRestore);
        using var doc = JsonDocument.Parse(cli.Stdout);
        Assert.Equal("Reactivate", doc.RootElement.GetProperty("action").GetString());
        Assert.Equal("Succeeded", doc.RootElement.GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("12345678901", "alice", Samples.OldKey)]
    [InlineData("11111111111a", "alice", Samples.OldKey)]
    [InlineData(Samples.AccountA, "alice smith", Samples.OldKey)]
    [InlineData(Samples.AccountA, "alice", "AKIAshortlower")]
    [InlineData(Samples.AccountA, "alice", "AKIAOLDOLDOLDOLD.LD1")]
    [InlineData("333333333333", "alice", Samples.OldKey)]
    public async Task Restore_BadShape_Exit2WithoutCallingTheEngine(string account, string user, string key)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("restore", "--account", account, "--user", user, "--key", key);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(cli.Service.Calls);
        Assert.Null(cli.Built);
    }

    [Fact]
    public async Task Restore_MissingOption_Exit2()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("restore", "--account", Samples.AccountA, "--user", "alice");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--key", cli.Stderr, StringComparison.Ordinal);
        Assert.Empty(cli.Service.Calls);
    }

    [Fact]
    public async Task Restore_TemporaryKeyId_IsAcceptedForTheEngineToJudge()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("restore", "--account", Samples.AccountA, "--user", "alice", "--key", "ASIAOLDOLDOLDOLDOLD1");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("ASIAOLDOLDOLDOLDOLD1", cli.Service.LastRestore!.Value.Key);
    }

    [Fact]
    public async Task Restore_EngineFails_Exit1()
    {
        var cli = new CliHarness();
        cli.Service.RestoreResult = new ActionResult(ActionKind.Reactivate, Outcome.Failed, "key not found", Samples.OldKey, Error: "IAM:UpdateAccessKey failed with NoSuchEntity");

        var code = await cli.RunAsync("restore", "--account", Samples.AccountA, "--user", "alice", "--key", Samples.OldKey);

        Assert.Equal(ExitCodes.Failures, code);
        Assert.Contains("Reactivate AKIAOLDOLDOLDOLDOLD1: Failed: key not found", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("restore failed: IAM:UpdateAccessKey failed with NoSuchEntity", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotationStep_ValidStep_PassesTheEventToTheEngine()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("rotation-step", "--secret-id", "iam-key-rotation/111111111111/alice", "--token", "tok-1", "--step", "testSecret");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(new RotationStepRequest("testSecret", "iam-key-rotation/111111111111/alice", "tok-1"), cli.Service.LastStep);
        Assert.Contains("testSecret iam-key-rotation/111111111111/alice: Succeeded: step done", cli.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--step", "rotateSecret")]
    [InlineData("--token", " ")]
    public async Task RotationStep_BadInput_Exit2(string option, string value)
    {
        var cli = new CliHarness();
        var args = new Dictionary<string, string> { ["--secret-id"] = "s", ["--token"] = "t", ["--step"] = "setSecret" };
        args[option] = value;

        var code = await cli.RunAsync(["rotation-step", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(cli.Service.Calls);
    }

    [Fact]
    public async Task ValidateConfig_Valid_Exit0WithoutBuildingTheEngine()
    {
        var cli = new CliHarness();
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "{}");

        var code = await cli.RunAsync("validate-config", "--config", path);

        File.Delete(path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Null(cli.Built);
        Assert.Contains("valid: 2 accounts, 3 users; rotate after 90 days; role IAMKeyRotationRole.", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_Problems_PrintsEachWithItsPathAndExit2()
    {
        var cli = new CliHarness();
        cli.ConfigSource.Result = ConfigResult.Invalid([new ConfigProblem("ACCOUNTS_USERS_JSON", "is not JSON"), new ConfigProblem("MAX_KEY_AGE_DAYS", "must be 0-3650")]);
        cli.Environment["ACCOUNTS_USERS_JSON"] = "{";

        var code = await cli.RunAsync("validate-config");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("ACCOUNTS_USERS_JSON: is not JSON\nMAX_KEY_AGE_DAYS: must be 0-3650\n", cli.Stdout.ReplaceLineEndings("\n"));
        Assert.Same(cli.Environment, cli.ConfigSource.LastEnvironment);
        Assert.Null(cli.Built);
    }

    [Fact]
    public async Task ValidateConfig_Json_ListsProblems()
    {
        var cli = new CliHarness();
        cli.ConfigSource.Result = ConfigResult.Invalid([new ConfigProblem("policy.deleteAfterDays", "must be 0-365")]);

        var code = await cli.RunAsync("validate-config", "-o", "json");

        Assert.Equal(ExitCodes.BadInput, code);
        using var doc = JsonDocument.Parse(cli.Stdout);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("policy.deleteAfterDays", doc.RootElement.GetProperty("problems")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task ValidateConfig_MissingFile_Exit2NamingTheFile()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("validate-config", "--config", "/nonexistent/rotation.json");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--config: cannot read '/nonexistent/rotation.json'", cli.Stdout, StringComparison.Ordinal);
    }
}
