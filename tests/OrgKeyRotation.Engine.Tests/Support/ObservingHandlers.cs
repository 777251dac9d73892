using System.Net;
using System.Text;

namespace OrgKeyRotation.Engine.Tests.Support;

/// <summary>
/// Answers an IAM error to one IAM action for one user: AccessDenied by default, as a narrowly missing permission
/// would, or e.g. LimitExceeded (409), as IAM answers a third key.
/// </summary>
internal sealed class RefusingHandler(string action, string userName, string code = "AccessDenied", HttpStatusCode status = HttpStatusCode.Forbidden) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        if (body.Contains($"Action={action}", StringComparison.Ordinal) && body.Contains($"UserName={userName}", StringComparison.Ordinal))
        {
            var error = $"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>refused (injected)</Message></Error><RequestId>refused-1</RequestId></ErrorResponse>";
            return new HttpResponseMessage(status) { Content = new StringContent(error, Encoding.UTF8, "text/xml") };
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Answers one operation itself (status and body, in the service's protocol) for as long as <see cref="Answering"/>
/// is true, recording each such request's body; every other request goes on to moto. For what moto cannot do (run a
/// rotation function for RotateSecret) or to send an answer AWS may send (a refusal, a body that does not parse).
/// <paramref name="when"/> narrows it to requests whose body contains that text.
/// </summary>
internal sealed class AnsweringHandler(string operation, HttpStatusCode status, string body, string contentType = "application/x-amz-json-1.1", string? when = null, HttpMessageHandler? inner = null)
    : DelegatingHandler(inner ?? new SocketsHttpHandler())
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _answered = new();

    public bool Answering { get; set; } = true;

    /// <summary>The bodies of the requests answered here.</summary>
    public IReadOnlyList<string> Answered => [.. _answered];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var info = await OrgKeyRotation.Testing.RequestOperation.IdentifyAsync(request, cancellationToken);
        if (Answering && info.Operation == operation)
        {
            var text = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            if (when is null || text.Contains(when, StringComparison.Ordinal))
            {
                _answered.Enqueue(text);
                return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Secrets Manager's own AWSPENDING version for a rotation token, which moto does not make: before it invokes a
/// rotation function's createSecret (and for the testSecret that RotateSecret runs with RotateImmediately=false,
/// "The test creates an AWSPENDING version of the secret and then removes it", RotateSecret API reference), AWS
/// attaches AWSPENDING to a version with the token as its id and no value. Until moto holds a version with that id,
/// DescribeSecret answers show it; GetSecretValue for it is moto's own "not found", as AWS answers for a version
/// without a value.
/// </summary>
internal sealed class EmptyPendingVersionHandler(string token, HttpMessageHandler? inner = null) : DelegatingHandler(inner ?? new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var info = await OrgKeyRotation.Testing.RequestOperation.IdentifyAsync(request, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (info.Operation != "DescribeSecret" || !response.IsSuccessStatusCode)
        {
            return response;
        }

        var document = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        var versions = document["VersionIdsToStages"] as System.Text.Json.Nodes.JsonObject ?? [];
        if (!versions.ContainsKey(token))
        {
            foreach (var (_, stages) in versions)
            {
                // AWS moves the label: one version holds AWSPENDING at a time.
                var kept = stages!.AsArray().Select(n => n!.GetValue<string>()).Where(v => v != "AWSPENDING").ToList();
                stages.AsArray().Clear();
                kept.ForEach(v => stages.AsArray().Add(v));
            }

            versions[token] = new System.Text.Json.Nodes.JsonArray("AWSPENDING");
            if (document["VersionIdsToStages"] is null)
            {
                document["VersionIdsToStages"] = versions;
            }
        }

        var rewritten = new HttpResponseMessage(response.StatusCode) { Content = new StringContent(document.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1") };
        foreach (var (name, values) in response.Headers)
        {
            rewritten.Headers.TryAddWithoutValidation(name, values);
        }

        response.Dispose();
        return rewritten;
    }
}

/// <summary>Moves the engine's fake clock forward by <paramref name="step"/> at each request of <paramref name="operation"/>, which then goes on to moto.</summary>
internal sealed class ClockAdvancingHandler(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, string operation, TimeSpan step) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _advanced;

    /// <summary>How often the clock was moved.</summary>
    public int Advanced => Volatile.Read(ref _advanced);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var info = await OrgKeyRotation.Testing.RequestOperation.IdentifyAsync(request, cancellationToken);
        if (info.Operation == operation)
        {
            Interlocked.Increment(ref _advanced);
            time.Advance(step);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
