using System.Net;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Cli.Tests.Support;

/// <summary>
/// An <see cref="AwsModel"/> in front of moto on a loopback port, for the keyrot process (--endpoint-url), as
/// AwsModelProxy does for the other tests: method, path, query, headers (the Host header too, which the SigV4
/// signature covers) and body are forwarded.
/// </summary>
internal sealed class ModelledEndpoint : LoopbackHttpServer
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Expect" };
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly AwsModel _model;
    private readonly Uri _moto;

    public ModelledEndpoint(AwsModel model, Uri moto)
    {
        _model = model;
        _moto = moto;
        Start();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _upstream.Dispose();
    }

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_moto, context.Request.Url!.PathAndQuery))
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        foreach (var name in context.Request.Headers.AllKeys.OfType<string>().Where(n => !NotForwarded.Contains(n)))
        {
            var value = context.Request.Headers[name]!;
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.Host = context.Request.Headers["Host"];
        using var answer = await _model.SendAsync(request, token => _upstream.SendAsync(request, token), CancellationToken.None);
        response.StatusCode = (int)answer.StatusCode;
        response.ContentType = answer.Content.Headers.ContentType?.ToString();
        foreach (var (name, values) in answer.Headers.Where(h => !NotForwarded.Contains(h.Key)))
        {
            response.Headers[name] = string.Join(',', values);
        }

        var bytes = await answer.Content.ReadAsByteArrayAsync();
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }
}
