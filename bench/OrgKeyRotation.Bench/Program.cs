using System.Text.Json.Nodes;
using OrgKeyRotation.Bench;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

// bench: seeds N accounts x U users into moto, runs one sweep through the AWS model (tests/OrgKeyRotation.Testing/
// Modelling: latency per call, throttling, a new key refused for P seconds) behind a loopback proxy, verifies the end
// state in moto, and prints one JSON line. --mode single runs `keyrot rotate`; --mode fanout runs the Lambda's SQS
// fan-out with the real bootstrap. With --baseline (single only) it also runs the same sweep sequentially
// (concurrency 1) on a fresh copy of the same state, so the speed-up is measured side by side.
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var launcher = options.StockMoto ? null : Path.Combine(BenchOptions.RepositoryRoot(), "bench", "moto_server_fast.py");
var shards = await Task.WhenAll(Enumerable.Range(0, options.MotoShards).Select(_ => MotoServer.StartAsync(launcherScript: launcher)));
var work = Directory.CreateTempSubdirectory("keyrot-bench-");
try
{
    // Propagation is always modelled: at P = 0 it refuses nothing but still records each key's first use.
    var model = AwsModel.Create(new AwsModelOptions
    {
        Latency = TimeSpan.FromMilliseconds(options.LatencyMs),
        ThrottleFraction = options.Throttle,
        PropagationDelay = TimeSpan.FromSeconds(options.PropagationSeconds),
    });
    await using var proxy = await AwsModelProxy.StartAsync(model, shards.Select(s => s.Endpoint).ToList());
    var run = options.Mode == BenchMode.FanOut
        ? await FanOutRun.RunAsync(options, shards, proxy)
        : await SingleProcessRun.RunAsync(options, shards, proxy, work, options.ConcurrencyAccounts, options.ConcurrencyUsers);
    JsonObject? baseline = null;
    if (options.Baseline)
    {
        baseline = await SingleProcessRun.RunAsync(options, shards, proxy, work, 1, 1);
    }

    var line = new JsonObject
    {
        ["scenario"] = $"{options.Accounts}x{options.Users}",
        ["mode"] = options.Mode == BenchMode.FanOut ? "fanout" : "single",
        ["propagationSeconds"] = options.PropagationSeconds,
        ["latencyMs"] = options.LatencyMs,
        ["moto"] = options.StockMoto ? "stock" : "memoized",
        ["motoShards"] = options.MotoShards,
        ["throttleFraction"] = options.Throttle,
        ["parallel"] = run,
    };
    if (baseline is not null)
    {
        line["sequential"] = baseline;
        line["speedup"] = Math.Round(baseline["wallSeconds"]!.GetValue<double>() / run["wallSeconds"]!.GetValue<double>(), 1);
    }

    Console.WriteLine(line.ToJsonString());
    return Clean(run) && (baseline is null || Clean(baseline)) ? 0 : 1;
}
finally
{
    work.Delete(recursive: true);
    foreach (var shard in shards)
    {
        await shard.DisposeAsync();
    }
}

// Every user rotated, every key verified before its promotion, and every destination holding the current key.
static bool Clean(JsonObject run) =>
    run["failed"]!.GetValue<int>() == 0 && run["verifiedFailures"]!.GetValue<int>() == 0 && run["promotedUnverified"]!.GetValue<int>() == 0
    && (run["destinationsVerifiedFailures"]?.GetValue<int>() ?? 0) == 0;
