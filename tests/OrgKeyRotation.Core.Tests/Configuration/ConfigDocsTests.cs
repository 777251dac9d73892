using System.Text.Json;
using System.Text.RegularExpressions;
using OrgKeyRotation.Core.Configuration;
using static OrgKeyRotation.Core.Tests.Configuration.ConfigExamples;

namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>
/// docs/config.schema.json and docs/configuration.md agree with the loader: the fields the reader knows, the defaults of
/// the model, the variables, and which inputs are accepted or rejected (the schema's patterns against the loader's checks).
/// </summary>
public partial class ConfigDocsTests
{
    private static readonly string Docs = RepositoryFiles.Docs;

    private static JsonElement Schema()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Docs, "config.schema.json")));
        return document.RootElement.Clone();
    }

    /// <summary>The reader's own list of fields at <paramref name="section"/>, taken from its unknown-field message.</summary>
    private static string[] ReaderFields(string? section)
    {
        var probe = section is null ? Minimal("'zzUnknown':1") : Minimal($"'{section}':{{'zzUnknown':1}}");
        var problem = Assert.Single(ConfigLoader.FromJson(probe).Problems);
        var match = KnownFields().Match(problem.Message);
        Assert.True(match.Success, problem.Message);
        return match.Groups[1].Value.Split(", ");
    }

    private static string[] SchemaFields(JsonElement node) =>
        node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Where(n => n != "$schema").ToArray();

    [Fact]
    public void Schema_TopLevelProperties_EqualTheReadersFields()
    {
        var schema = Schema();

        Assert.Equal(ReaderFields(null).Order(StringComparer.Ordinal), SchemaFields(schema).Order(StringComparer.Ordinal));
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
    }

    [Theory]
    [InlineData("discovery")]
    [InlineData("policy")]
    [InlineData("exemptions")]
    [InlineData("secrets")]
    [InlineData("alerts")]
    [InlineData("github")]
    [InlineData("concurrency")]
    public void Schema_SectionProperties_EqualTheReadersFields(string section)
    {
        var node = Schema().GetProperty("properties").GetProperty(section);

        Assert.Equal(ReaderFields(section).Order(StringComparer.Ordinal), SchemaFields(node).Order(StringComparer.Ordinal));
        Assert.False(node.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void Schema_FullExample_UsesOnlyKnownKeys()
    {
        using var example = JsonDocument.Parse(Full);
        var unknown = new List<string>();

        Walk(example.RootElement, Schema(), "$", unknown);

        Assert.Empty(unknown);
        Assert.True(ConfigLoader.FromJson(Full).IsValid);
    }

    [Fact]
    public void Schema_UnknownKeyInExample_IsFound()
    {
        using var example = JsonDocument.Parse(Minimal("'policy':{'maxKeyAge':1}"));
        var unknown = new List<string>();

        Walk(example.RootElement, Schema(), "$", unknown);

        Assert.Equal(["$.policy.maxKeyAge"], unknown);
    }

    private static void Walk(JsonElement value, JsonElement schema, string path, List<string> unknown)
    {
        if (value.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties))
        {
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (properties.TryGetProperty(property.Name, out var child))
            {
                Walk(property.Value, child, $"{path}.{property.Name}", unknown);
            }
            else
            {
                unknown.Add($"{path}.{property.Name}");
            }
        }
    }

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [Fact]
    public void Schema_FullExample_IsValid()
    {
        using var example = JsonDocument.Parse(Full);

        Assert.Empty(SchemaCheck.Errors(example.RootElement, Schema()));
    }

    [Theory]
    [MemberData(nameof(ConfigLoaderJsonTests.ValidEdgeCases), MemberType = typeof(ConfigLoaderJsonTests))]
    public void Schema_LoaderAcceptsIt_SchemaAcceptsIt(string json)
    {
        using var config = JsonDocument.Parse(json, Lenient);

        Assert.Empty(SchemaCheck.Errors(config.RootElement, Schema()));
    }

    /// <summary>Rules the schema cannot express: duplicates and cross-field checks. Only the loader catches these.</summary>
    private static readonly string[] LoaderOnly =
    [
        "not valid JSON", "account listed twice", "is listed twice", "user listed twice", "makes no valid place", "starts with 'aws'", "is not rotated", "a user of account", "are both", "starts with a digit", "required with a github destination", "no users listed", "at least deactivateAfterDays", "less than maxDeactivationDelayDays - deactivateAfterDays", "must contain {accountId}",
    ];

    [Theory]
    [MemberData(nameof(ConfigLoaderJsonTests.BadInputs), MemberType = typeof(ConfigLoaderJsonTests))]
    public void Schema_LoaderRejectsIt_SchemaRejectsItToo(string json, string path, string phrase)
    {
        if (LoaderOnly.Any(p => phrase.Contains(p, StringComparison.Ordinal)))
        {
            return;
        }

        using var config = JsonDocument.Parse(json, Lenient);

        Assert.True(SchemaCheck.Errors(config.RootElement, Schema()).Count > 0, $"the schema accepts what the loader rejects at {path} ({phrase})");
    }

    [Fact]
    public void SchemaCheck_UnknownAndMistypedFields_AreErrors()
    {
        using var config = JsonDocument.Parse(Minimal("'policy':{'maxKeyAge':1,'deleteAfterDays':'7'}"));

        Assert.Equal(["$.policy.maxKeyAge: not allowed", "$.policy.deleteAfterDays: not of type integer"], SchemaCheck.Errors(config.RootElement, Schema()));
    }

    public static TheoryData<string, string> Defaults()
    {
        var c = new RotationConfig();
        return new()
        {
            { "roleName", c.RoleName },
            { "discovery.organization", "false" },
            { "discovery.userPath", c.Discovery.UserPath },
            { "policy.maxKeyAgeDays", $"{c.Policy.MaxKeyAgeDays}" },
            { "policy.deactivateAfterDays", $"{c.Policy.DeactivateAfterDays}" },
            { "policy.deleteAfterDays", $"{c.Policy.DeleteAfterDays}" },
            { "policy.requireOldKeyUnused", c.Policy.RequireOldKeyUnused ? "true" : "false" },
            { "policy.oldKeyIdleDays", $"{c.Policy.OldKeyIdleDays}" },
            { "policy.maxDeactivationDelayDays", $"{c.Policy.MaxDeactivationDelayDays}" },
            { "policy.warnDaysBeforeForced", $"{c.Policy.WarnDaysBeforeForced}" },
            { "exemptions.group", c.Exemptions.Group! },
            { "exemptions.tag", c.Exemptions.Tag! },
            { "secrets.nameTemplate", c.Secrets.NameTemplate },
            { "secrets.location", c.Secrets.Location.ToString().ToLowerInvariant() },
            { "alerts.ownerTag", c.Alerts.OwnerTag! },
            { "destinations", "{}" },
            { "github.apiUrl", c.GitHub.ApiUrl },
            { "dryRun", c.DryRun ? "true" : "false" },
            { "concurrency.accounts", $"{c.Concurrency.Accounts}" },
            { "concurrency.usersPerAccount", $"{c.Concurrency.UsersPerAccount}" },
        };
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Schema_Default_EqualsTheModelDefault(string field, string expected)
    {
        var node = Schema();
        foreach (var part in field.Split('.'))
        {
            node = node.GetProperty("properties").GetProperty(part);
        }

        var actual = node.GetProperty("default");
        Assert.Equal(expected, actual.ValueKind == JsonValueKind.String ? actual.GetString() : actual.GetRawText());
    }

    [Fact]
    public void ConfigurationDoc_EnvironmentTable_ListsExactlyTheVariables()
    {
        var rows = EnvironmentRow().Matches(File.ReadAllText(Path.Combine(Docs, "configuration.md"))).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(EnvironmentVariables.All.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ConfigurationDoc_FileFormExample_IsTheFullExampleAndValid()
    {
        var doc = File.ReadAllText(Path.Combine(Docs, "configuration.md"));
        var block = JsonBlock().Match(doc);
        Assert.True(block.Success, "configuration.md has no ```json block");

        var result = ConfigLoader.FromJson(block.Groups[1].Value);

        Assert.True(result.IsValid, result.Describe());
        using var inDoc = JsonDocument.Parse(block.Groups[1].Value);
        using var inTests = JsonDocument.Parse(Full);
        Assert.True(JsonElement.DeepEquals(inDoc.RootElement, inTests.RootElement), "the example in configuration.md differs from ConfigExamples.Full");
    }

    [GeneratedRegex(@"known fields here: ([^)]*)\)")]
    private static partial Regex KnownFields();

    [GeneratedRegex(@"^\| `([A-Z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex EnvironmentRow();

    [GeneratedRegex("```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
