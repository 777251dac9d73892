using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace OrgKeyRotation.Testing;

/// <summary>
/// A moto server (AWS emulator) in its own process on a free loopback port. Started by the test that needs it
/// and stopped by it: nothing outside the test run is assumed to be running.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process _process;
    private readonly StringWriter _output = new();

    private MotoServer(Process process, int port)
    {
        _process = process;
        Port = port;
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri Endpoint { get; }

    /// <summary>The moto process, for measuring its CPU time.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What moto printed, for diagnosing a failed start.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts moto and waits until it answers. <paramref name="environment"/> adds variables such as
    /// INITIAL_NO_AUTH_ACTION_COUNT. <paramref name="launcherScript"/>, when given, is a Python script that starts
    /// moto's server in its place (the benchmark uses one that memoizes moto's per-request module scan); it receives
    /// moto.server's own arguments.
    /// </summary>
    public static async Task<MotoServer> StartAsync(IReadOnlyDictionary<string, string>? environment = null, string? launcherScript = null, CancellationToken cancellationToken = default)
    {
        var port = FreePort();
        string[] serverArguments = ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var info = new ProcessStartInfo("python3", launcherScript is null ? ["-m", "moto.server", .. serverArguments] : [launcherScript, .. serverArguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("python3 could not be started; run scripts/test.sh, which checks that moto is installed.");
        var server = new MotoServer(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"moto exited with code {process.ExitCode} before answering. Is moto[server] installed (python3 -c 'import moto, flask')? Output:\n{server.Output}");
            }

            try
            {
                using var response = await Probe.GetAsync(new Uri(server.Endpoint, "/moto-api/"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Probe timeout while moto starts.
            }

            await Task.Delay(100, cancellationToken);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"moto did not answer on port {port} within 30 s. Output:\n{server.Output}");
    }

    /// <summary>Clears every account, user, secret, topic and queue.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Probe.PostAsync(new Uri(Endpoint, "/moto-api/reset"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Turns moto's IAM authorization on (server-wide) or off.</summary>
    public async Task SetAuthorizationAsync(bool enabled, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(enabled ? "0" : "inf");
        using var response = await Probe.PostAsync(new Uri(Endpoint, "/moto-api/reset-auth"), content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// One moto server per test class (xunit class fixture): classes run in parallel without sharing state,
/// and a class resets between tests when it needs a clean slate.
/// </summary>
public sealed class MotoFixture : IAsyncLifetime
{
    private MotoServer? _server;

    public MotoServer Server => _server ?? throw new InvalidOperationException("moto is not started.");

    public Uri Endpoint => Server.Endpoint;

    public async Task InitializeAsync() => _server = await MotoServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
