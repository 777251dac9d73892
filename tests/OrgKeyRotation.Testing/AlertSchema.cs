using System.Text.Json;
using Json.Schema;
using Xunit;

namespace OrgKeyRotation.Testing;

/// <summary>
/// docs/alerts.schema.json, the published format of alert messages (v1), as subscribers would validate against it.
/// Tests run it over messages captured from moto, so the documented schema and what the product sends cannot drift.
/// </summary>
public static class AlertSchema
{
    public static string Path { get; } = System.IO.Path.Combine(RepositoryRoot(), "docs", "alerts.schema.json");

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "docs", "alerts.schema.json"))));

    /// <summary>The problems of <paramref name="body"/> against the schema (format keywords checked too); empty when valid.</summary>
    public static IReadOnlyList<string> Problems(string body)
    {
        JsonElement node;
        try
        {
            using var document = JsonDocument.Parse(body);
            node = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return [$"not JSON: {ex.Message}"];
        }

        var result = Schema.Value.Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }

    /// <summary>Fails with every problem of every body that does not follow the schema.</summary>
    public static void AssertValid(IEnumerable<string> bodies)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var problems = bodies.Select(b => (Body: b, Problems: Problems(b))).Where(p => p.Problems.Count > 0).ToList();
        Assert.True(problems.Count == 0, string.Join("\n\n", problems.Select(p => $"{string.Join("\n", p.Problems)}\nin: {p.Body}")));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"OrgKeyRotation.sln not found above {AppContext.BaseDirectory}");
    }
}
