using System.Globalization;

namespace OrgKeyRotation.Bench;

/// <summary>How the sweep is run: one keyrot process, or the Lambda's SQS fan-out (one work item per account).</summary>
internal enum BenchMode
{
    Single,
    FanOut,
}

/// <summary>The driver's command line. Every option has a default; <see cref="Usage"/> lists them.</summary>
internal sealed record BenchOptions(
    int Accounts,
    int Users,
    int LatencyMs,
    double Throttle,
    double PropagationSeconds,
    int ConcurrencyAccounts,
    int ConcurrencyUsers,
    bool Baseline,
    bool SecondRotation,
    int MotoShards,
    bool StockMoto,
    BenchMode Mode,
    int FanOutWorkers,
    int FanOutBatchSize,
    string KeyrotPath,
    string BootstrapPath,
    bool Destinations = false)
{
    /// <summary>deploy/terraform's fanout_batch_size default: the event source hands an instance this many work items.</summary>
    public const int DefaultFanOutBatchSize = 10;

    public const string Usage =
        "usage: bench [--accounts N=20] [--users U=10] [--latency-ms 60] [--throttle 0.0] [--propagation-seconds P=0]\n" +
        "             [--concurrency-accounts 20] [--concurrency-users 10] [--baseline] [--second-rotation] [--moto-shards 2]\n" +
        "             [--stock-moto] [--mode single|fanout] [--fanout-workers 16]\n" +
        "             [--destinations: per user, one SSM SecureString parameter and one GitHub repository\n" +
        "              secret pair, GitHub being the contract server with its sealed-box oracle (needs node)]\n" +
        "             [--fanout-batch-size 10: work items per invocation, 1-10, as Terraform's fanout_batch_size]\n" +
        "             [--keyrot PATH: the AOT binary, or keyrot.dll for the dotnet host (default: the Release keyrot.dll)]\n" +
        "             [--bootstrap PATH: the Lambda bootstrap for --mode fanout (default: $ORGKEYROTATION_BOOTSTRAP, else\n" +
        "              artifacts/lambda/x86_64/publish/bootstrap)]";

    public static BenchOptions? Parse(string[] args)
    {
        var root = RepositoryRoot();
        var bootstrap = Environment.GetEnvironmentVariable("ORGKEYROTATION_BOOTSTRAP") is { Length: > 0 } given ? Path.GetFullPath(given, root) : Path.Combine(root, "artifacts", "lambda", "x86_64", "publish", "bootstrap");
        var o = new BenchOptions(20, 10, 60, 0, 0, 20, 10, false, false, 2, false, BenchMode.Single, 16, DefaultFanOutBatchSize, Path.Combine(root, "src", "OrgKeyRotation.Cli", "bin", "Release", "net10.0", "keyrot.dll"), bootstrap);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                o = args[i] switch
                {
                    "--accounts" => o with { Accounts = Positive(Next(), "--accounts") },
                    "--users" => o with { Users = Positive(Next(), "--users") },
                    "--latency-ms" => o with { LatencyMs = int.Parse(Next(), CultureInfo.InvariantCulture) is var ms and >= 0 ? ms : throw new ArgumentException("--latency-ms cannot be negative") },
                    "--throttle" => o with { Throttle = double.Parse(Next(), CultureInfo.InvariantCulture) is var t and >= 0 and <= 1 ? t : throw new ArgumentException("--throttle takes 0 to 1") },
                    "--propagation-seconds" => o with { PropagationSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) is var p and >= 0 and <= 600 ? p : throw new ArgumentException("--propagation-seconds takes 0 to 600") },
                    "--concurrency-accounts" => o with { ConcurrencyAccounts = Positive(Next(), "--concurrency-accounts") },
                    "--concurrency-users" => o with { ConcurrencyUsers = Positive(Next(), "--concurrency-users") },
                    "--baseline" => o with { Baseline = true },
                    "--second-rotation" => o with { SecondRotation = true },
                    "--stock-moto" => o with { StockMoto = true },
                    "--destinations" => o with { Destinations = true },
                    "--moto-shards" => o with { MotoShards = int.Parse(Next(), CultureInfo.InvariantCulture) is var n and >= 1 and <= 16 ? n : throw new ArgumentException("--moto-shards takes 1 to 16") },
                    "--mode" => o with { Mode = Next() switch { "single" => BenchMode.Single, "fanout" => BenchMode.FanOut, var m => throw new ArgumentException($"--mode takes single or fanout, not '{m}'") } },
                    "--fanout-workers" => o with { FanOutWorkers = int.Parse(Next(), CultureInfo.InvariantCulture) is var w and >= 1 and <= 64 ? w : throw new ArgumentException("--fanout-workers takes 1 to 64") },
                    "--fanout-batch-size" => o with { FanOutBatchSize = int.Parse(Next(), CultureInfo.InvariantCulture) is var b and >= 1 and <= 10 ? b : throw new ArgumentException("--fanout-batch-size takes 1 to 10 (SQS's most per receive, and the Terraform variable's range)") },
                    "--keyrot" => o with { KeyrotPath = Next() },
                    "--bootstrap" => o with { BootstrapPath = Path.GetFullPath(Next(), root) },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                Console.Error.WriteLine(ex.Message);
                return null;
            }
        }

        if ((o.Baseline || o.SecondRotation) && o.Mode == BenchMode.FanOut)
        {
            Console.Error.WriteLine("--baseline (the sequential run) and --second-rotation are for --mode single only");
            return null;
        }

        if (o.Destinations && BenchDestinations.Missing is { } missing)
        {
            Console.Error.WriteLine($"--destinations: {missing}");
            return null;
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

    private static int Positive(string value, string name) =>
        int.Parse(value, CultureInfo.InvariantCulture) is var n and >= 1 ? n : throw new ArgumentException($"{name} must be at least 1");
}
