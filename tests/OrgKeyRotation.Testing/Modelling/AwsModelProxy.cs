using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// An <see cref="AwsModel"/> as a loopback HTTP endpoint (Kestrel), for processes that cannot take an in-process
/// handler: point the <c>keyrot</c> CLI (<c>--endpoint-url</c>), the Lambda bootstrap or any SDK (AWS_ENDPOINT_URL) at
/// <see cref="Endpoint"/>. It has two ports:
/// <list type="bullet">
/// <item><see cref="Endpoint"/> runs every request through the model;</item>
/// <item><see cref="DirectEndpoint"/> forwards at once, for seeding and checking (the directory still learns keys).</item>
/// </list>
/// Behind it, one or more moto servers ("shards"): moto serves one request at a time per process, so the benchmark runs
/// several and the proxy spreads the accounts over them. moto names a request's account by its access key, so routing
/// follows the <see cref="AccountDirectory"/>: a request goes to the shard of the account it acts on (an AssumeRole to
/// the role's account, where moto mints the session key), account number modulo the shard count. The Host header is
/// passed on, so URLs moto builds (SQS queue URLs) name the proxy. Loopback only; it stops with its owner.
/// </summary>
public sealed class AwsModelProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive" };
    private readonly WebApplication _app;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly int _modelledPort;

    private AwsModelProxy(WebApplication app, AwsModel model, IReadOnlyList<Uri> upstreams, int modelledPort, int directPort)
    {
        _app = app;
        Model = model;
        Upstreams = upstreams;
        _modelledPort = modelledPort;
        Endpoint = new Uri($"http://127.0.0.1:{modelledPort}");
        DirectEndpoint = new Uri($"http://127.0.0.1:{directPort}");
    }

    public AwsModel Model { get; }

    /// <summary>The moto servers behind the proxy.</summary>
    public IReadOnlyList<Uri> Upstreams { get; }

    /// <summary>Through the model: give this one to the code under test.</summary>
    public Uri Endpoint { get; }

    /// <summary>Same routing, no behaviour: for seeding and verifying.</summary>
    public Uri DirectEndpoint { get; }

    /// <summary>Starts the proxy on two free loopback ports in front of <paramref name="upstreams"/> (at least one moto).</summary>
    public static async Task<AwsModelProxy> StartAsync(AwsModel model, IReadOnlyList<Uri> upstreams)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(upstreams);
        ArgumentOutOfRangeException.ThrowIfZero(upstreams.Count);
        var modelledPort = FreePort();
        var directPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, modelledPort);
            kestrel.Listen(IPAddress.Loopback, directPort);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var proxy = new AwsModelProxy(app, model, upstreams, modelledPort, directPort);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        return proxy;
    }

    /// <summary>The shard that holds <paramref name="accountId"/>.</summary>
    public int ShardOf(string accountId) =>
        Upstreams.Count > 1 && long.TryParse(accountId, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? (int)(number % Upstreams.Count) : 0;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, aborted);
        var body = buffer.ToArray();
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(Upstreams[0], target)) { Content = new ByteArrayContent(body) };
        foreach (var (name, values) in request.Headers)
        {
            if (!HopByHop.Contains(name) && !forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                forward.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        forward.Headers.Host = request.Host.Value;
        var call = AwsCall.From(forward, body, Model.Time, Model.Accounts);
        AwsNext send = token =>
        {
            forward.RequestUri = new Uri(Upstreams[ShardOf(call.TargetAccountId)], target);
            return _upstream.SendAsync(forward, token);
        };

        HttpResponseMessage response;
        try
        {
            response = context.Connection.LocalPort == _modelledPort
                ? await Model.InvokeAsync(call, send, aborted)
                : await Model.PassThroughAsync(call, send, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return; // The client gave up (a hung account's call timing out): nobody to answer.
        }
        catch (HttpRequestException ex)
        {
            context.Response.StatusCode = (int)HttpStatusCode.BadGateway;
            await context.Response.WriteAsync($"moto did not answer: {ex.Message}", Encoding.UTF8, CancellationToken.None);
            return;
        }

        using (response)
        {
            var payload = await response.Content.ReadAsByteArrayAsync(aborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(header.Key))
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            context.Response.ContentLength = payload.Length;
            await context.Response.Body.WriteAsync(payload, aborted);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
