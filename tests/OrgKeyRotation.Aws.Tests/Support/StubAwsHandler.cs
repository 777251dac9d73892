using System.Collections.Concurrent;
using System.Net;
using System.Text;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Support;

/// <summary>
/// Answers requests with canned bodies per operation, for unit tests of pure client logic (retries, paging,
/// parsing). Not an AWS emulator: behaviour against AWS is tested on moto.
/// </summary>
internal sealed class StubAwsHandler(Func<string, string, int, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _bodies = new();

    public IReadOnlyList<string> Bodies => [.. _bodies];

    public int Calls(string operation) => _calls.GetValueOrDefault(operation);

    public static HttpResponseMessage Xml(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var info = await RequestOperation.IdentifyAsync(request, cancellationToken);
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        _bodies.Enqueue(body);
        var call = _calls.AddOrUpdate(info.Operation, 1, (_, n) => n + 1);
        var response = respond(info.Operation, body, call);
        response.RequestMessage = request;
        return response;
    }
}
