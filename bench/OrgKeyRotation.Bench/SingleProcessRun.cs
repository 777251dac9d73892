using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Bench;

/// <summary>One `keyrot rotate` process sweeping every account, pointed at the model's endpoint.</summary>
internal static class SingleProcessRun
{
    /// <summary>
    /// The steady-state rotation: every user has one key (the first rotation's) and its secret; the same command runs
    /// again. Its calls include the ownership check and the attempt record of an existing secret.
    /// </summary>
    private static async Task<JsonObject> SecondRotationAsync(BenchOptions options, Scenario scenario, AwsModelProxy proxy, string configPath)
    {
        await scenario.RetireSeededKeysAsync(proxy.DirectEndpoint);
        RunFigures.Reset(proxy.Model);
        var (exitCode, wall, peakRss, _, stdout, _) = await RotateAsync(options, proxy, configPath);
        var counts = JsonNode.Parse(stdout)?["counts"];
        var rotated = counts?["rotated"]?.GetValue<int>() ?? 0;
        var run = new JsonObject
        {
            ["exitCode"] = exitCode,
            ["wallSeconds"] = Math.Round(wall.TotalSeconds, 3),
            ["usersRotated"] = rotated,
            ["failed"] = counts?["failed"]?.GetValue<int>() ?? -1,
        };
        RunFigures.AddModelFigures(run, proxy.Model, rotated);
        run["peakRssMb"] = Math.Round(peakRss / 1024.0 / 1024.0, 1);
        return run;
    }

    /// <summary>`keyrot rotate` against the model's endpoint, JSON result on stdout.</summary>
    private static Task<(int ExitCode, TimeSpan Wall, long PeakRssBytes, double CpuSeconds, string Stdout, string Stderr)> RotateAsync(BenchOptions options, AwsModelProxy proxy, string configPath) =>
        ProcessStats.RunKeyrotAsync(options.KeyrotPath, ["rotate", "--config", configPath, "--endpoint-url", proxy.Endpoint.ToString(), "--output", "json", "--quiet"]);

    public static async Task<JsonObject> RunAsync(BenchOptions options, MotoServer[] shards, AwsModelProxy proxy, DirectoryInfo work, int accountsParallel, int usersParallel)
    {
        await Task.WhenAll(shards.Select(s => s.ResetAsync()));
        var scenario = await Scenario.SeedAsync(options, proxy.DirectEndpoint);
        await using var destinations = options.Destinations ? await BenchDestinations.StartAsync(scenario, proxy.DirectEndpoint, TimeSpan.FromMilliseconds(options.LatencyMs)) : null;
        var config = new JsonObject
        {
            ["accounts"] = new JsonObject(scenario.Accounts.Select(a => KeyValuePair.Create(a, (JsonNode?)new JsonArray(scenario.Users.Select(u => (JsonNode?)u).ToArray())))),
            ["policy"] = Scenario.Policy(),
            ["alerts"] = new JsonObject { ["snsTopicArn"] = scenario.TopicArn },
            ["concurrency"] = new JsonObject { ["accounts"] = accountsParallel, ["usersPerAccount"] = usersParallel },
        };
        destinations?.AddTo(config);
        var configPath = Path.Combine(work.FullName, $"config-{accountsParallel}.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        RunFigures.Reset(proxy.Model);
        var motoCpuBefore = shards.Sum(s => ProcessStats.CpuSeconds(s.ProcessId));
        var driverCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var (exitCode, wall, peakRss, keyrotCpu, stdout, stderr) = await RotateAsync(options, proxy, configPath);
        var motoCpu = shards.Sum(s => ProcessStats.CpuSeconds(s.ProcessId)) - motoCpuBefore;
        var proxyCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - driverCpuBefore;

        var rotated = 0;
        var failed = 0;
        try
        {
            var result = JsonNode.Parse(stdout)!;
            rotated = result["counts"]!["rotated"]!.GetValue<int>();
            failed = result["counts"]!["failed"]!.GetValue<int>();
        }
        catch (Exception ex) when (ex is JsonException or NullReferenceException or InvalidOperationException)
        {
            Console.Error.WriteLine($"keyrot exited {exitCode} without a JSON result. stderr:\n{stderr}");
            failed = -1;
        }

        var (verified, verifiedFailures, promotedUnverified) = await scenario.VerifyAsync(proxy.DirectEndpoint, proxy.Model.Get<NewKeyPropagation>());
        var run = new JsonObject
        {
            ["concurrency"] = new JsonObject { ["accounts"] = accountsParallel, ["usersPerAccount"] = usersParallel },
            ["exitCode"] = exitCode,
            ["wallSeconds"] = Math.Round(wall.TotalSeconds, 3),
            ["usersRotated"] = rotated,
            ["failed"] = failed,
            ["usersPerSecond"] = Math.Round(rotated / wall.TotalSeconds, 1),
        };
        RunFigures.AddModelFigures(run, proxy.Model, rotated);
        destinations?.AddFigures(run, rotated);
        run["peakRssMb"] = Math.Round(peakRss / 1024.0 / 1024.0, 1);
        // Where the time goes: CPU seconds of each process during the sweep (moto summed over its shards; the proxy is
        // this driver process), against wallSeconds x the machine's cores.
        run["cpuSeconds"] = new JsonObject
        {
            ["keyrot"] = Math.Round(keyrotCpu, 2),
            ["moto"] = Math.Round(motoCpu, 2),
            ["proxy"] = Math.Round(proxyCpu, 2),
        };
        run["verifiedUsers"] = verified;
        run["verifiedFailures"] = verifiedFailures;
        run["promotedUnverified"] = promotedUnverified;
        if (destinations is not null)
        {
            run["destinationsVerifiedUsers"] = scenario.UserCount;
            run["destinationsVerifiedFailures"] = await destinations.VerifyAsync(scenario, proxy.DirectEndpoint);
        }

        run["seedSeconds"] = Math.Round(scenario.SeedSeconds, 1);
        if (options.SecondRotation && failed == 0)
        {
            run["secondRotation"] = await SecondRotationAsync(options, scenario, proxy, configPath);
        }

        return run;
    }
}
