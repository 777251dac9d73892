using System.Net;
using System.Text;

namespace OrgKeyRotation.Engine.Tests.Support;

/// <summary>Answers AccessDenied to one IAM action for one user, as a narrowly missing permission would.</summary>
internal sealed class DenyingHandler(string action, string userName) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        if (body.Contains($"Action={action}", StringComparison.Ordinal) && body.Contains($"UserName={userName}", StringComparison.Ordinal))
        {
            const string error = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized (injected)</Message></Error><RequestId>denied-1</RequestId></ErrorResponse>";
            return new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent(error, Encoding.UTF8, "text/xml") };
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Delays every request a little and records how many were in flight at once.</summary>
internal sealed class InFlightHandler(TimeSpan delay) : DelegatingHandler(new HttpClientHandler())
{
    private int _inFlight;
    private int _peak;

    public int Peak => Volatile.Read(ref _peak);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
            // Another request raised the peak meanwhile; compare again.
        }

        try
        {
            await Task.Delay(delay, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
