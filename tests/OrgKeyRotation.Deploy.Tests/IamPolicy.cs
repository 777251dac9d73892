using System.Text.Json;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>One statement of an IAM policy document, with Action and Resource normalised to lists.</summary>
public sealed record PolicyStatement(
    string? Sid,
    string Effect,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Resources,
    JsonElement? Principal,
    JsonElement? Condition)
{
    /// <summary>Condition value for an operator and key ("StringEquals", "sts:ExternalId"), or null.</summary>
    public string? ConditionValue(string op, string key) =>
        Condition is { } c && c.TryGetProperty(op, out var byKey) && byKey.TryGetProperty(key, out var value) ? value.ToString() : null;
}

/// <summary>
/// Parses IAM policy JSON and enforces the document shape AWS accepts, so a template that renders to something
/// IAM would reject fails here first.
/// </summary>
public static class IamPolicy
{
    public enum Kind
    {
        /// <summary>Attached to a role: Resource required, Principal forbidden.</summary>
        Identity,
        /// <summary>A role's trust policy: Principal required, Resource forbidden.</summary>
        Trust,
        /// <summary>A resource policy such as a KMS key policy: Principal and Resource required.</summary>
        Resource,
    }

    public static IReadOnlyList<PolicyStatement> Parse(string json, Kind kind)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("Version", out var version) || version.GetString() != "2012-10-17")
        {
            throw new FormatException("The policy's Version must be \"2012-10-17\".");
        }

        if (!root.TryGetProperty("Statement", out var statements) || statements.ValueKind != JsonValueKind.Array || statements.GetArrayLength() == 0)
        {
            throw new FormatException("The policy's Statement must be a non-empty array.");
        }

        var allowedKeys = new HashSet<string>(["Sid", "Effect", "Action", "Resource", "Principal", "Condition"], StringComparer.Ordinal);
        var result = new List<PolicyStatement>();
        var sids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in statements.EnumerateArray())
        {
            var unknown = s.EnumerateObject().Select(p => p.Name).Where(n => !allowedKeys.Contains(n)).ToList();
            if (unknown.Count > 0)
            {
                throw new FormatException($"A statement has keys IAM does not know here: {string.Join(", ", unknown)}.");
            }

            var sid = s.TryGetProperty("Sid", out var sidElement) ? sidElement.GetString() : null;
            if (sid is not null && (!sids.Add(sid) || !sid.All(char.IsAsciiLetterOrDigit)))
            {
                throw new FormatException($"Sid '{sid}' is duplicated or not alphanumeric.");
            }

            var effect = s.TryGetProperty("Effect", out var e) ? e.GetString() : null;
            if (effect is not ("Allow" or "Deny"))
            {
                throw new FormatException($"Statement {sid}: Effect must be Allow or Deny, not '{effect}'.");
            }

            var actions = StringOrList(s, "Action") ?? throw new FormatException($"Statement {sid}: Action is missing.");
            if (actions.Count == 0 || actions.Any(a => a != "*" && !a.Contains(':', StringComparison.Ordinal)))
            {
                throw new FormatException($"Statement {sid}: every action must be service:Name.");
            }

            var resources = StringOrList(s, "Resource");
            JsonElement? principal = s.TryGetProperty("Principal", out var p) ? p.Clone() : null;
            JsonElement? condition = s.TryGetProperty("Condition", out var c) ? c.Clone() : null;
            switch (kind)
            {
                case Kind.Identity when principal is not null || resources is null || resources.Count == 0:
                    throw new FormatException($"Statement {sid}: an identity policy needs Resource and no Principal.");
                case Kind.Trust when principal is null || resources is not null:
                    throw new FormatException($"Statement {sid}: a trust policy needs Principal and no Resource.");
                case Kind.Resource when principal is null || resources is null:
                    throw new FormatException($"Statement {sid}: a resource policy needs Principal and Resource.");
                default:
                    break;
            }

            if (condition is { } cond && (cond.ValueKind != JsonValueKind.Object || cond.EnumerateObject().Any(o => o.Value.ValueKind != JsonValueKind.Object)))
            {
                throw new FormatException($"Statement {sid}: Condition must map operators to objects of keys.");
            }

            result.Add(new PolicyStatement(sid, effect, actions, resources ?? [], principal, condition));
        }

        return result;
    }

    /// <summary>Read-only in IAM's sense for this project: List*, Get*, Describe*. Wildcards count as write.</summary>
    public static bool IsReadOnlyAction(string action)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        var name = action[(colon + 1)..];
        return !name.Contains('*', StringComparison.Ordinal) &&
            (name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Get", StringComparison.Ordinal) ||
             name.StartsWith("Describe", StringComparison.Ordinal));
    }

    /// <summary>Allow statements that grant a non-read action on Resource "*".</summary>
    public static IEnumerable<string> WriteActionsOnAnyResource(IEnumerable<PolicyStatement> statements) =>
        statements.Where(s => s.Effect == "Allow" && s.Resources.Contains("*"))
            .SelectMany(s => s.Actions.Where(a => !IsReadOnlyAction(a)).Select(a => $"{s.Sid}: {a}"));

    private static List<string>? StringOrList(JsonElement statement, string name)
    {
        if (!statement.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) =>
                value.EnumerateArray().Select(v => v.GetString()!).ToList(),
            _ => throw new FormatException($"{name} must be a string or an array of strings."),
        };
    }
}
