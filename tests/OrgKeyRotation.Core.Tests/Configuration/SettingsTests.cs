using System.Text.Json;
using System.Text.Json.Nodes;
using OrgKeyRotation.Core.Configuration;
using static OrgKeyRotation.Core.Tests.Configuration.ConfigExamples;

namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>The settings table itself: unique names, the file form reaching every setting, and the variable paths.</summary>
public class SettingsTests
{
    [Fact]
    public void All_NamesAndVariables_AreDistinct()
    {
        Assert.Equal(Settings.All.Count, Settings.All.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Settings.All.Count, Settings.All.Select(s => s.Variable).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void All_EverySettingHasADescription() =>
        Assert.All(Settings.All, s => Assert.False(string.IsNullOrWhiteSpace(s.Description), s.Name));

    [Fact]
    public void FieldsOf_Root_ListsSettingsAndSectionsInTableOrder() =>
        Assert.Equal(
            ["roleName", "externalId", "accounts", "discovery", "policy", "exemptions", "secrets", "alerts", "destinations", "github", "dryRun", "concurrency", "verification", "workQueueUrl", "resultsQueueUrl", "lambda", "fanOut"],
            Settings.FieldsOf(null));

    /// <summary>A valid, non-default JSON value for every setting. Keyed by the table, so a new setting needs a row.</summary>
    private static readonly Dictionary<string, string> NonDefaultJson = new()
    {
        ["roleName"] = "'OtherRole'",
        ["externalId"] = "'ext-1'",
        ["accounts"] = "{'222222222222':['other']}",
        ["discovery.organization"] = "true",
        ["discovery.includeOus"] = "['r-ab12']",
        ["discovery.excludeAccounts"] = "['333333333333']",
        ["discovery.userPath"] = "'/svc/'",
        ["discovery.userTag"] = "'rotate'",
        ["policy.maxKeyAgeDays"] = "60",
        ["policy.deactivateAfterDays"] = "8",
        ["policy.deleteAfterDays"] = "9",
        ["policy.requireOldKeyUnused"] = "false",
        ["policy.oldKeyIdleDays"] = "2",
        ["policy.maxDeactivationDelayDays"] = "31",
        ["policy.warnDaysBeforeForced"] = "5",
        ["exemptions.group"] = "null",
        ["exemptions.tag"] = "'other-tag'",
        ["secrets.nameTemplate"] = "'other/{accountId}/{userName}'",
        ["secrets.kmsKeyId"] = "'alias/other'",
        ["secrets.location"] = "'central'",
        ["secrets.rotationLambdaArn"] = "'arn:aws:lambda:eu-west-1:999999999999:function:other'",
        ["secrets.rotatorArn"] = "'arn:aws:iam::999999999999:role/service/other-rotator'",
        ["alerts.snsTopicArn"] = "'arn:aws:sns:eu-west-1:999999999999:other'",
        ["alerts.ownerTag"] = "null",
        ["destinations"] = "{'defaults':[{'type':'ssm','name':'/keys/{accountId}/{userName}'}],'accounts':{'222222222222':{'users':{'ci':[{'type':'github','scope':'environment','repository':'octo/app','environment':'prod'}]}}}}",
        ["github.apiUrl"] = "'https://github.example.com/api/v3'",
        ["github.credentialsSecretArn"] = "'arn:aws:secretsmanager:eu-west-1:999999999999:secret:github-app-AbCdEf'",
        ["dryRun"] = "true",
        ["concurrency.accounts"] = "3",
        ["concurrency.usersPerAccount"] = "3",
        ["verification.regions"] = "['us-east-1', 'eu-west-1']",
        ["workQueueUrl"] = "'https://sqs.eu-west-1.amazonaws.com/999999999999/q'",
        ["resultsQueueUrl"] = "'https://sqs.eu-west-1.amazonaws.com/999999999999/r'",
        ["lambda.deadlineMarginSeconds"] = "120",
        ["fanOut.digestDelaySeconds"] = "0",
    };

    /// <summary>Central secrets need a customer managed key and their rotator.</summary>
    private static readonly (string Name, string Json)[] CentralSecrets =
        [("secrets.location", "'central'"), ("secrets.kmsKeyId", "'alias/central-secrets'"), ("secrets.rotatorArn", "'arn:aws:iam::999999999999:role/rotator'")];

    /// <summary>What a setting needs beside it to be valid (the setting's own value is put after them).</summary>
    private static readonly Dictionary<string, (string Name, string Json)[]> Companions = new()
    {
        ["workQueueUrl"] = [("resultsQueueUrl", "'https://sqs.eu-west-1.amazonaws.com/999999999999/r'")],
        ["secrets.rotationLambdaArn"] = CentralSecrets,
        ["secrets.location"] = CentralSecrets[1..],
        ["secrets.rotatorArn"] = CentralSecrets,
        ["destinations"] = [("github.credentialsSecretArn", "'arn:aws:secretsmanager:eu-west-1:999999999999:secret:github-app-AbCdEf'")],
    };

    [Fact]
    public void All_EverySettingHasAJsonTestValue() =>
        Assert.Equal(Settings.All.Select(s => s.Name).Order(StringComparer.Ordinal), NonDefaultJson.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> Names => new(Settings.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void FromJson_EachSetting_LandsWhereTheTableReadsIt(string name)
    {
        var setting = Settings.Find(name)!;
        var root = new JsonObject { ["discovery"] = new JsonObject { ["organization"] = true } };
        foreach (var companion in Companions.GetValueOrDefault(name) ?? [])
        {
            Put(root, companion.Name, companion.Json);
        }

        Put(root, name, NonDefaultJson[name]);

        var result = ConfigLoader.FromJson(root.ToJsonString());

        Assert.True(result.IsValid, result.Describe());
        using var expected = JsonDocument.Parse(Json(NonDefaultJson[name]));
        Assert.Equal(Normalize(expected.RootElement), Normalize(setting.ValueIn(result.Config!)));
        Assert.NotEqual(Normalize(setting.ValueIn(new RotationConfig())), Normalize(setting.ValueIn(result.Config!)));
    }

    private static void Put(JsonObject root, string dottedName, string singleQuotedJson)
    {
        var parts = dottedName.Split('.');
        var parent = root;
        foreach (var part in parts[..^1])
        {
            parent = parent[part] as JsonObject ?? (JsonObject)(parent[part] = new JsonObject());
        }

        parent[parts[^1]] = JsonNode.Parse(Json(singleQuotedJson));
    }

    private static string Normalize(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        JsonElement e => e.GetRawText().Replace(" ", "", StringComparison.Ordinal),
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IReadOnlyDictionary<string, IReadOnlyList<string>> map => "{" + string.Join(",", map.Select(a => $"\"{a.Key}\":[{string.Join(",", a.Value.Select(u => $"\"{u}\""))}]")) + "}",
        IEnumerable<string> list => "[" + string.Join(",", list.Select(i => $"\"{i}\"")) + "]",
        DestinationsConfig destinations => DestinationsJson.Of(destinations),
        _ => throw new NotSupportedException(value.GetType().Name),
    };

    [Theory]
    [InlineData("$.roleName", "ROTATION_ROLE_NAME")]
    [InlineData("$.accounts", "ACCOUNTS_USERS_JSON")]
    [InlineData("$.accounts.111111111111", "ACCOUNTS_USERS_JSON.111111111111")]
    [InlineData("$.accounts.111111111111[2]", "ACCOUNTS_USERS_JSON.111111111111[2]")]
    [InlineData("$.discovery.includeOus[1]", "DISCOVERY_INCLUDE_OUS")]
    [InlineData("$.policy.oldKeyIdleDays", "OLD_KEY_IDLE_DAYS")]
    [InlineData("$.secrets.rotationLambdaArn", "SECRETS_ROTATION_LAMBDA_ARN")]
    [InlineData("$.alerts.ownerTag", "ALERT_OWNER_TAG")]
    [InlineData("$.resultsQueueUrl", "RESULTS_QUEUE_URL")]
    [InlineData("$.workQueueUrl", "WORK_QUEUE_URL")]
    [InlineData("$.destinations", "DESTINATIONS_JSON")]
    [InlineData("$.destinations.defaults[0].name", "DESTINATIONS_JSON.defaults[0].name")]
    [InlineData("$.destinations.accounts.111111111111.users.ci[1]", "DESTINATIONS_JSON.accounts.111111111111.users.ci[1]")]
    [InlineData("$.github.apiUrl", "GITHUB_API_URL")]
    [InlineData("$.nowhere", "$.nowhere")]
    public void VariablePathFor_JsonPath_IsTheVariableOfItsSetting(string jsonPath, string expected) =>
        Assert.Equal(expected, Settings.VariablePathFor(jsonPath));

    [Theory]
    [InlineData("null", null)]
    [InlineData("0", 0)]
    [InlineData("600", 600)]
    public void FromJson_DeadlineMargin_NullMeansDerived(string json, int? expected)
    {
        var result = ConfigLoader.FromJson($"{{\"accounts\": {{\"111111111111\": [\"alice\"]}}, \"lambda\": {{\"deadlineMarginSeconds\": {json}}}}}");

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(expected, result.Config!.Lambda.DeadlineMarginSeconds);
    }

    [Theory]
    [InlineData("\"soon\"", "expected a whole number")]
    [InlineData("601", "601 is out of range: use 0 to 600")]
    public void FromJson_BadDeadlineMargin_ProblemAtItsPath(string json, string message)
    {
        var result = ConfigLoader.FromJson($"{{\"accounts\": {{\"111111111111\": [\"alice\"]}}, \"lambda\": {{\"deadlineMarginSeconds\": {json}}}}}");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("$.lambda.deadlineMarginSeconds", problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_DigestDelayNull_IsAnError()
    {
        var result = ConfigLoader.FromJson("""{"accounts": {"111111111111": ["alice"]}, "fanOut": {"digestDelaySeconds": null}}""");

        Assert.Equal("$.fanOut.digestDelaySeconds", Assert.Single(result.Problems).Path);
    }
}
