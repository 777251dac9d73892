using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrgKeyRotation.Bench;
using OrgKeyRotation.Testing;

// bench: seeds N accounts x U users into moto, runs `keyrot rotate` through a latency-injecting proxy, verifies the
// end state in moto, and prints one JSON line. With --baseline it also runs the same sweep sequentially
// (concurrency 1) on a fresh copy of the same state, so the speed-up is measured side by side.
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: bench [--accounts N=20] [--users U=10] [--latency-ms 60] [--throttle 0.0] [--concurrency-accounts 20] [--concurrency-users 10] [--baseline] [--keyrot PATH_TO_keyrot.dll]");
    return 2;
}

await using var moto = await MotoServer.StartAsync();
await using var proxy = new LatencyProxy(moto.Endpoint, TimeSpan.FromMilliseconds(options.LatencyMs), options.Throttle);
var work = Directory.CreateTempSubdirectory("keyrot-bench-");
try
{
    var run = await RunOnceAsync(options, moto, proxy, work, options.ConcurrencyAccounts, options.ConcurrencyUsers);
    JsonObject? baseline = null;
    if (options.Baseline)
    {
        baseline = await RunOnceAsync(options, moto, proxy, work, 1, 1);
    }

    var line = new JsonObject
    {
        ["scenario"] = $"{options.Accounts}x{options.Users}",
        ["latencyMs"] = options.LatencyMs,
        ["throttleFraction"] = options.Throttle,
        ["parallel"] = run,
    };
    if (baseline is not null)
    {
        line["sequential"] = baseline;
        line["speedup"] = Math.Round(baseline["wallSeconds"]!.GetValue<double>() / run["wallSeconds"]!.GetValue<double>(), 1);
    }

    Console.WriteLine(line.ToJsonString());
    return run["failed"]!.GetValue<int>() == 0 && run["verifiedFailures"]!.GetValue<int>() == 0 ? 0 : 1;
}
finally
{
    work.Delete(recursive: true);
}

static async Task<JsonObject> RunOnceAsync(BenchOptions options, MotoServer moto, LatencyProxy proxy, DirectoryInfo work, int accountsParallel, int usersParallel)
{
    await moto.ResetAsync();
    var seeder = new MotoSeeder(moto.Endpoint);
    var accounts = Enumerable.Range(1, options.Accounts).Select(i => (100000000000L + i).ToString(CultureInfo.InvariantCulture)).ToList();
    var users = Enumerable.Range(1, options.Users).Select(i => $"svc-{i:000}").ToList();
    var oldKeys = new System.Collections.Concurrent.ConcurrentDictionary<(string, string), string>();
    var seedWatch = Stopwatch.StartNew();
    await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (account, _) =>
    {
        foreach (var user in users)
        {
            await seeder.CreateUserAsync(account, user);
            oldKeys[(account, user)] = (await seeder.CreateAccessKeyAsync(account, user)).AccessKeyId;
        }
    });
    var (topic, _) = await seeder.CreateTopicWithQueueAsync("bench");
    var seedSeconds = seedWatch.Elapsed.TotalSeconds;

    var config = new JsonObject
    {
        ["accounts"] = new JsonObject(accounts.Select(a => KeyValuePair.Create(a, (JsonNode?)new JsonArray(users.Select(u => (JsonNode?)u).ToArray())))),
        ["policy"] = new JsonObject { ["maxKeyAgeDays"] = 0, ["deactivateAfterDays"] = 7, ["deleteAfterDays"] = 7 },
        ["alerts"] = new JsonObject { ["snsTopicArn"] = topic },
        ["concurrency"] = new JsonObject { ["accounts"] = accountsParallel, ["usersPerAccount"] = usersParallel },
    };
    var configPath = Path.Combine(work.FullName, $"config-{accountsParallel}.json");
    await File.WriteAllTextAsync(configPath, config.ToJsonString());

    proxy.ResetCounts();
    var (exitCode, wall, peakRss, stdout, stderr) = await RunKeyrotAsync(options.KeyrotPath, ["rotate", "--config", configPath, "--endpoint-url", proxy.Endpoint.ToString(), "--output", "json", "--quiet"]);
    var calls = proxy.Calls.ToDictionary(c => c.Key, c => c.Value);
    var totalCalls = calls.Values.Sum();

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

    // Verify in moto itself: every user (or a sample of large runs) has a new active key in AWSCURRENT.
    var sample = oldKeys.Keys.OrderBy(k => k).Where((_, i) => oldKeys.Count <= 400 || i % (oldKeys.Count / 200) == 0).ToList();
    var verifiedFailures = 0;
    foreach (var (account, user) in sample)
    {
        var value = await seeder.CurrentSecretValueAsync(account, $"iam-key-rotation/{account}/{user}");
        var keys = await seeder.ListAccessKeysAsync(account, user);
        var current = value is null ? null : JsonDocument.Parse(value).RootElement.GetProperty("AccessKeyId").GetString();
        if (current is null || current == oldKeys[(account, user)] || keys.Count != 2 || !keys.Any(k => k.AccessKeyId == current && k.Status == "Active"))
        {
            verifiedFailures++;
        }
    }

    var rotatedUsers = Math.Max(rotated, 1);
    return new JsonObject
    {
        ["concurrency"] = new JsonObject { ["accounts"] = accountsParallel, ["usersPerAccount"] = usersParallel },
        ["exitCode"] = exitCode,
        ["wallSeconds"] = Math.Round(wall.TotalSeconds, 3),
        ["usersRotated"] = rotated,
        ["failed"] = failed,
        ["usersPerSecond"] = Math.Round(rotated / wall.TotalSeconds, 1),
        ["apiCalls"] = totalCalls,
        ["callsPerRotatedUser"] = Math.Round((double)totalCalls / rotatedUsers, 2),
        ["callsByAction"] = new JsonObject(calls.OrderByDescending(c => c.Value).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
        ["throttledResponses"] = proxy.Throttled,
        ["peakRssMb"] = Math.Round(peakRss / 1024.0 / 1024.0, 1),
        ["verifiedUsers"] = sample.Count,
        ["verifiedFailures"] = verifiedFailures,
        ["seedSeconds"] = Math.Round(seedSeconds, 1),
    };
}

static async Task<(int ExitCode, TimeSpan Wall, long PeakRssBytes, string Stdout, string Stderr)> RunKeyrotAsync(string keyrot, IReadOnlyList<string> arguments)
{
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    info.ArgumentList.Add(keyrot);
    foreach (var a in arguments)
    {
        info.ArgumentList.Add(a);
    }

    info.Environment["AWS_ACCESS_KEY_ID"] = "testing";
    info.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
    info.Environment["AWS_REGION"] = "us-east-1";
    info.Environment["DOTNET_TieredPGO"] = "0";
    var watch = Stopwatch.StartNew();
    using var process = Process.Start(info)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    long peak = 0;
    while (!process.HasExited)
    {
        peak = Math.Max(peak, ReadHighWaterMark(process.Id));
        await Task.Delay(10);
    }

    await process.WaitForExitAsync();
    watch.Stop();
    return (process.ExitCode, watch.Elapsed, peak, await stdout, await stderr);
}

static long ReadHighWaterMark(int pid)
{
    try
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
    }
    catch (IOException)
    {
        // The process exited between the check and the read.
    }

    return 0;
}

internal sealed record BenchOptions(int Accounts, int Users, int LatencyMs, double Throttle, int ConcurrencyAccounts, int ConcurrencyUsers, bool Baseline, string KeyrotPath)
{
    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions(20, 10, 60, 0, 20, 10, false, DefaultKeyrot());
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                o = args[i] switch
                {
                    "--accounts" => o with { Accounts = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--users" => o with { Users = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--latency-ms" => o with { LatencyMs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--throttle" => o with { Throttle = double.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--concurrency-accounts" => o with { ConcurrencyAccounts = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--concurrency-users" => o with { ConcurrencyUsers = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--baseline" => o with { Baseline = true },
                    "--keyrot" => o with { KeyrotPath = Next() },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                Console.Error.WriteLine(ex.Message);
                return null;
            }
        }

        return o;
    }

    private static string DefaultKeyrot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? ".", "src", "OrgKeyRotation.Cli", "bin", "Release", "net10.0", "keyrot.dll");
    }
}
