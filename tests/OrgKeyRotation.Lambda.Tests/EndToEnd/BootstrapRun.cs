using System.Diagnostics;
using System.Text;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Lambda.Tests.EndToEnd;

/// <summary>The real bootstrap process running against a local <see cref="RuntimeApiServer"/>.</summary>
internal sealed class BootstrapRun : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private BootstrapRun(RuntimeApiServer server, Process process)
    {
        Server = server;
        _process = process;
    }

    public RuntimeApiServer Server { get; }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts the bootstrap with only the given variables (plus PATH/HOME) and, unless told otherwise, AWS_LAMBDA_RUNTIME_API.</summary>
    public static async Task<BootstrapRun> StartAsync(IReadOnlyDictionary<string, string> environment, bool withRuntimeApi = true)
    {
        var binary = await BootstrapBinary.GetAsync();
        var server = RuntimeApiServer.Start();
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME" })
        {
            info.Environment[name] = Environment.GetEnvironmentVariable(name);
        }

        if (withRuntimeApi)
        {
            info.Environment["AWS_LAMBDA_RUNTIME_API"] = server.Address;
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} could not be started.");
        var run = new BootstrapRun(server, process);
        process.OutputDataReceived += (_, e) => Append(run._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(run._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    public async Task<RuntimeOutcome> InvokeAsync(string payload, TimeSpan? timeToDeadline = null)
    {
        var outcome = Server.InvokeAsync(payload, DateTimeOffset.UtcNow + (timeToDeadline ?? TimeSpan.FromMinutes(5)));
        return await outcome.WaitAsync(Patience);
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Stops the process and waits until its output is fully read, so <see cref="Stdout"/> is complete.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        // With asynchronous reading, WaitForExitAsync also waits for the end of both output streams.
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        await Server.DisposeAsync();
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }
}
