using System.Text.RegularExpressions;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// The validation blocks that guard inputs exist and their regexes accept good and refuse bad values (the patterns
/// are RE2 in Terraform; the ones used here mean the same in .NET).
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class ValidationTests
{
    private static TerraformTree Tree => TerraformTree.Loaded;

    public static TheoryData<string, string, string[], string[]> RegexCases() => new()
    {
        { "central-admin", "rotation_role_name", ["IAMKeyRotationRole", "a+b=c,d.e@f_g-h", new string('r', 64)], ["", "bad/name", "with space", new string('r', 65)] },
        { "central-admin", "schedule_expression", ["rate(1 day)", "rate(12 hours)", "rate(30 minutes)", "cron(0 3 * * ? *)"], ["daily", "rate(0 days)", "rate(1 fortnight)", "cron(0 3 * * ?)", "rate(1 day) "] },
        { "central-admin", "sns_alert_email", ["ops@example.com", "a.b+c@sub.example.org"], ["ops", "ops@", "ops@example", "a b@example.com"] },
        { "central-admin", "rotation_external_id", ["ab", "org-key-rotation-7f3c9a", new string('x', 1224)], ["a", new string('x', 1225), "has space"] },
        { "central-admin", "organization_id", ["o-abcd123456"], ["abcd123456", "o-ABCD123456", "o-abc"] },
        { "central-admin", "discovery_exclude_accounts", ["111111111111"], ["11111111111", "1111111111111", "abcdefghijkl"] },
        { "central-admin", "discovery_include_ous", ["ou-ab12-abcdefgh", "r-ab12"], ["ou-ab12", "o-abcd123456", "123"] },
        { "central-admin", "discovery_user_path", ["/", "/automation/", "/a/b/"], ["", "automation/", "/automation", "//"] },
        { "central-admin", "secret_name_template", ["iam-key-rotation/{accountId}/{userName}", "keys/{userName}"], ["{accountId}/{userName}", "iam-key-rotation/{accountId}", "noslash{userName}"] },
        { "member-account", "account_id", ["222222222222"], ["22222222222", "2222222222222", "x22222222222"] },
        { "member-account", "trusted_account_id", ["111111111111"], ["1111", ""] },
        { "member-account", "role_name", ["IAMKeyRotationRole"], ["bad/name", new string('r', 65)] },
        { "member-account", "external_id", ["ab"], ["a"] },
        { "member-account", "user_path", ["/", "/automation/"], ["automation", "/automation"] },
        { "member-account", "secret_name_prefix", ["iam-key-rotation/"], ["", "iam-key-rotation", "*/"] },
        { "member-account", "central_role_arn", ["arn:aws:iam::111111111111:role/org-key-rotation-lambda"], ["arn:aws:iam::111111111111:user/x", "org-key-rotation-lambda"] },
        { "member-roles-stackset", "role_name", ["IAMKeyRotationRole"], ["bad/name"] },
        { "member-roles-stackset", "external_id", ["ab"], ["a"] },
        { "member-roles-stackset", "organizational_unit_ids", ["ou-ab12-abcdefgh", "r-ab12"], ["o-abcd123456", "ou-x"] },
        { "member-roles-stackset", "central_role_arn", ["arn:aws:iam::111111111111:role/org-key-rotation-lambda"], ["arn:aws:iam::111111111111:root"] },
    };

    public static TheoryData<string, string, int, int> DayRanges() => new()
    {
        { "central-admin", "max_key_age_days", 0, 3650 },
        { "central-admin", "deactivate_after_days", 0, 365 },
        { "central-admin", "delete_after_days", 0, 365 },
        { "central-admin", "max_deactivation_delay_days", 0, 365 },
        { "central-admin", "timeout", 1, 900 },
        { "central-admin", "concurrency_accounts", 1, 256 },
        { "central-admin", "concurrency_users_per_account", 1, 32 },
    };

    [Theory]
    [MemberData(nameof(RegexCases))]
    public void RegexValidation_AcceptsGoodAndRefusesBad(string module, string variable, string[] good, string[] bad)
    {
        var pattern = new Regex(SoleRegex(module, variable), RegexOptions.None, TimeSpan.FromSeconds(1));

        Assert.All(good, g => Assert.True(pattern.IsMatch(g), $"{module}.{variable} refuses good value '{g}' ({pattern})"));
        Assert.All(bad, b => Assert.False(pattern.IsMatch(b), $"{module}.{variable} accepts bad value '{b}' ({pattern})"));
    }

    [Theory]
    [MemberData(nameof(DayRanges))]
    public void NumberValidation_BoundsTheDocumentedRange(string module, string variable, int min, int max)
    {
        var condition = Condition(module, variable);

        Assert.Matches($@"var\.{variable} >= {min}(?!\d)", condition);
        Assert.Matches($@"var\.{variable} <= {max}(?!\d)", condition);
        Assert.Contains($"floor(var.{variable}) == var.{variable}", condition, StringComparison.Ordinal);
    }

    [Fact]
    public void AccountsUsersJson_ValidatesJsonAndTwelveDigitKeys()
    {
        var condition = Condition("central-admin", "accounts_users_json");

        Assert.Contains("can(jsondecode(var.accounts_users_json))", condition, StringComparison.Ordinal);
        var pattern = new Regex(SoleRegex("central-admin", "accounts_users_json"), RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.Matches(pattern, "111111111111");
        Assert.DoesNotMatch(pattern, "1111");
    }

    [Theory]
    [InlineData("central-admin", "architecture", "\"x86_64\"", "\"arm64\"")]
    [InlineData("central-admin", "secret_location", "\"member\"", "\"central\"")]
    [InlineData("member-roles-stackset", "call_as", "\"SELF\"", "\"DELEGATED_ADMIN\"")]
    public void EnumValidation_ListsExactlyTheAllowedValues(string module, string variable, string first, string second)
    {
        Assert.Contains($"contains([{first}, {second}], var.{variable})", Condition(module, variable), StringComparison.Ordinal);
    }

    [Fact]
    public void SnsAlertEmail_IsAListValidatedEntryByEntry()
    {
        var variable = Tree.Module("central-admin").Variables["sns_alert_email"];

        Assert.Equal("${list(string)}", variable.GetProperty("type").GetString());
        Assert.Contains("alltrue([for", Condition("central-admin", "sns_alert_email"), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_MatchTheCodeDefaults()
    {
        var variables = Tree.Module("central-admin").Variables;

        Assert.Equal("IAMKeyRotationRole", variables["rotation_role_name"].GetProperty("default").GetString());
        Assert.Equal("rate(1 day)", variables["schedule_expression"].GetProperty("default").GetString());
        Assert.Equal(90, variables["max_key_age_days"].GetProperty("default").GetInt32());
        Assert.Equal("member", variables["secret_location"].GetProperty("default").GetString());
        Assert.Equal("x86_64", variables["architecture"].GetProperty("default").GetString());
        Assert.Equal("iam-key-rotation/{accountId}/{userName}", variables["secret_name_template"].GetProperty("default").GetString());
        Assert.Equal("iam-key-rotation/", Tree.Module("member-account").Variables["secret_name_prefix"].GetProperty("default").GetString());
        Assert.Equal("/", Tree.Module("member-account").Variables["user_path"].GetProperty("default").GetString());
    }

    [Fact]
    public void ExampleTfvars_ValuesPassTheModuleRegexes()
    {
        var checks = new (string Example, string Key, string Module, string Variable)[]
        {
            ("single-account-list", "rotation_role_name", "central-admin", "rotation_role_name"),
            ("single-account-list", "rotation_external_id", "central-admin", "rotation_external_id"),
            ("single-account-list", "schedule_expression", "central-admin", "schedule_expression"),
            ("organization-discovery", "schedule_expression", "central-admin", "schedule_expression"),
            ("organization-discovery", "organization_id", "central-admin", "organization_id"),
            ("member-account", "account_id", "member-account", "account_id"),
            ("member-account", "central_role_arn", "member-account", "central_role_arn"),
        };

        foreach (var (example, key, module, variable) in checks)
        {
            var value = Tree.Example(example).Files["terraform.tfvars.example"].GetProperty(key).GetString()!;
            Assert.Matches(new Regex(SoleRegex(module, variable), RegexOptions.None, TimeSpan.FromSeconds(1)), value);
        }
    }

    private static string Condition(string module, string variable)
    {
        var body = Tree.Module(module).Variables[variable];
        Assert.True(body.TryGetProperty("validation", out var validations), $"{module}.{variable} has no validation block");
        return string.Join(" && ", validations.EnumerateArray().Select(v => v.GetProperty("condition").GetString()));
    }

    /// <summary>The one regex("...") literal in the variable's validation, unescaped from HCL string syntax.</summary>
    private static string SoleRegex(string module, string variable)
    {
        var matches = RegexCall().Matches(Condition(module, variable));
        Assert.True(matches.Count == 1, $"{module}.{variable}: expected one regex(...) in its validation, found {matches.Count}");
        return HclEscape().Replace(matches[0].Groups[1].Value, m => m.Groups[1].Value);
    }

    [GeneratedRegex("""regex\("((?:[^"\\]|\\.)*)"\s*,""")]
    private static partial Regex RegexCall();

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex HclEscape();
}
