using System.Text.Json;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// Reads the JSON form field by field, so that every wrong type and unknown field is reported with its path
/// (a serializer would stop at the first). Driven by <see cref="Settings"/>; hand-written rather than
/// reflection-based: the Lambda is Native AOT.
/// </summary>
internal sealed partial class JsonConfigReader(string rootPath = "$")
{
    private readonly List<ConfigProblem> _problems = [];

    public IReadOnlyList<ConfigProblem> Problems => _problems;

    public void Problem(string path, string message) => _problems.Add(new ConfigProblem(path, message));

    public RotationConfig Read(JsonElement root)
    {
        var config = new RotationConfig();
        return ExpectObject(root, rootPath) ? ReadObject(root, rootPath, section: null, config) : config;
    }

    private RotationConfig ReadObject(JsonElement element, string path, string? section, RotationConfig config)
    {
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            if (Settings.Find(section is null ? property.Name : $"{section}.{property.Name}") is { } setting)
            {
                config = setting.ReadJson(config, property.Value, at, this);
            }
            else if (section is null && Settings.Sections.Contains(property.Name))
            {
                config = ExpectObject(property.Value, at) ? ReadObject(property.Value, at, property.Name, config) : config;
            }
            else if (!(section is null && property.Name == "$schema"))
            {
                Problem(at, $"unknown field (known fields here: {string.Join(", ", Settings.FieldsOf(section))})");
            }
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
                Problem(accountPath, "account listed twice: merge its users into one entry");
                continue;
            }

            accounts[account.Name] = StringList(account.Value, accountPath);
        }

        return accounts;
    }

    private bool ExpectObject(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        Problem(path, $"expected an object, found {Describe(element)}");
        return false;
    }

    public string? String(JsonElement value, string path, bool nullable = false)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (nullable && value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Problem(path, $"expected a string{(nullable ? " or null" : "")}, found {Describe(value)}");
        return null;
    }

    public bool? Bool(JsonElement value, string path)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Problem(path, $"expected true or false, found {Describe(value)}");
        return null;
    }

    public int? Int(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        Problem(path, $"expected a whole number, found {Describe(value)}");
        return null;
    }

    public List<string> StringList(JsonElement value, string path)
    {
        var list = new List<string>();
        if (value.ValueKind != JsonValueKind.Array)
        {
            Problem(path, $"expected an array of strings, found {Describe(value)}");
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
