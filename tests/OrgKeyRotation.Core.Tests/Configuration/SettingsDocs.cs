using System.Collections;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>
/// Generates docs/config.schema.json and the settings tables of docs/configuration.md from <see cref="Settings.All"/>.
/// Lives beside the tests because only <see cref="GeneratedDocsTests"/> runs it (to compare, or to regenerate).
/// </summary>
internal static partial class SettingsDocs
{
    public const string RegenerateVariable = "ORGKEYROTATION_REGENERATE_DOCS";

    public const string RegenerateCommand = RegenerateVariable + "=1 dotnet test tests/OrgKeyRotation.Core.Tests --filter FullyQualifiedName~GeneratedDocsTests";

    private static readonly RotationConfig Defaults = new();

    // ---------------------------------------------------------------- schema

    public static string Schema()
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json-schema.org/draft/2020-12/schema");
            w.WriteString("title", "OrgKeyRotation configuration (file form)");
            w.WriteString("description", "Generated from src/OrgKeyRotation.Core/Configuration/Settings.cs (regenerate: " + RegenerateCommand + "). Cross-field rules the schema cannot express are in each description; the loader checks them all. See docs/configuration.md.");
            w.WriteString("type", "object");
            w.WriteBoolean("additionalProperties", false);
            w.WriteStartObject("properties");
            w.WriteStartObject("$schema");
            w.WriteString("type", "string");
            w.WriteEndObject();
            foreach (var field in Settings.FieldsOf(null))
            {
                if (Settings.Find(field) is { } setting)
                {
                    WriteSetting(w, setting);
                }
                else
                {
                    WriteSection(w, field);
                }
            }

            w.WriteEndObject();
            WriteRootRules(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteSection(Utf8JsonWriter w, string section)
    {
        w.WriteStartObject(section);
        w.WriteString("type", "object");
        w.WriteBoolean("additionalProperties", false);
        w.WriteStartObject("properties");
        foreach (var field in Settings.FieldsOf(section))
        {
            WriteSetting(w, Settings.Find($"{section}.{field}")!);
        }

        w.WriteEndObject();
        if (section == "secrets")
        {
            WriteJson(w, "allOf", """
                [
                  {
                    "if": { "required": ["rotationLambdaArn"], "properties": { "rotationLambdaArn": { "type": "string" } } },
                    "then": { "required": ["location"], "properties": { "location": { "const": "central" } } }
                  },
                  {
                    "if": { "required": ["location"], "properties": { "location": { "const": "central" } } },
                    "then": {
                      "required": ["kmsKeyId", "rotatorArn"],
                      "properties": {
                        "kmsKeyId": { "type": "string", "not": { "pattern": "(^|:)alias/aws/secretsmanager$" } },
                        "rotatorArn": { "type": "string" }
                      }
                    }
                  }
                ]
                """);
        }

        w.WriteEndObject();
    }

    /// <summary>The cross-field rules of the root that JSON Schema can express.</summary>
    private static void WriteRootRules(Utf8JsonWriter w)
    {
        // Something to rotate: accounts listed, or discovery.organization true.
        WriteJson(w, "anyOf", """
            [
              { "required": ["accounts"], "properties": { "accounts": { "minProperties": 1 } } },
              { "required": ["discovery"], "properties": { "discovery": { "required": ["organization"], "properties": { "organization": { "const": true } } } } }
            ]
            """);

        // A work queue needs the results queue (the fan-out digest).
        WriteJson(w, "if", """{ "required": ["workQueueUrl"], "properties": { "workQueueUrl": { "type": "string" } } }""");
        WriteJson(w, "then", """{ "required": ["resultsQueueUrl"], "properties": { "resultsQueueUrl": { "type": "string" } } }""");
        WriteJson(w, "$defs", DestinationDefinitions);
    }

    /// <summary>
    /// One destination, each field with its type (templated names: the allowed characters and the two placeholders),
    /// and the fields each type and scope needs or refuses. Names checked after templating (length, depth, reserved
    /// prefixes, a leading digit) and the count per user are the loader's.
    /// </summary>
    private static readonly string DestinationDefinitions = $$"""
        {
          "destinationList": { "type": "array", "maxItems": {{DestinationsConfig.MaxPerUser}}, "items": { "$ref": "#/$defs/destination" } },
          "destination": {
            "type": "object",
            "additionalProperties": false,
            "required": ["type"],
            "properties": {
              "type": { "enum": ["ssm", "github"] },
              "name": { "description": "ssm: the parameter name ({accountId} and {userName} are filled in); with format pair, NAME/access-key-id and NAME/secret-access-key.", "type": "string", "pattern": "^([A-Za-z0-9_./-]|\\{accountId\\}|\\{userName\\})+$" },
              "format": { "description": "ssm: json (one parameter, the secret's JSON document) or pair (two parameters).", "enum": ["json", "pair"], "default": "json" },
              "kmsKeyId": { "description": "ssm: the KMS key of the SecureString; default the account's aws/ssm key.", "type": "string", "pattern": "{{AwsIdentifiers.SchemaPattern(AwsIdentifiers.KmsKeyPattern)}}" },
              "scope": { "description": "github: where the secrets live.", "enum": ["repository", "environment", "organization"] },
              "repository": { "description": "github, scope repository or environment: owner/name ({accountId} and {userName} are filled in).", "type": "string", "pattern": "^[^/\\s]+/[^/\\s]+$" },
              "environment": { "description": "github, scope environment: the environment's name.", "type": "string", "minLength": 1 },
              "organization": { "description": "github, scope organization: the organization's name.", "type": "string", "pattern": "^[^/\\s]+$" },
              "visibility": { "description": "github, scope organization: which repositories may read the secrets.", "enum": ["all", "private", "selected"] },
              "selectedRepositories": { "description": "github, visibility selected: the organization's repositories that may read the secrets.", "type": "array", "items": { "type": "string", "pattern": "^[^/\\s]+$" } },
              "accessKeyIdName": { "description": "github: the secret that holds the access key id.", "type": "string", "pattern": "^([A-Za-z0-9_]|\\{accountId\\}|\\{userName\\})+$", "default": "{{GitHubDestinationConfig.DefaultAccessKeyIdName}}" },
              "secretAccessKeyName": { "description": "github: the secret that holds the secret access key.", "type": "string", "pattern": "^([A-Za-z0-9_]|\\{accountId\\}|\\{userName\\})+$", "default": "{{GitHubDestinationConfig.DefaultSecretAccessKeyName}}" }
            },
            "allOf": [
              { "if": { "properties": { "type": { "const": "ssm" } } }, "then": { "required": ["name"], "properties": { "scope": false, "repository": false, "environment": false, "organization": false, "visibility": false, "selectedRepositories": false, "accessKeyIdName": false, "secretAccessKeyName": false } } },
              { "if": { "properties": { "type": { "const": "github" } } }, "then": { "required": ["scope"], "properties": { "name": false, "format": false, "kmsKeyId": false } } },
              { "if": { "required": ["scope"], "properties": { "scope": { "const": "repository" } } }, "then": { "required": ["repository"], "properties": { "environment": false, "organization": false, "visibility": false, "selectedRepositories": false } } },
              { "if": { "required": ["scope"], "properties": { "scope": { "const": "environment" } } }, "then": { "required": ["repository", "environment"], "properties": { "organization": false, "visibility": false, "selectedRepositories": false } } },
              { "if": { "required": ["scope"], "properties": { "scope": { "const": "organization" } } }, "then": { "required": ["organization", "visibility"], "properties": { "repository": false, "environment": false } } },
              { "if": { "required": ["visibility"], "properties": { "visibility": { "const": "selected" } } }, "then": { "required": ["selectedRepositories"], "properties": { "selectedRepositories": { "minItems": 1 } } } },
              { "if": { "not": { "required": ["visibility"], "properties": { "visibility": { "const": "selected" } } } }, "then": { "properties": { "selectedRepositories": false } } }
            ]
          }
        }
        """;

    private static void WriteJson(Utf8JsonWriter w, string name, string json)
    {
        using var document = JsonDocument.Parse(json);
        w.WritePropertyName(name);
        document.RootElement.WriteTo(w);
    }

    private static void WriteSetting(Utf8JsonWriter w, Setting setting)
    {
        w.WriteStartObject(setting.Field);
        w.WriteString("description", Unmark(setting.Description + (setting.AllowedDoc is { } allowed ? $" Allowed: {allowed.TrimEnd('.')}." : "")));
        switch (setting)
        {
            case IntSetting i:
                WriteType(w, "integer", i.Nullable);
                w.WriteNumber("minimum", i.Minimum);
                w.WriteNumber("maximum", i.Maximum);
                break;
            case BoolSetting:
                w.WriteString("type", "boolean");
                break;
            case TextSetting t:
                WriteType(w, "string", t.Nullable);
                if (t.SchemaPattern is { } pattern)
                {
                    w.WriteString("pattern", pattern);
                }

                break;
            case ListSetting l:
                w.WriteString("type", "array");
                w.WriteStartObject("items");
                w.WriteString("type", "string");
                if (l.ItemRule.SchemaPattern is { } itemPattern)
                {
                    w.WriteString("pattern", itemPattern);
                }

                w.WriteEndObject();
                break;
            case ChoiceSetting<SecretLocation> c:
                w.WriteStartArray("enum");
                foreach (var word in c.Words)
                {
                    w.WriteStringValue(word);
                }

                w.WriteEndArray();
                break;
            case AccountsSetting:
                w.WriteString("type", "object");
                w.WriteStartObject("propertyNames");
                w.WriteString("pattern", AwsIdentifiers.SchemaPattern(AwsIdentifiers.AccountIdPattern));
                w.WriteEndObject();
                w.WriteStartObject("additionalProperties");
                w.WriteString("type", "array");
                w.WriteStartObject("items");
                w.WriteString("type", "string");
                w.WriteString("pattern", AwsIdentifiers.SchemaPattern(AwsIdentifiers.UserNamePattern));
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case DestinationsSetting:
                WriteJson(w, "type", "\"object\"");
                w.WriteBoolean("additionalProperties", false);
                WriteJson(w, "properties", $$"""
                    {
                      "defaults": { "$ref": "#/$defs/destinationList" },
                      "accounts": {
                        "type": "object",
                        "propertyNames": { "pattern": "{{AwsIdentifiers.SchemaPattern(AwsIdentifiers.AccountIdPattern)}}" },
                        "additionalProperties": {
                          "type": "object",
                          "additionalProperties": false,
                          "properties": {
                            "defaults": { "$ref": "#/$defs/destinationList" },
                            "users": {
                              "type": "object",
                              "propertyNames": { "pattern": "{{AwsIdentifiers.SchemaPattern(AwsIdentifiers.UserNamePattern)}}" },
                              "additionalProperties": { "$ref": "#/$defs/destinationList" }
                            }
                          }
                        }
                      }
                    }
                    """);
                break;
            default:
                throw new NotSupportedException($"no schema for {setting.GetType().Name} ({setting.Name})");
        }

        w.WritePropertyName("default");
        WriteValue(w, setting.ValueIn(Defaults));
        w.WriteEndObject();
    }

    private static void WriteType(Utf8JsonWriter w, string type, bool nullable)
    {
        if (!nullable)
        {
            w.WriteString("type", type);
            return;
        }

        w.WriteStartArray("type");
        w.WriteStringValue(type);
        w.WriteStringValue("null");
        w.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case IDictionary map:
                w.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    w.WritePropertyName((string)entry.Key);
                    WriteValue(w, entry.Value);
                }

                w.WriteEndObject();
                break;
            case DestinationsConfig { IsEmpty: true }:
                w.WriteStartObject();
                w.WriteEndObject();
                break;
            case IEnumerable<string> list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    w.WriteStringValue(item);
                }

                w.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"no JSON form for {value.GetType().Name}");
        }
    }

    // ---------------------------------------------------------------- markdown

    /// <summary>The generated blocks of docs/configuration.md, by name: "root", each section, and "environment".</summary>
    public static IReadOnlyDictionary<string, string> MarkdownBlocks()
    {
        var blocks = new Dictionary<string, string>(StringComparer.Ordinal) { ["root"] = FileTable(null) };
        foreach (var section in Settings.Sections)
        {
            blocks[section] = FileTable(section);
        }

        blocks["environment"] = EnvironmentTable();
        return blocks;
    }

    /// <summary>Replaces the content of every generated block of <paramref name="markdown"/>; fails on a block it does not know or a missing one.</summary>
    public static string Apply(string markdown)
    {
        var blocks = MarkdownBlocks();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = GeneratedBlock().Replace(markdown, m =>
        {
            var name = m.Groups["name"].Value;
            if (!blocks.TryGetValue(name, out var content) || !seen.Add(name))
            {
                throw new InvalidOperationException($"configuration.md: unknown or repeated generated block '{name}'");
            }

            return $"{m.Groups["begin"].Value}\n{content}{m.Groups["end"].Value}";
        });
        var missing = blocks.Keys.Except(seen).ToList();
        return missing.Count == 0 ? result : throw new InvalidOperationException($"configuration.md lacks the generated blocks: {string.Join(", ", missing)}");
    }

    private static string FileTable(string? section)
    {
        var text = new StringBuilder("| Field | Type | Default | Allowed | What it does |\n| --- | --- | --- | --- | --- |\n");
        foreach (var field in Settings.FieldsOf(section))
        {
            var setting = Settings.Find(section is null ? field : $"{section}.{field}");
            text.Append(setting is null
                // Heading ids are lower case (GitHub's rendering): ### `fanOut` is #fanout.
                ? $"| `{field}` | object | see [`{field}`](#{field.ToLowerInvariant()}) | | |\n"
                : $"| `{field}` | {setting.TypeDoc} | {setting.DefaultDoc} | {Cell(setting.Allowed)} | {Cell(setting.Description)} |\n");
        }

        return text.ToString();
    }

    private static string EnvironmentTable()
    {
        var text = new StringBuilder("| Variable | Setting | Format | Default |\n| --- | --- | --- | --- |\n");
        foreach (var setting in Settings.All)
        {
            text.Append($"| `{setting.Variable}` | `{setting.Name}` | {Cell(EnvironmentFormat(setting))} | {setting.DefaultDoc} |\n");
        }

        return text.ToString();
    }

    private static string EnvironmentFormat(Setting setting) => setting switch
    {
        IntSetting i => $"integer, {i.Allowed}",
        BoolSetting => "`true` or `false`, any case",
        TextSetting t => t.Allowed + (t.EmptyDisables ? "; empty disables" : ""),
        ListSetting l => "comma-separated " + l.Allowed,
        ChoiceSetting<SecretLocation> c => string.Join(" or ", c.Words.Select(word => $"`{word}`")) + ", any case",
        AccountsSetting => "JSON object `{\"111111111111\": [\"user1\", \"user2\"]}`",
        DestinationsSetting => "JSON object, the same as the file form's `destinations`",
        _ => throw new NotSupportedException(setting.GetType().Name),
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Unmark(string text) => text.Replace("`", "", StringComparison.Ordinal);

    [GeneratedRegex(@"(?<begin><!-- BEGIN GENERATED settings:(?<name>[A-Za-z]+)[^>]*-->)\n.*?(?<end><!-- END GENERATED settings:\k<name> -->)", RegexOptions.Singleline)]
    private static partial Regex GeneratedBlock();
}
