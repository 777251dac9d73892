using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Bench;

/// <summary>
/// The Lambda's SQS fan-out, with the real Native AOT bootstrap: N bootstrap processes (N warm function instances)
/// share one local Runtime API (<see cref="RuntimeApiServer"/>), configured through the same environment variables
/// Terraform sets and pointed at the model's endpoint (AWS_ENDPOINT_URL). One manual <c>{"mode":"enqueue"}</c>
/// invocation sends one work item per account to an SQS queue in moto, then the sweep's delayed digest item;
/// <see cref="SqsEventSource"/> then delivers the items, up to --fanout-batch-size per event, to a free instance, as the
/// event source mapping does, until
/// every account item was handled and the digest was published (the digest item may come back, delayed, while work is
/// in flight). The wall time runs from the enqueue invocation to the last account item handled; the digest's own time
/// is reported beside it.
/// </summary>
internal static class FanOutRun
{
    private static readonly TimeSpan FunctionTimeout = TimeSpan.FromSeconds(900);

    public static async Task<JsonObject> RunAsync(BenchOptions options, MotoServer[] shards, AwsModelProxy proxy)
    {
        if (!File.Exists(options.BootstrapPath))
        {
            throw new FileNotFoundException($"No Lambda bootstrap at {options.BootstrapPath}: run deploy/package_lambda.sh, or pass --bootstrap.", options.BootstrapPath);
        }

        await Task.WhenAll(shards.Select(s => s.ResetAsync()));
        var scenario = await Scenario.SeedAsync(options, proxy.DirectEndpoint);
        // Created through the model's port: moto names queue URLs after the Host it was asked on, and the function
        // must send its work items through the model.
        var queueUrl = await new MotoSeeder(proxy.Endpoint).CreateQueueAsync("rotation-work");
        var resultsQueueUrl = await new MotoSeeder(proxy.Endpoint).CreateQueueAsync("rotation-results");
        var environment = Environment(options, scenario, proxy.Endpoint, queueUrl, resultsQueueUrl);
        await using var destinations = options.Destinations ? await BenchDestinations.StartAsync(scenario, proxy.DirectEndpoint, TimeSpan.FromMilliseconds(options.LatencyMs)) : null;
        destinations?.AddTo(environment);

        await using var runtime = RuntimeApiServer.Start();
        var workers = Enumerable.Range(0, options.FanOutWorkers).Select(_ => Worker.Start(options.BootstrapPath, environment, runtime.Address)).ToList();
        using var source = new SqsEventSource(proxy.DirectEndpoint, queueUrl);
        try
        {
            RunFigures.Reset(proxy.Model);
            var motoCpuBefore = shards.Sum(s => ProcessStats.CpuSeconds(s.ProcessId));
            var driverCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var watch = Stopwatch.StartNew();

            var enqueue = await InvokeAsync(runtime, """{"mode":"enqueue"}""", workers);
            var enqueued = JsonNode.Parse(enqueue.Body)?["enqueued"]?.GetValue<int>() ?? throw new InvalidOperationException($"The enqueue invocation answered without a count: {enqueue.Body}");
            var enqueueSeconds = watch.Elapsed.TotalSeconds;
            var (handled, failedItems, lost, wall, digestItems) = await DrainAsync(runtime, source, workers, enqueued, options.FanOutWorkers, options.FanOutBatchSize, watch);
            var digestSeconds = watch.Elapsed.TotalSeconds;

            var motoCpu = shards.Sum(s => ProcessStats.CpuSeconds(s.ProcessId)) - motoCpuBefore;
            var driverCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - driverCpuBefore;
            var workerCpu = workers.Sum(w => ProcessStats.CpuSeconds(w.Process.Id));
            var peaks = workers.Select(w => ProcessStats.PeakRssBytes(w.Process.Id)).ToList();
            await Task.WhenAll(workers.Select(w => w.StopAsync()));
            var (rotated, failed) = SqsCounts(workers);

            var (verified, verifiedFailures, promotedUnverified) = await scenario.VerifyAsync(proxy.DirectEndpoint, proxy.Model.Get<NewKeyPropagation>());
            var run = new JsonObject
            {
                ["concurrency"] = new JsonObject { ["workers"] = options.FanOutWorkers, ["batchSize"] = options.FanOutBatchSize, ["accountsPerInstance"] = options.ConcurrencyAccounts, ["usersPerAccount"] = options.ConcurrencyUsers },
                ["workItemsEnqueued"] = enqueued,
                ["workItemsHandled"] = handled,
                ["workItemsFailed"] = failedItems,
                ["workItemsLost"] = lost,
                ["digestItemsHandled"] = digestItems,
                ["digestsPublished"] = workers.Sum(w => w.DigestsPublished),
                ["digestSeconds"] = Math.Round(digestSeconds, 3),
                ["enqueueSeconds"] = Math.Round(enqueueSeconds, 3),
                ["wallSeconds"] = Math.Round(wall.TotalSeconds, 3),
                ["usersRotated"] = rotated,
                ["failed"] = failed,
                ["usersPerSecond"] = Math.Round(rotated / wall.TotalSeconds, 1),
            };
            RunFigures.AddModelFigures(run, proxy.Model, rotated);
            destinations?.AddFigures(run, rotated);
            // Each worker is one function instance: its peak is what the Lambda's memory size must hold.
            run["peakRssMb"] = Math.Round(peaks.Max() / 1024.0 / 1024.0, 1);
            run["peakRssMbAllWorkers"] = Math.Round(peaks.Sum() / 1024.0 / 1024.0, 1);
            run["cpuSeconds"] = new JsonObject
            {
                ["workers"] = Math.Round(workerCpu, 2),
                ["moto"] = Math.Round(motoCpu, 2),
                ["proxyAndEventSource"] = Math.Round(driverCpu, 2),
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
            run["eventSourceRetries"] = source.Retries;
            return run;
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.StopAsync()));
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    /// <summary>
    /// Hands each batch of messages to a free instance until every enqueued account item was handled and a worker
    /// published the digest; stops early when the queue stays empty with nothing in flight before the accounts are done
    /// (items lost), or when the digest has not come <see cref="DigestPatience"/> after the last account.
    /// </summary>
    private static async Task<(int Handled, int Failed, int Lost, TimeSpan Wall, int DigestItems)> DrainAsync(RuntimeApiServer runtime, SqsEventSource source, IReadOnlyList<Worker> workers, int enqueued, int slots, int batchSize, Stopwatch watch)
    {
        var handled = 0;
        var failed = 0;
        var digestItems = 0;
        var inFlight = 0;
        var wall = TimeSpan.Zero;
        var idleSince = Stopwatch.StartNew();
        bool AccountsDone() => Volatile.Read(ref handled) >= enqueued;
        bool Done() => AccountsDone() && workers.Any(w => w.DigestsPublished > 0);
        await Task.WhenAll(Enumerable.Range(0, slots).Select(async _ =>
        {
            while (!Done())
            {
                var messages = await source.ReceiveAsync(batchSize);
                if (messages.Count == 0)
                {
                    // Nothing visible: the rest is in flight, delayed (the digest item), or lost.
                    var quiet = Volatile.Read(ref inFlight) == 0 ? idleSince.Elapsed : TimeSpan.Zero;
                    if ((!AccountsDone() && quiet > TimeSpan.FromSeconds(10)) || (AccountsDone() && quiet > DigestPatience))
                    {
                        return;
                    }

                    // An idle slot polls twice a second, as Lambda's pollers wait between empty receives: with batches,
                    // most slots are idle, and polling every 50 ms kept the moto shard that holds the queue (and half
                    // the accounts) busy answering empty receives.
                    await Task.Delay(IdlePoll);
                    continue;
                }

                Interlocked.Increment(ref inFlight);
                var outcome = await InvokeAsync(runtime, source.EventFor(messages), workers);
                // Lambda would make the failed items visible again for a retry; the benchmark reports them instead.
                var itemsFailed = outcome.Kind != RuntimeOutcomeKind.Response
                    ? messages.Count
                    : (JsonNode.Parse(outcome.Body)?["batchItemFailures"] as JsonArray)?.Count ?? 0;
                Interlocked.Add(ref failed, itemsFailed);

                await Task.WhenAll(messages.Select(source.DeleteAsync));
                var digests = messages.Count(m => m.Body.Contains("\"kind\":\"digest\"", StringComparison.Ordinal));
                Interlocked.Add(ref digestItems, digests);
                var accounts = messages.Count - digests;
                var after = Interlocked.Add(ref handled, accounts);
                if (accounts > 0 && after >= enqueued && after - accounts < enqueued)
                {
                    wall = watch.Elapsed;
                }

                Interlocked.Decrement(ref inFlight);
                idleSince.Restart();
            }
        }));
        return (handled, failed, enqueued - handled, wall == TimeSpan.Zero ? watch.Elapsed : wall, digestItems);
    }

    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    /// <summary>The digest item's longest delay (SQS's 15 minutes) and a minute: after the last account it must have come.</summary>
    private static readonly TimeSpan DigestPatience = TimeSpan.FromMinutes(16);

    private static async Task<RuntimeOutcome> InvokeAsync(RuntimeApiServer runtime, string payload, IReadOnlyList<Worker> workers)
    {
        var outcome = runtime.InvokeAsync(payload, DateTimeOffset.UtcNow + FunctionTimeout);
        var first = await Task.WhenAny(outcome, runtime.InitError);
        if (first != outcome)
        {
            var error = await runtime.InitError;
            throw new InvalidOperationException($"A bootstrap failed to initialise ({error.ErrorType}): {error.Body}\n{workers[0].Tail}");
        }

        return await outcome;
    }

    /// <summary>KeysRotated and RotationFailures summed over the workers' EMF metrics lines of SQS invocations.</summary>
    private static (int Rotated, int Failed) SqsCounts(IEnumerable<Worker> workers)
    {
        var rotated = 0;
        var failed = 0;
        foreach (var line in workers.SelectMany(w => w.MetricsLines))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("Trigger", out var trigger) && trigger.GetString() == "Sqs")
            {
                rotated += root.GetProperty("KeysRotated").GetInt32();
                failed += root.GetProperty("RotationFailures").GetInt32();
            }
        }

        return (rotated, failed);
    }

    /// <summary>The function's configuration, as the central-admin Terraform module sets it.</summary>
    private static Dictionary<string, string> Environment(BenchOptions options, Scenario scenario, Uri endpoint, string queueUrl, string resultsQueueUrl)
    {
        var policy = Scenario.Policy();
        return new Dictionary<string, string>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            // The whole organisation inline keeps both modes' work identical. Lambda caps its environment at 4 KB, so a
            // deployment this size would discover accounts (DISCOVER_ORGANIZATION) instead.
            ["ACCOUNTS_USERS_JSON"] = JsonSerializer.Serialize(scenario.Accounts.ToDictionary(a => a, _ => scenario.Users)),
            ["ROTATION_ROLE_NAME"] = "IAMKeyRotationRole",
            ["SNS_TOPIC_ARN"] = scenario.TopicArn,
            ["MAX_KEY_AGE_DAYS"] = policy["maxKeyAgeDays"]!.ToJsonString(),
            ["DEACTIVATE_AFTER_DAYS"] = policy["deactivateAfterDays"]!.ToJsonString(),
            ["DELETE_AFTER_DAYS"] = policy["deleteAfterDays"]!.ToJsonString(),
            ["CONCURRENCY_ACCOUNTS"] = options.ConcurrencyAccounts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CONCURRENCY_USERS_PER_ACCOUNT"] = options.ConcurrencyUsers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WORK_QUEUE_URL"] = queueUrl,
            // Where workers report their accounts for the sweep's one digest (required with a work queue).
            ["RESULTS_QUEUE_URL"] = resultsQueueUrl,
            // The digest item looks after 5 s, then 10, 20, ... while accounts are in flight: it comes soon after the last
            // account without a minute's wait on the smoke size.
            ["DIGEST_DELAY_SECONDS"] = "5",
        };
    }

    /// <summary>One bootstrap process: a warm function instance polling the shared Runtime API.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly List<string> _metrics = [];
        private readonly Queue<string> _tail = new();
        private int _digestsPublished;

        private Worker(Process process) => Process = process;

        public Process Process { get; }

        /// <summary>Digests this instance published (its "Digest of sweep ...: Published" log lines).</summary>
        public int DigestsPublished => Volatile.Read(ref _digestsPublished);

        public IReadOnlyList<string> MetricsLines
        {
            get
            {
                lock (_metrics)
                {
                    return [.. _metrics];
                }
            }
        }

        /// <summary>The last lines the process printed, for diagnosing a failed start.</summary>
        public string Tail
        {
            get
            {
                lock (_tail)
                {
                    return string.Join('\n', _tail);
                }
            }
        }

        public static Worker Start(string binary, IReadOnlyDictionary<string, string> environment, string runtimeApi)
        {
            var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment.Clear();
            foreach (var name in new[] { "PATH", "HOME" })
            {
                info.Environment[name] = System.Environment.GetEnvironmentVariable(name);
            }

            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }

            info.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
            var worker = new Worker(Process.Start(info) ?? throw new InvalidOperationException($"{binary} could not be started."));
            worker.Process.OutputDataReceived += (_, e) => worker.Record(e.Data);
            worker.Process.ErrorDataReceived += (_, e) => worker.Record(e.Data);
            worker.Process.BeginOutputReadLine();
            worker.Process.BeginErrorReadLine();
            return worker;
        }

        public async Task StopAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
            }

            await Process.WaitForExitAsync();
        }

        public void Dispose() => Process.Dispose();

        private void Record(string? line)
        {
            if (line is null)
            {
                return;
            }

            if (line.Contains("Digest of sweep", StringComparison.Ordinal) && line.Contains(": Published", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _digestsPublished);
            }

            if (line.Contains("\"_aws\"", StringComparison.Ordinal))
            {
                lock (_metrics)
                {
                    _metrics.Add(line);
                }
            }

            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > 20)
                {
                    _tail.Dequeue();
                }
            }
        }
    }
}
