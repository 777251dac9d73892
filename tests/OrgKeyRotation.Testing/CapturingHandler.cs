using System.Collections.Concurrent;

namespace OrgKeyRotation.Testing;

/// <summary>A request exactly as it left the signer: method, URL, every header and the body bytes.</summary>
public sealed record CapturedRequest(string Method, Uri Url, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    // The headers carry a signature and maybe a session token: keep them out of test output.
    public override string ToString() => $"CapturedRequest {{ {Method} {Url} }}";
}

/// <summary>Captures each signed request, then forwards it.</summary>
public sealed class CapturingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();

    public CapturingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public CapturingHandler()
        : this(new SocketsHttpHandler())
    {
    }

    public IReadOnlyList<CapturedRequest> Requests => [.. _requests];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(",", values);
        }

        var body = Array.Empty<byte>();
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(",", values);
            }
        }

        headers.TryAdd("Host", request.Headers.Host ?? request.RequestUri!.Authority);
        _requests.Enqueue(new CapturedRequest(request.Method.Method, request.RequestUri!, headers, body));
        return await base.SendAsync(request, cancellationToken);
    }
}
