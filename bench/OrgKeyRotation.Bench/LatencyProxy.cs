using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrgKeyRotation.Bench;

/// <summary>
/// A loopback HTTP proxy in front of moto that models real AWS: every request waits <c>latency</c> before it is
/// forwarded, a fraction of requests is answered with a throttling error instead, and every request is counted by
/// service action. Loopback only; it stops with its owner.
/// </summary>
internal sealed class LatencyProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Uri _target;
    private readonly TimeSpan _latency;
    private readonly double _throttleFraction;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Random _random = new(20261125);

    public LatencyProxy(Uri target, TimeSpan latency, double throttleFraction)
    {
        _target = target;
        _latency = latency;
        _throttleFraction = throttleFraction;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public int Throttled;

    public void ResetCounts()
    {
        Calls.Clear();
        Throttled = 0;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var target = context.Request.Headers["X-Amz-Target"];
            var action = target ?? ActionOf(bytes) ?? context.Request.Url!.AbsolutePath;
            var service = ServiceOf(context.Request.Headers["Authorization"]);
            Calls.AddOrUpdate($"{service}:{action}", 1, (_, n) => n + 1);

            await Task.Delay(_latency);
            bool throttle;
            lock (_random)
            {
                throttle = _random.NextDouble() < _throttleFraction;
            }

            if (throttle)
            {
                Interlocked.Increment(ref Throttled);
                await ThrottleAsync(context.Response, target is not null);
                return;
            }

            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_target, context.Request.RawUrl))
            {
                Content = new ByteArrayContent(bytes),
            };
            foreach (var name in context.Request.Headers.AllKeys)
            {
                if (name is null || name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!forward.Headers.TryAddWithoutValidation(name, context.Request.Headers[name]))
                {
                    forward.Content.Headers.TryAddWithoutValidation(name, context.Request.Headers[name]);
                }
            }

            using var response = await _upstream.SendAsync(forward);
            var payload = await response.Content.ReadAsByteArrayAsync();
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                context.Response.Headers[header.Key] = string.Join(",", header.Value);
            }

            context.Response.ContentLength64 = payload.Length;
            await context.Response.OutputStream.WriteAsync(payload);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or HttpRequestException or ObjectDisposedException)
        {
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
                // Already closed.
            }
        }
    }

    private static async Task ThrottleAsync(HttpListenerResponse response, bool json)
    {
        var body = json
            ? "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded (injected by the benchmark proxy)\"}"
            : "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded (injected by the benchmark proxy)</Message></Error><RequestId>bench-throttle</RequestId></ErrorResponse>";
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = 400;
        response.ContentType = json ? "application/x-amz-json-1.1" : "text/xml";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private static string? ActionOf(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        foreach (var pair in text.Split('&'))
        {
            if (pair.StartsWith("Action=", StringComparison.Ordinal))
            {
                return pair["Action=".Length..];
            }
        }

        return null;
    }

    private static string ServiceOf(string? authorization)
    {
        // Credential=AKID/date/region/service/aws4_request
        var start = authorization?.IndexOf("Credential=", StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return "unknown";
        }

        var parts = authorization![(start + "Credential=".Length)..].Split('/');
        return parts.Length > 3 ? parts[3] : "unknown";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
            // Listener closed while accepting.
        }

        _upstream.Dispose();
        _stop.Dispose();
    }
}
