using System.Globalization;
using System.Text.Json;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>One thing wrong with the configuration: where (JSON path or variable name) and what.</summary>
public sealed record ConfigProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Either a valid configuration or every problem found; never both.</summary>
public sealed record ConfigResult(RotationConfig? Config, IReadOnlyList<ConfigProblem> Problems)
{
    public bool IsValid => Config is not null && Problems.Count == 0;

    public static ConfigResult Valid(RotationConfig config) => new(config, []);

    public static ConfigResult Invalid(IReadOnlyList<ConfigProblem> problems) => new(null, problems);

    /// <summary>A multi-line message listing every problem, for CLI output and Lambda init errors.</summary>
    public string Describe() =>
        IsValid ? "configuration is valid" : $"invalid configuration ({Problems.Count} problem{(Problems.Count == 1 ? "" : "s")}):\n" + string.Join('\n', Problems.Select(p => "  - " + p));
}

/// <summary>Loads configuration from the JSON file form or the environment, then validates it. No AWS call.</summary>
public static class ConfigLoader
{
    /// <summary>Parses the JSON file form (docs/configuration.md, docs/config.schema.json).</summary>
    public static ConfigResult FromJson(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return ConfigResult.Invalid([new ConfigProblem("$", $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): fix the syntax")]);
        }

        using (document)
        {
            var reader = new JsonConfigReader();
            var config = reader.Read(document.RootElement);
            return reader.Problems.Count > 0 ? ConfigResult.Invalid(reader.Problems) : ConfigValidator.Validate(config);
        }
    }

    /// <summary>
    /// Reads the variables in <see cref="EnvironmentVariables"/>. The seed's ACCOUNTS_USERS_JSON, ROTATION_ROLE_NAME and
    /// SNS_TOPIC_ARN alone are enough; every other variable is optional and keeps its documented default when unset or empty.
    /// </summary>
    public static ConfigResult FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var problems = new List<ConfigProblem>();
        string? Get(string name) => environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        int? Int(string name)
        {
            var raw = Get(name);
            if (raw is null)
            {
                return null;
            }

            if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            problems.Add(new ConfigProblem(name, $"'{raw}' is not a whole number"));
            return null;
        }

        bool? Bool(string name)
        {
            var raw = Get(name);
            if (raw is null)
            {
                return null;
            }

            if (bool.TryParse(raw, out var value))
            {
                return value;
            }

            problems.Add(new ConfigProblem(name, $"'{raw}' is not true or false"));
            return null;
        }

        IReadOnlyList<string>? List(string name) =>
            Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var accounts = new Dictionary<string, IReadOnlyList<string>>();
        if (Get(EnvironmentVariables.AccountsUsersJson) is { } accountsJson)
        {
            try
            {
                using var doc = JsonDocument.Parse(accountsJson);
                var reader = new JsonConfigReader(EnvironmentVariables.AccountsUsersJson);
                accounts = reader.ReadAccounts(doc.RootElement, EnvironmentVariables.AccountsUsersJson);
                problems.AddRange(reader.Problems);
            }
            catch (JsonException)
            {
                problems.Add(new ConfigProblem(EnvironmentVariables.AccountsUsersJson, "not valid JSON; expected {\"111111111111\": [\"user1\", \"user2\"]}"));
            }
        }

        var defaults = new RotationConfig();
        SecretLocation? location = null;
        if (Get(EnvironmentVariables.SecretLocation) is { } rawLocation)
        {
            if (rawLocation.Equals("member", StringComparison.OrdinalIgnoreCase))
            {
                location = SecretLocation.Member;
            }
            else if (rawLocation.Equals("central", StringComparison.OrdinalIgnoreCase))
            {
                location = SecretLocation.Central;
            }
            else
            {
                problems.Add(new ConfigProblem(EnvironmentVariables.SecretLocation, $"'{rawLocation}' is not 'member' or 'central'"));
            }
        }

        var config = defaults with
        {
            RoleName = Get(EnvironmentVariables.RotationRoleName) ?? defaults.RoleName,
            ExternalId = Get(EnvironmentVariables.ExternalId),
            Accounts = accounts,
            Discovery = new DiscoveryConfig
            {
                Organization = Bool(EnvironmentVariables.DiscoverOrganization) ?? false,
                IncludeOus = List(EnvironmentVariables.DiscoveryIncludeOus) ?? [],
                ExcludeAccounts = List(EnvironmentVariables.DiscoveryExcludeAccounts) ?? [],
                UserPath = Get(EnvironmentVariables.DiscoveryUserPath) ?? "/",
                UserTag = Get(EnvironmentVariables.DiscoveryUserTag),
            },
            Policy = new RotationPolicy
            {
                MaxKeyAgeDays = Int(EnvironmentVariables.MaxKeyAgeDays) ?? defaults.Policy.MaxKeyAgeDays,
                DeactivateAfterDays = Int(EnvironmentVariables.DeactivateAfterDays) ?? defaults.Policy.DeactivateAfterDays,
                DeleteAfterDays = Int(EnvironmentVariables.DeleteAfterDays) ?? defaults.Policy.DeleteAfterDays,
                RequireOldKeyUnused = Bool(EnvironmentVariables.RequireOldKeyUnused) ?? defaults.Policy.RequireOldKeyUnused,
                MaxDeactivationDelayDays = Int(EnvironmentVariables.MaxDeactivationDelayDays) ?? defaults.Policy.MaxDeactivationDelayDays,
            },
            Exemptions = new ExemptionConfig
            {
                Group = environment.ContainsKey(EnvironmentVariables.ExemptGroup) ? Get(EnvironmentVariables.ExemptGroup) : defaults.Exemptions.Group,
                Tag = environment.ContainsKey(EnvironmentVariables.ExemptTag) ? Get(EnvironmentVariables.ExemptTag) : defaults.Exemptions.Tag,
            },
            Secrets = new SecretsConfig
            {
                NameTemplate = Get(EnvironmentVariables.SecretNameTemplate) ?? defaults.Secrets.NameTemplate,
                KmsKeyId = Get(EnvironmentVariables.SecretKmsKeyId),
                Location = location ?? SecretLocation.Member,
            },
            Alerts = new AlertsConfig { SnsTopicArn = Get(EnvironmentVariables.SnsTopicArn) },
            DryRun = Bool(EnvironmentVariables.DryRun) ?? false,
            Concurrency = new ConcurrencyConfig
            {
                Accounts = Int(EnvironmentVariables.ConcurrencyAccounts) ?? defaults.Concurrency.Accounts,
                UsersPerAccount = Int(EnvironmentVariables.ConcurrencyUsersPerAccount) ?? defaults.Concurrency.UsersPerAccount,
            },
            WorkQueueUrl = Get(EnvironmentVariables.WorkQueueUrl),
        };

        if (problems.Count > 0)
        {
            return ConfigResult.Invalid(problems);
        }

        // Problems found by the shared validator are reported against the variable that carries the value.
        var validated = ConfigValidator.Validate(config);
        return validated.IsValid ? validated : ConfigResult.Invalid(validated.Problems.Select(p => p with { Path = EnvironmentPathFor(p.Path) }).ToList());
    }

    private static string EnvironmentPathFor(string jsonPath)
    {
        static string Name(string jsonPath) => jsonPath switch
        {
            _ when jsonPath.StartsWith("$.accounts", StringComparison.Ordinal) => EnvironmentVariables.AccountsUsersJson + jsonPath["$.accounts".Length..],
            "$.roleName" => EnvironmentVariables.RotationRoleName,
            "$.externalId" => EnvironmentVariables.ExternalId,
            "$.alerts.snsTopicArn" => EnvironmentVariables.SnsTopicArn,
            _ when jsonPath.StartsWith("$.discovery.includeOus", StringComparison.Ordinal) => EnvironmentVariables.DiscoveryIncludeOus,
            _ when jsonPath.StartsWith("$.discovery.excludeAccounts", StringComparison.Ordinal) => EnvironmentVariables.DiscoveryExcludeAccounts,
            "$.discovery.userPath" => EnvironmentVariables.DiscoveryUserPath,
            "$.discovery.userTag" => EnvironmentVariables.DiscoveryUserTag,
            "$.policy.maxKeyAgeDays" => EnvironmentVariables.MaxKeyAgeDays,
            "$.policy.deactivateAfterDays" => EnvironmentVariables.DeactivateAfterDays,
            "$.policy.deleteAfterDays" => EnvironmentVariables.DeleteAfterDays,
            "$.policy.maxDeactivationDelayDays" => EnvironmentVariables.MaxDeactivationDelayDays,
            "$.exemptions.group" => EnvironmentVariables.ExemptGroup,
            "$.exemptions.tag" => EnvironmentVariables.ExemptTag,
            "$.secrets.nameTemplate" => EnvironmentVariables.SecretNameTemplate,
            "$.secrets.kmsKeyId" => EnvironmentVariables.SecretKmsKeyId,
            "$.concurrency.accounts" => EnvironmentVariables.ConcurrencyAccounts,
            "$.concurrency.usersPerAccount" => EnvironmentVariables.ConcurrencyUsersPerAccount,
            "$.workQueueUrl" => EnvironmentVariables.WorkQueueUrl,
            _ => jsonPath,
        };

        return Name(jsonPath);
    }
}
