using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace OrgKeyRotation.Bench;

/// <summary>
/// A loopback HTTP proxy (Kestrel) in front of one or more moto servers. It has two ports:
/// <list type="bullet">
/// <item><see cref="Endpoint"/> models real AWS for the sweep under test: every request waits <c>latency</c> before
/// it is forwarded, a fraction is answered with a throttling error instead, and every request is counted by
/// service and action;</item>
/// <item><see cref="DirectEndpoint"/> forwards at once and counts nothing, for seeding and verifying.</item>
/// </list>
/// Both route with the same <see cref="ShardRouter"/>, so an account's users, keys and secrets live in one moto
/// process, whichever port wrote them. Loopback only; it stops with its owner.
/// </summary>
internal sealed class AwsProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive" };
    private readonly WebApplication _app;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromSeconds(120) };
    private readonly ShardRouter _router;
    private readonly TimeSpan _latency;
    private readonly double _throttleFraction;
    private readonly int _timedPort;
    private readonly Random _random = new(20261125);
    private int _throttled;

    private AwsProxy(WebApplication app, ShardRouter router, TimeSpan latency, double throttleFraction, int timedPort, int directPort)
    {
        _app = app;
        _router = router;
        _latency = latency;
        _throttleFraction = throttleFraction;
        _timedPort = timedPort;
        Endpoint = new Uri($"http://127.0.0.1:{timedPort}");
        DirectEndpoint = new Uri($"http://127.0.0.1:{directPort}");
    }

    /// <summary>The timed port: latency, throttling and counting. Give this one to the sweep under test.</summary>
    public Uri Endpoint { get; }

    /// <summary>The direct port: same routing, no latency, not counted. For the seeder and the verifier.</summary>
    public Uri DirectEndpoint { get; }

    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public int Throttled => Volatile.Read(ref _throttled);

    public static async Task<AwsProxy> StartAsync(ShardRouter router, TimeSpan latency, double throttleFraction)
    {
        var timedPort = FreePort();
        var directPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, timedPort);
            kestrel.Listen(IPAddress.Loopback, directPort);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var proxy = new AwsProxy(app, router, latency, throttleFraction, timedPort, directPort);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        return proxy;
    }

    public void ResetCounts()
    {
        Calls.Clear();
        Volatile.Write(ref _throttled, 0);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        var target = request.Headers["X-Amz-Target"].ToString();
        var authorization = request.Headers.Authorization.ToString();

        if (context.Connection.LocalPort == _timedPort)
        {
            var action = target.Length > 0 ? target : ShardRouter.QueryParameter(bytes, "Action") ?? request.Path.Value ?? "/";
            Calls.AddOrUpdate($"{ShardRouter.SigningService(authorization) ?? "unknown"}:{action}", 1, (_, n) => n + 1);
            await Task.Delay(_latency, context.RequestAborted);
            bool throttle;
            lock (_random)
            {
                throttle = _throttleFraction > 0 && _random.NextDouble() < _throttleFraction;
            }

            if (throttle)
            {
                Interlocked.Increment(ref _throttled);
                await ThrottleAsync(context.Response, target.Length > 0);
                return;
            }
        }

        var shard = _router.Route(authorization, bytes);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_router.Shards[shard], rawTarget))
        {
            Content = new ByteArrayContent(bytes),
        };
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                forward.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var response = await _upstream.SendAsync(forward, context.RequestAborted);
        var payload = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        _router.Learn(payload, shard);

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        context.Response.ContentLength = payload.Length;
        await context.Response.Body.WriteAsync(payload, context.RequestAborted);
    }

    private static async Task ThrottleAsync(HttpResponse response, bool json)
    {
        var body = json
            ? "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded (injected by the benchmark proxy)\"}"
            : "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded (injected by the benchmark proxy)</Message></Error><RequestId>bench-throttle</RequestId></ErrorResponse>";
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = 400;
        response.ContentType = json ? "application/x-amz-json-1.1" : "text/xml";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
