using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrgKeyRotation.Bench;

/// <summary>
/// A loopback forwarder that holds every request for the modelled latency before passing it on, so GitHub calls cost
/// what AWS calls cost through the model (the contract server answers at once).
/// </summary>
internal sealed class LatencyForwarder : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive" };
    private readonly WebApplication _app;
    private readonly HttpClient _upstream = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly Uri _target;
    private readonly TimeSpan _latency;

    private LatencyForwarder(WebApplication app, Uri target, TimeSpan latency, Uri endpoint)
    {
        _app = app;
        _target = target;
        _latency = latency;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<LatencyForwarder> StartAsync(Uri target, TimeSpan latency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LatencyForwarder? forwarder = null;
        // The pipeline is fixed at start, before the port (and so the forwarder) is known.
        app.Run(context => forwarder!.ForwardAsync(context));
        await app.StartAsync();
        forwarder = new LatencyForwarder(app, target, latency, new Uri($"http://127.0.0.1:{new Uri(app.Urls.Single()).Port}"));
        return forwarder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        await Task.Delay(_latency, context.RequestAborted);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_target, context.Request.Path + context.Request.QueryString));
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in context.Request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _upstream.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
        {
            context.Response.Headers[name] = values.ToArray();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
