using System.Text.Json;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// The <c>destinations</c> object: its shape (objects, lists, field types, the words of each choice, required fields),
/// with a problem at the path of each thing wrong. Whether the names make valid places is the validator's
/// (<see cref="DestinationsSetting"/>).
/// </summary>
internal sealed partial class JsonConfigReader
{
    private static readonly string[] DestinationsFields = ["defaults", "accounts"];
    private static readonly string[] AccountDestinationsFields = ["defaults", "users"];
    private static readonly string[] SsmFields = ["type", "name", "format", "kmsKeyId"];
    private static readonly string[] GitHubFields = ["type", "scope", "repository", "environment", "organization", "visibility", "selectedRepositories", "accessKeyIdName", "secretAccessKeyName"];

    public DestinationsConfig ReadDestinations(JsonElement element, string path)
    {
        var config = new DestinationsConfig();
        if (!ExpectObject(element, path))
        {
            return config;
        }

        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            config = property.Name switch
            {
                "defaults" => config with { Defaults = ReadDestinationList(property.Value, at) },
                "accounts" => config with { Accounts = ReadAccountDestinations(property.Value, at) },
                _ => UnknownField(config, at, DestinationsFields),
            };
        }

        return config;
    }

    private Dictionary<string, AccountDestinations> ReadAccountDestinations(JsonElement element, string path)
    {
        var accounts = new Dictionary<string, AccountDestinations>(StringComparer.Ordinal);
        if (!ExpectObject(element, path))
        {
            return accounts;
        }

        foreach (var account in element.EnumerateObject())
        {
            var at = $"{path}.{account.Name}";
            if (accounts.ContainsKey(account.Name))
            {
                Problem(at, "account listed twice: merge its destinations into one entry");
                continue;
            }

            var destinations = new AccountDestinations();
            if (ExpectObject(account.Value, at))
            {
                foreach (var property in account.Value.EnumerateObject())
                {
                    var field = $"{at}.{property.Name}";
                    destinations = property.Name switch
                    {
                        "defaults" => destinations with { Defaults = ReadDestinationList(property.Value, field) },
                        "users" => destinations with { Users = ReadUserDestinations(property.Value, field) },
                        _ => UnknownField(destinations, field, AccountDestinationsFields),
                    };
                }
            }

            accounts[account.Name] = destinations;
        }

        return accounts;
    }

    private Dictionary<string, IReadOnlyList<DestinationConfig>> ReadUserDestinations(JsonElement element, string path)
    {
        var users = new Dictionary<string, IReadOnlyList<DestinationConfig>>(StringComparer.OrdinalIgnoreCase);
        if (!ExpectObject(element, path))
        {
            return users;
        }

        foreach (var user in element.EnumerateObject())
        {
            var at = $"{path}.{user.Name}";
            if (users.ContainsKey(user.Name))
            {
                Problem(at, "user listed twice (IAM user names are case-insensitive): merge its destinations into one entry");
                continue;
            }

            users[user.Name] = ReadDestinationList(user.Value, at);
        }

        return users;
    }

    private List<DestinationConfig> ReadDestinationList(JsonElement element, string path)
    {
        var list = new List<DestinationConfig>();
        if (element.ValueKind != JsonValueKind.Array)
        {
            Problem(path, $"expected an array of destinations, found {Describe(element)}");
            return list;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (ReadDestination(item, $"{path}[{index}]") is { } destination)
            {
                list.Add(destination);
            }

            index++;
        }

        return list;
    }

    private DestinationConfig? ReadDestination(JsonElement element, string path)
    {
        if (!ExpectObject(element, path))
        {
            return null;
        }

        var type = element.TryGetProperty("type", out var t) ? String(t, $"{path}.type") : null;
        if (type is null)
        {
            if (!element.TryGetProperty("type", out _))
            {
                Problem($"{path}.type", "missing: \"ssm\" or \"github\"");
            }

            return null;
        }

        var fields = type switch { "ssm" => SsmFields, "github" => GitHubFields, _ => null };
        if (fields is null)
        {
            Problem($"{path}.type", $"'{type}' is not 'ssm' or 'github'");
            return null;
        }

        var before = _problems.Count;
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (fields.Contains(property.Name, StringComparer.Ordinal))
            {
                values[property.Name] = property.Value;
            }
            else
            {
                Problem($"{path}.{property.Name}", $"unknown field of {type} destinations (known fields: {string.Join(", ", fields)})");
            }
        }

        string? Text(string field) => values.TryGetValue(field, out var v) ? String(v, $"{path}.{field}") : null;
        string? Required(string field)
        {
            if (values.ContainsKey(field))
            {
                return Text(field);
            }

            Problem($"{path}.{field}", $"missing: {type} destinations need {field}");
            return null;
        }

        T? Choice<T>(string field, params (string Word, T Value)[] choices)
            where T : struct
        {
            if (Text(field) is not { } word)
            {
                return null;
            }

            foreach (var choice in choices)
            {
                if (choice.Word == word)
                {
                    return choice.Value;
                }
            }

            Problem($"{path}.{field}", $"'{word}' is not {string.Join(" or ", choices.Select(c => $"'{c.Word}'"))}");
            return null;
        }

        DestinationConfig? destination = type == "ssm"
            ? new SsmDestinationConfig(
                Required("name") ?? "",
                Choice("format", ("json", ParameterFormat.Json), ("pair", ParameterFormat.Pair)) ?? ParameterFormat.Json,
                Text("kmsKeyId"))
            : new GitHubDestinationConfig(
                Choice("scope", ("repository", GitHubSecretScope.Repository), ("environment", GitHubSecretScope.Environment), ("organization", GitHubSecretScope.Organization))
                    ?? (values.ContainsKey("scope") ? GitHubSecretScope.Repository : MissingScope(path)),
                Text("repository"),
                Text("environment"),
                Text("organization"),
                Choice("visibility", ("all", GitHubSecretVisibility.All), ("private", GitHubSecretVisibility.Private), ("selected", GitHubSecretVisibility.Selected)),
                values.TryGetValue("selectedRepositories", out var selected) ? StringList(selected, $"{path}.selectedRepositories") : null,
                Text("accessKeyIdName") ?? GitHubDestinationConfig.DefaultAccessKeyIdName,
                Text("secretAccessKeyName") ?? GitHubDestinationConfig.DefaultSecretAccessKeyName);
        return _problems.Count == before ? destination : null;
    }

    private GitHubSecretScope MissingScope(string path)
    {
        Problem($"{path}.scope", "missing: github destinations need scope \"repository\", \"environment\" or \"organization\"");
        return GitHubSecretScope.Repository;
    }

    private T UnknownField<T>(T unchanged, string path, string[] known)
    {
        Problem(path, $"unknown field (known fields here: {string.Join(", ", known)})");
        return unchanged;
    }
}
