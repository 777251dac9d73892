using System.Text.Json.Nodes;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Bench;

/// <summary>The figures every run reports from the model it ran through, and the reset between runs.</summary>
internal static class RunFigures
{
    /// <summary>Clears the model's counts and key records before a run (the proxy and its model serve every run).</summary>
    public static void Reset(AwsModel model)
    {
        model.Get<CallCounter>().Reset();
        model.Get<NewKeyPropagation>().Reset();
        model.Get<ConcurrentCalls>().Reset();
        model.Find<Throttling>()?.Reset();
    }

    /// <summary>Calls (all, and per rotated user by action), throttling, refused verifications and the overshoot.</summary>
    public static void AddModelFigures(JsonObject run, AwsModel model, int rotatedUsers)
    {
        var calls = model.Get<CallCounter>().Calls;
        var total = calls.Values.Sum();
        var users = Math.Max(rotatedUsers, 1);
        var propagation = model.Get<NewKeyPropagation>().Report();
        run["apiCalls"] = total;
        run["callsPerRotatedUser"] = Math.Round((double)total / users, 2);
        run["callsByAction"] = new JsonObject(calls.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));
        run["callsPerUserByService"] = new JsonObject(calls.GroupBy(c => c.Key[..c.Key.IndexOf(':', StringComparison.Ordinal)], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)Math.Round((double)g.Sum(c => c.Value) / users, 2))));
        run["callsPerUserByAction"] = new JsonObject(calls.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)Math.Round((double)c.Value / users, 2))));
        run["throttledResponses"] = model.Find<Throttling>()?.Throttled ?? 0;
        // The per-account bound as AWS sees it: IAM calls in flight at once in one account (latency included).
        run["peakConcurrentIamCallsPerAccount"] = model.Get<ConcurrentCalls>().Peak;
        // Every refusal is a request signed by a key younger than P: the engine's verification of its new key.
        run["refusedVerifications"] = propagation.RefusedRequests;
        run["keysCreated"] = propagation.KeysCreated;
        run["keysVerified"] = propagation.KeysUsed;
        // Overshoot: first accepted request signed by a key minus the moment it became usable (created + P).
        run["overshootSeconds"] = new JsonObject
        {
            ["max"] = Seconds(propagation.OvershootMax),
            ["p50"] = Seconds(propagation.OvershootP50),
            ["p95"] = Seconds(propagation.OvershootP95),
        };
    }

    private static JsonNode? Seconds(TimeSpan? value) => value is { } v ? Math.Round(v.TotalSeconds, 2) : null;
}
