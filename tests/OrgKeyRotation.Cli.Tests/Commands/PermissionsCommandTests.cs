using System.Text.Json;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;

namespace OrgKeyRotation.Cli.Tests.Commands;

public class PermissionsCommandTests
{
    [Fact]
    public async Task Permissions_Json_EachIamActionOnceWithTheOperationsItAuthorizes()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("permissions", "-o", "json");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Null(cli.Built);
        using var doc = JsonDocument.Parse(cli.Stdout);
        var rows = doc.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("iamAction").GetString()!);
        Assert.Equal(AwsOperations.All.Select(o => o.IamAction).Distinct().Order(StringComparer.Ordinal), rows.Keys);
        // A batch API is authorized by its single form.
        Assert.Equal(["PublishBatch"], OperationsOf(rows["sns:Publish"]));
        Assert.Equal(["SendMessage", "SendMessageBatch"], OperationsOf(rows["sqs:SendMessage"]));
        Assert.True(rows["iam:CreateAccessKey"].GetProperty("grantNeeded").GetBoolean());
        Assert.False(rows["sts:GetCallerIdentity"].GetProperty("grantNeeded").GetBoolean());
    }

    [Fact]
    public async Task Permissions_Table_OneLinePerActionAndTheOneNeedingNoGrantSaysSo()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("permissions");

        Assert.Equal(ExitCodes.Ok, code);
        var lines = cli.Stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(AwsOperations.All.Select(o => o.IamAction).Distinct().Count(), lines.Length);
        Assert.Matches(@"^iam:CreateAccessKey\s+CreateAccessKey$", lines.Single(l => l.StartsWith("iam:CreateAccessKey ", StringComparison.Ordinal)));
        Assert.Contains("nothing to grant", lines.Single(l => l.StartsWith("sts:GetCallerIdentity ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    private static List<string> OperationsOf(JsonElement row) => [.. row.GetProperty("operations").EnumerateArray().Select(o => o.GetString()!)];
}
