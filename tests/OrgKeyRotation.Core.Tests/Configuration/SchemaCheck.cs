using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>
/// The subset of JSON Schema 2020-12 that docs/config.schema.json uses, enough to test the schema against the
/// same inputs as the loader. Patterns are ECMA-262, hence RegexOptions.ECMAScript (\w is ASCII there).
/// </summary>
internal static class SchemaCheck
{
    public static List<string> Errors(JsonElement value, JsonElement schema) => Errors(value, schema, schema);

    private static List<string> Errors(JsonElement value, JsonElement schema, JsonElement root)
    {
        var errors = new List<string>();
        Check(value, schema, root, "$", errors);
        return errors;
    }

    /// <summary>A "$ref" of the form "#/$defs/name", resolved against the root schema.</summary>
    private static JsonElement Resolve(JsonElement schema, JsonElement root)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            schema = reference.GetString()!.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate(root, (node, part) => node.GetProperty(part));
        }

        return schema;
    }

    private static void Check(JsonElement value, JsonElement schema, JsonElement root, string path, List<string> errors)
    {
        void Fail(string what) => errors.Add($"{path}: {what}");

        schema = Resolve(schema, root);

        if (schema.ValueKind == JsonValueKind.False)
        {
            Fail("not allowed");
            return;
        }

        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!types.Any(t => HasType(value, t)))
            {
                Fail($"not of type {string.Join("|", types)}");
                return;
            }
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            Fail("not one of the enum values");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            Fail("not the const value");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.ECMAScript))
                {
                    Fail($"does not match {pattern.GetString()}");
                }

                if (schema.TryGetProperty("minLength", out var minLength) && text.Length < minLength.GetInt32())
                {
                    Fail("too short");
                }

                if (schema.TryGetProperty("maxLength", out var maxLength) && text.Length > maxLength.GetInt32())
                {
                    Fail("too long");
                }

                break;
            case JsonValueKind.Number:
                if (schema.TryGetProperty("minimum", out var minimum) && value.GetDecimal() < minimum.GetDecimal())
                {
                    Fail("below minimum");
                }

                if (schema.TryGetProperty("maximum", out var maximum) && value.GetDecimal() > maximum.GetDecimal())
                {
                    Fail("above maximum");
                }

                break;
            case JsonValueKind.Array:
                if (schema.TryGetProperty("items", out var items))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(item, items, root, $"{path}[{i++}]", errors);
                    }
                }

                if (schema.TryGetProperty("maxItems", out var maxItems) && value.GetArrayLength() > maxItems.GetInt32())
                {
                    Fail("too many items");
                }

                if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
                {
                    Fail("too few items");
                }

                break;
            case JsonValueKind.Object:
                CheckObject(value, schema, root, path, errors);
                break;
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(option => Errors(value, option, root).Count == 0))
        {
            Fail("matches none of anyOf");
        }

        if (schema.TryGetProperty("if", out var condition) && Errors(value, condition, root).Count == 0 && schema.TryGetProperty("then", out var then))
        {
            Check(value, then, root, path, errors);
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                Check(value, part, root, path, errors);
            }
        }

        if (schema.TryGetProperty("not", out var not) && Errors(value, not, root).Count == 0)
        {
            Fail("matches what it must not");
        }
    }

    private static void CheckObject(JsonElement value, JsonElement schema, JsonElement root, string path, List<string> errors)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        foreach (var member in value.EnumerateObject())
        {
            var at = $"{path}.{member.Name}";
            if (schema.TryGetProperty("propertyNames", out var names))
            {
                Check(JsonDocument.Parse(JsonSerializer.Serialize(member.Name)).RootElement, names, root, at, errors);
            }

            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(member.Name, out var child))
            {
                Check(member.Value, child, root, at, errors);
            }
            else if (schema.TryGetProperty("additionalProperties", out var additional))
            {
                Check(member.Value, additional, root, at, errors);
            }
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
            {
                errors.Add($"{path}: missing {name}");
            }
        }

        if (schema.TryGetProperty("minProperties", out var minProperties) && value.EnumerateObject().Count() < minProperties.GetInt32())
        {
            errors.Add($"{path}: too few properties");
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d == decimal.Truncate(d),
        _ => throw new NotSupportedException($"schema type {type}"),
    };
}
