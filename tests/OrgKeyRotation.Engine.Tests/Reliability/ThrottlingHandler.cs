using System.Net;
using System.Text;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Engine.Tests.Reliability;

/// <summary>
/// Answers a share of requests with a throttling error (never forwarded), chosen by a seeded random generator, or
/// every request that <paramref name="always"/> selects. Thread-safe.
/// </summary>
internal sealed class ThrottlingHandler(double share, int seed, Func<Aws.AwsRequestInfo, bool>? always = null) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Random _random = new(seed);
    private int _throttled;
    private int _forwarded;

    public int Throttled => Volatile.Read(ref _throttled);

    public int Forwarded => Volatile.Read(ref _forwarded);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var info = await RequestOperation.IdentifyAsync(request, cancellationToken);
        bool throttle;
        lock (_random)
        {
            throttle = always?.Invoke(info) == true || _random.NextDouble() < share;
        }

        if (!throttle)
        {
            Interlocked.Increment(ref _forwarded);
            return await base.SendAsync(request, cancellationToken);
        }

        Interlocked.Increment(ref _throttled);
        var json = request.Headers.Contains("X-Amz-Target");
        var body = json
            ? """{"__type":"ThrottlingException","message":"Rate exceeded (injected)"}"""
            : "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded (injected)</Message></Error><RequestId>injected</RequestId></ErrorResponse>";
        return new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            RequestMessage = request,
            Content = new StringContent(body, Encoding.UTF8, json ? "application/x-amz-json-1.1" : "text/xml"),
        };
    }
}
