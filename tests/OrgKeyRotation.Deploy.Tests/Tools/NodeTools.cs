using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrgKeyRotation.Deploy.Tests.Tools;

/// <summary>Runs the node scripts of deploy/terraform/tests (iam-check.js, simulate.js) on a JSON input file.</summary>
public static class NodeTools
{
    public static JsonElement Run(string script, JsonNode input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var file = Path.Combine(Path.GetTempPath(), $"orgkeyrotation-{Path.GetFileNameWithoutExtension(script)}-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, input.ToJsonString());
        try
        {
            var result = ProcessRunner.Run("node", [Path.Combine(ExternalTools.NodeToolsDirectory, script), file], ExternalTools.NodeToolsDirectory, null, TimeSpan.FromMinutes(2));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"node {script} exited {result.ExitCode}:\n{result.StandardError}");
            }

            using var doc = JsonDocument.Parse(result.StandardOutput);
            return doc.RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The policy documents as iam-check.js takes them.</summary>
    public static JsonArray PolicyInputs(IEnumerable<(string Name, string Kind, string PolicyJson)> policies) =>
        new(policies.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name,
            ["kind"] = p.Kind,
            ["policy"] = JsonNode.Parse(p.PolicyJson),
        }).ToArray());

    /// <summary>iam-check.js's findings, by policy name.</summary>
    public static Dictionary<string, string[]> CheckPolicies(IEnumerable<(string Name, string Kind, string PolicyJson)> policies) =>
        Run("iam-check.js", PolicyInputs(policies)).EnumerateArray().ToDictionary(
            r => r.GetProperty("name").GetString()!,
            r => r.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToArray(),
            StringComparer.Ordinal);
}
