using System.Collections.Concurrent;
using System.Net;

namespace OrgKeyRotation.Testing;

/// <summary>One request as <see cref="CallCountingHandler"/> saw it. <see cref="StatusCode"/> is null when no response came back.</summary>
public sealed record CallRecord(string Service, string Operation, string? AccountId, int Attempt, HttpStatusCode? StatusCode);

/// <summary>
/// Records service, operation, account and outcome of every request that passes (use it as, or under,
/// AwsOptions.InnerHandlerFactory). Thread-safe.
/// </summary>
public sealed class CallCountingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<CallRecord> _calls = new();

    public CallCountingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public CallCountingHandler()
        : this(new SocketsHttpHandler())
    {
    }

    public IReadOnlyList<CallRecord> Calls => [.. _calls];

    /// <summary>Requests (attempts, retries included) for <paramref name="operation"/>, optionally of one service.</summary>
    public int Count(string operation, string? service = null) =>
        _calls.Count(c => c.Operation == operation && (service is null || c.Service == service));

    public void Clear() => _calls.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var info = await RequestOperation.IdentifyAsync(request, cancellationToken);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            _calls.Enqueue(new CallRecord(info.Service, info.Operation, info.AccountId, info.Attempt, response.StatusCode));
            return response;
        }
        catch (Exception)
        {
            _calls.Enqueue(new CallRecord(info.Service, info.Operation, info.AccountId, info.Attempt, null));
            throw;
        }
    }
}
