using System.Text.Json;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// Reads the JSON form field by field, so that every wrong type and unknown field is reported with its path
/// (a serializer would stop at the first). Hand-written rather than reflection-based: the Lambda is Native AOT.
/// </summary>
internal sealed class JsonConfigReader(string rootPath = "$")
{
    private readonly List<ConfigProblem> _problems = [];

    public IReadOnlyList<ConfigProblem> Problems => _problems;

    public RotationConfig Read(JsonElement root)
    {
        var defaults = new RotationConfig();
        if (!ExpectObject(root, rootPath))
        {
            return defaults;
        }

        var config = defaults;
        foreach (var property in root.EnumerateObject())
        {
            var path = $"{rootPath}.{property.Name}";
            var value = property.Value;
            config = property.Name switch
            {
                "roleName" => config with { RoleName = String(value, path) ?? defaults.RoleName },
                "externalId" => config with { ExternalId = String(value, path, nullable: true) },
                "accounts" => config with { Accounts = ReadAccounts(value, path) },
                "discovery" => config with { Discovery = ReadDiscovery(value, path) },
                "policy" => config with { Policy = ReadPolicy(value, path) },
                "exemptions" => config with { Exemptions = ReadExemptions(value, path) },
                "secrets" => config with { Secrets = ReadSecrets(value, path) },
                "alerts" => config with { Alerts = ReadAlerts(value, path) },
                "dryRun" => config with { DryRun = Bool(value, path) ?? false },
                "concurrency" => config with { Concurrency = ReadConcurrency(value, path) },
                "workQueueUrl" => config with { WorkQueueUrl = String(value, path, nullable: true) },
                "$schema" => config,
                _ => Unknown(config, path, "roleName, externalId, accounts, discovery, policy, exemptions, secrets, alerts, dryRun, concurrency, workQueueUrl"),
            };
        }

        return config;
    }

    public Dictionary<string, IReadOnlyList<string>> ReadAccounts(JsonElement element, string path)
    {
        var accounts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!ExpectObject(element, path))
        {
            return accounts;
        }

        foreach (var account in element.EnumerateObject())
        {
            var accountPath = $"{path}.{account.Name}";
            if (accounts.ContainsKey(account.Name))
            {
                _problems.Add(new ConfigProblem(accountPath, "account listed twice: merge its users into one entry"));
                continue;
            }

            accounts[account.Name] = StringList(account.Value, accountPath);
        }

        return accounts;
    }

    private DiscoveryConfig ReadDiscovery(JsonElement element, string path)
    {
        var d = new DiscoveryConfig();
        if (!ExpectObject(element, path))
        {
            return d;
        }

        foreach (var p in element.EnumerateObject())
        {
            var at = $"{path}.{p.Name}";
            d = p.Name switch
            {
                "organization" => d with { Organization = Bool(p.Value, at) ?? false },
                "includeOus" => d with { IncludeOus = StringList(p.Value, at) },
                "excludeAccounts" => d with { ExcludeAccounts = StringList(p.Value, at) },
                "userPath" => d with { UserPath = String(p.Value, at) ?? "/" },
                "userTag" => d with { UserTag = String(p.Value, at, nullable: true) },
                _ => Unknown(d, at, "organization, includeOus, excludeAccounts, userPath, userTag"),
            };
        }

        return d;
    }

    private RotationPolicy ReadPolicy(JsonElement element, string path)
    {
        var r = new RotationPolicy();
        if (!ExpectObject(element, path))
        {
            return r;
        }

        foreach (var p in element.EnumerateObject())
        {
            var at = $"{path}.{p.Name}";
            r = p.Name switch
            {
                "maxKeyAgeDays" => r with { MaxKeyAgeDays = Int(p.Value, at) ?? r.MaxKeyAgeDays },
                "deactivateAfterDays" => r with { DeactivateAfterDays = Int(p.Value, at) ?? r.DeactivateAfterDays },
                "deleteAfterDays" => r with { DeleteAfterDays = Int(p.Value, at) ?? r.DeleteAfterDays },
                "requireOldKeyUnused" => r with { RequireOldKeyUnused = Bool(p.Value, at) ?? r.RequireOldKeyUnused },
                "maxDeactivationDelayDays" => r with { MaxDeactivationDelayDays = Int(p.Value, at) ?? r.MaxDeactivationDelayDays },
                _ => Unknown(r, at, "maxKeyAgeDays, deactivateAfterDays, deleteAfterDays, requireOldKeyUnused, maxDeactivationDelayDays"),
            };
        }

        return r;
    }

    private ExemptionConfig ReadExemptions(JsonElement element, string path)
    {
        var e = new ExemptionConfig();
        if (!ExpectObject(element, path))
        {
            return e;
        }

        foreach (var p in element.EnumerateObject())
        {
            var at = $"{path}.{p.Name}";
            e = p.Name switch
            {
                "group" => e with { Group = String(p.Value, at, nullable: true) },
                "tag" => e with { Tag = String(p.Value, at, nullable: true) },
                _ => Unknown(e, at, "group, tag"),
            };
        }

        return e;
    }

    private SecretsConfig ReadSecrets(JsonElement element, string path)
    {
        var s = new SecretsConfig();
        if (!ExpectObject(element, path))
        {
            return s;
        }

        foreach (var p in element.EnumerateObject())
        {
            var at = $"{path}.{p.Name}";
            s = p.Name switch
            {
                "nameTemplate" => s with { NameTemplate = String(p.Value, at) ?? s.NameTemplate },
                "kmsKeyId" => s with { KmsKeyId = String(p.Value, at, nullable: true) },
                "location" => s with { Location = Location(p.Value, at) },
                _ => Unknown(s, at, "nameTemplate, kmsKeyId, location"),
            };
        }

        return s;
    }

    private AlertsConfig ReadAlerts(JsonElement element, string path)
    {
        var a = new AlertsConfig();
        if (!ExpectObject(element, path))
        {
            return a;
        }

        foreach (var p in element.EnumerateObject())
        {
            var at = $"{path}.{p.Name}";
            a = p.Name switch
            {
                "snsTopicArn" => a with { SnsTopicArn = String(p.Value, at, nullable: true) },
                _ => Unknown(a, at, "snsTopicArn"),
            };
        }

        return a;
    }

    private ConcurrencyConfig ReadConcurrency(JsonElement element, string path)
    {
        var c = new ConcurrencyConfig();
        if (!ExpectObject(element, path))
        {
            return c;
        }

        foreach (var p in element.EnumerateObject())
        {
            var at = $"{path}.{p.Name}";
            c = p.Name switch
            {
                "accounts" => c with { Accounts = Int(p.Value, at) ?? c.Accounts },
                "usersPerAccount" => c with { UsersPerAccount = Int(p.Value, at) ?? c.UsersPerAccount },
                _ => Unknown(c, at, "accounts, usersPerAccount"),
            };
        }

        return c;
    }

    private SecretLocation Location(JsonElement value, string path)
    {
        var text = String(value, path);
        switch (text)
        {
            case "member":
                return SecretLocation.Member;
            case "central":
                return SecretLocation.Central;
            case null:
                return SecretLocation.Member;
            default:
                _problems.Add(new ConfigProblem(path, $"'{text}' is not 'member' or 'central'"));
                return SecretLocation.Member;
        }
    }

    private T Unknown<T>(T unchanged, string path, string known)
    {
        _problems.Add(new ConfigProblem(path, $"unknown field (known fields here: {known})"));
        return unchanged;
    }

    private bool ExpectObject(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        _problems.Add(new ConfigProblem(path, $"expected an object, found {Describe(element)}"));
        return false;
    }

    private string? String(JsonElement value, string path, bool nullable = false)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (nullable && value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        _problems.Add(new ConfigProblem(path, $"expected a string{(nullable ? " or null" : "")}, found {Describe(value)}"));
        return null;
    }

    private bool? Bool(JsonElement value, string path)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        _problems.Add(new ConfigProblem(path, $"expected true or false, found {Describe(value)}"));
        return null;
    }

    private int? Int(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        _problems.Add(new ConfigProblem(path, $"expected a whole number, found {Describe(value)}"));
        return null;
    }

    private List<string> StringList(JsonElement value, string path)
    {
        var list = new List<string>();
        if (value.ValueKind != JsonValueKind.Array)
        {
            _problems.Add(new ConfigProblem(path, $"expected an array of strings, found {Describe(value)}"));
            return list;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (String(item, $"{path}[{index}]") is { } text)
            {
                list.Add(text);
            }

            index++;
        }

        return list;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Truncate(value.GetString())}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };

    private static string? Truncate(string? text) => text is { Length: > 40 } ? text[..40] + "…" : text;
}
