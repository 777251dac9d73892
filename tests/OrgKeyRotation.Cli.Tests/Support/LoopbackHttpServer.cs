using System.Net;
using System.Net.Sockets;

namespace OrgKeyRotation.Cli.Tests.Support;

/// <summary>
/// A small HTTP server on a free loopback port (HttpListener: the CLI's tests cannot load Kestrel beside keyrot.dll).
/// Each request goes to <see cref="HandleAsync"/> on its own task; disposing stops it.
/// </summary>
internal abstract class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private Task? _loop;

    protected LoopbackHttpServer()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}");
    }

    public Uri Endpoint { get; }

    /// <summary>What the handler threw (the client saw the connection end), for a failing test to show.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<Exception> Errors { get; } = new();

    public virtual async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        if (_loop is not null)
        {
            await _loop;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Answers one request; the response is closed afterwards.</summary>
    protected abstract Task HandleAsync(HttpListenerContext context);

    /// <summary>Starts listening; call at the end of the subclass's constructor.</summary>
    protected void Start()
    {
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using var response = context.Response;

                // One request per connection, as moto's server does: HttpListener closes idle keep-alive connections,
                // and a client that reuses one just then loses a request it must not blindly retry (CreateAccessKey).
                response.KeepAlive = false;
                try
                {
                    await HandleAsync(context);
                }
                catch (Exception e)
                {
                    Errors.Enqueue(e);
                    throw;
                }
            });
        }
    }
}
