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
    Console.Error.WriteLine("usage: bench [--accounts N=20] [--users U=10] [--latency-ms 60] [--throttle 0.0] [--concurrency-accounts 20] [--concurrency-users 10] [--baseline] [--moto-shards 2] [--stock-moto] [--keyrot PATH: the AOT binary, or keyrot.dll for the dotnet host (default: the Release keyrot.dll)]");
    return 2;
}

var launcher = options.StockMoto ? null : Path.Combine(BenchOptions.RepositoryRoot(), "bench", "moto_server_fast.py");
var shards = await Task.WhenAll(Enumerable.Range(0, options.MotoShards).Select(_ => MotoServer.StartAsync(launcherScript: launcher)));
var work = Directory.CreateTempSubdirectory("keyrot-bench-");
try
{
    await using var proxy = await AwsProxy.StartAsync(new ShardRouter(shards.Select(s => s.Endpoint).ToList()), TimeSpan.FromMilliseconds(options.LatencyMs), options.Throttle);
    var run = await RunOnceAsync(options, shards, proxy, work, options.ConcurrencyAccounts, options.ConcurrencyUsers);
    JsonObject? baseline = null;
    if (options.Baseline)
    {
        baseline = await RunOnceAsync(options, shards, proxy, work, 1, 1);
    }

    var line = new JsonObject
    {
        ["scenario"] = $"{options.Accounts}x{options.Users}",
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
    return run["failed"]!.GetValue<int>() == 0 && run["verifiedFailures"]!.GetValue<int>() == 0 ? 0 : 1;
}
finally
{
    work.Delete(recursive: true);
    foreach (var shard in shards)
    {
        await shard.DisposeAsync();
    }
}

static async Task<JsonObject> RunOnceAsync(BenchOptions options, MotoServer[] shards, AwsProxy proxy, DirectoryInfo work, int accountsParallel, int usersParallel)
{
    await Task.WhenAll(shards.Select(s => s.ResetAsync()));
    var seeder = new MotoSeeder(proxy.DirectEndpoint);
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
    // No subscription: moto's SNS-to-SQS delivery slows down as the queue grows (2.4 s per PublishBatch at 5,000
    // queued messages), which real SNS does not; the alerts are still published and counted.
    var topic = await seeder.CreateTopicAsync("bench");
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
    var motoCpuBefore = shards.Sum(s => CpuSeconds(s.ProcessId));
    var driverCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    var (exitCode, wall, peakRss, keyrotCpu, stdout, stderr) = await RunKeyrotAsync(options.KeyrotPath, ["rotate", "--config", configPath, "--endpoint-url", proxy.Endpoint.ToString(), "--output", "json", "--quiet"]);
    var motoCpu = shards.Sum(s => CpuSeconds(s.ProcessId)) - motoCpuBefore;
    var proxyCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - driverCpuBefore;
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
        // Where the time goes: CPU seconds of each process during the sweep (moto summed over its shards; the proxy
        // is this driver process), against wallSeconds x the machine's cores.
        ["cpuSeconds"] = new JsonObject
        {
            ["keyrot"] = Math.Round(keyrotCpu, 2),
            ["moto"] = Math.Round(motoCpu, 2),
            ["proxy"] = Math.Round(proxyCpu, 2),
        },
        ["verifiedUsers"] = sample.Count,
        ["verifiedFailures"] = verifiedFailures,
        ["seedSeconds"] = Math.Round(seedSeconds, 1),
    };
}

static async Task<(int ExitCode, TimeSpan Wall, long PeakRssBytes, double CpuSeconds, string Stdout, string Stderr)> RunKeyrotAsync(string keyrot, IReadOnlyList<string> arguments)
{
    // Peak RSS and CPU come from the kernel's rusage of the child through GNU time (exact, and no polling that would
    // spend the driver's CPU during the run); without it, /proc is sampled every 50 ms instead.
    const string GnuTime = "/usr/bin/time";
    var rusageFile = File.Exists(GnuTime) ? Path.GetTempFileName() : null;
    // keyrot.dll runs on the dotnet host (JIT); anything else is the Native AOT binary (scripts/publish_cli.sh).
    var managed = keyrot.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
    string[] command = [.. managed ? new[] { "dotnet", keyrot } : [keyrot], .. arguments];
    string[] launch = rusageFile is null ? command : [GnuTime, "-f", "%U %S %M", "-o", rusageFile, .. command];
    var info = new ProcessStartInfo(launch[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in launch.Skip(1))
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
    double cpu = 0;
    if (rusageFile is null)
    {
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ReadHighWaterMark(process.Id));
            cpu = Math.Max(cpu, CpuSeconds(process.Id));
            await Task.Delay(50);
        }
    }

    await process.WaitForExitAsync();
    watch.Stop();
    if (rusageFile is not null)
    {
        // "user system maxrss_kb" on the file's last line (GNU time writes "Command exited with..." above it on failure).
        var fields = File.ReadAllLines(rusageFile).Last(l => l.Length > 0).Split(' ');
        cpu = double.Parse(fields[0], CultureInfo.InvariantCulture) + double.Parse(fields[1], CultureInfo.InvariantCulture);
        peak = long.Parse(fields[2], CultureInfo.InvariantCulture) * 1024;
        File.Delete(rusageFile);
    }

    return (process.ExitCode, watch.Elapsed, peak, cpu, await stdout, await stderr);
}

// utime + stime of a live process from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s); 0 once gone.
static double CpuSeconds(int pid)
{
    try
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
    catch (IOException)
    {
        return 0;
    }
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

internal sealed record BenchOptions(int Accounts, int Users, int LatencyMs, double Throttle, int ConcurrencyAccounts, int ConcurrencyUsers, bool Baseline, int MotoShards, bool StockMoto, string KeyrotPath)
{
    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions(20, 10, 60, 0, 20, 10, false, 2, false, Path.Combine(RepositoryRoot(), "src", "OrgKeyRotation.Cli", "bin", "Release", "net10.0", "keyrot.dll"));
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
                    "--stock-moto" => o with { StockMoto = true },
                    "--moto-shards" => o with { MotoShards = int.Parse(Next(), CultureInfo.InvariantCulture) is var n and >= 1 and <= 16 ? n : throw new ArgumentException("--moto-shards takes 1 to 16") },
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

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? ".";
    }
}
