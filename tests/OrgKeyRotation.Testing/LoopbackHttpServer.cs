using System.Net;
using System.Net.Sockets;

namespace OrgKeyRotation.Testing;

/// <summary>
/// An HTTP listener on a free loopback port that hands each request to <c>serve</c> on its own task, for the test
/// servers that stand in for an HTTP API (the Lambda Runtime API, GitHub's REST API). Disposing stops it.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<HttpListenerContext, Task> _serve;
    private readonly Task _acceptLoop;

    private LoopbackHttpServer(int port, Func<HttpListenerContext, Task> serve)
    {
        _serve = serve;
        Address = $"127.0.0.1:{port}";
        _listener.Prefixes.Add($"http://{Address}/");
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    /// <summary>host:port.</summary>
    public string Address { get; }

    /// <summary>Cancelled when the server stops: for the waits of a request in flight.</summary>
    public CancellationToken Stopping => _stop.Token;

    public static LoopbackHttpServer Start(Func<HttpListenerContext, Task> serve)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new LoopbackHttpServer(port, serve);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing the listener ends the accept loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync();
            _ = Task.Run(() => _serve(context));
        }
    }
}
