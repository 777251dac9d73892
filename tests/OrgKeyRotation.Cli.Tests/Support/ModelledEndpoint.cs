using System.Net;
using System.Net.Sockets;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Cli.Tests.Support;

/// <summary>
/// An <see cref="AwsModel"/> in front of moto on a loopback port, for the keyrot process (--endpoint-url). The CLI's
/// tests cannot use AwsModelProxy (Kestrel's framework beside keyrot.dll breaks its dependencies), so this forwards
/// with HttpListener: method, path, query, headers (the Host header too, which the SigV4 signature covers) and body.
/// </summary>
internal sealed class ModelledEndpoint : IAsyncDisposable
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Expect" };
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly AwsModel _model;
    private readonly Uri _moto;
    private readonly Task _loop;

    public ModelledEndpoint(AwsModel model, Uri moto)
    {
        _model = model;
        _moto = moto;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}");
        }

        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Stopped while waiting for a request.
        }

        _upstream.Dispose();
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

            _ = Task.Run(() => ForwardAsync(context));
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        using var response = context.Response;
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
