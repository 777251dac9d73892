using System.Text;
using OrgKeyRotation.Lambda.Client;

namespace OrgKeyRotation.Lambda.Tests.TestHelpers;

/// <summary>Hands out queued invocations and records what the loop posted; when the queue is empty it ends the loop.</summary>
internal sealed class FakeRuntimeApiClient : IRuntimeApiClient
{
    private readonly Queue<Invocation> _pending = new();

    public List<(string RequestId, string Body)> Responses { get; } = [];

    public List<(string RequestId, ErrorReport Error)> Errors { get; } = [];

    public List<ErrorReport> InitErrors { get; } = [];

    public FakeRuntimeApiClient Enqueue(string payload, string requestId = "req-1", DateTimeOffset? deadline = null, string? traceId = null)
    {
        _pending.Enqueue(new Invocation(requestId, deadline ?? DateTimeOffset.UnixEpoch.AddYears(60), "arn:aws:lambda:eu-west-1:123456789012:function:rotator", traceId, Encoding.UTF8.GetBytes(payload)));
        return this;
    }

    public Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken) =>
        _pending.TryDequeue(out var next)
            ? Task.FromResult(next)
            : Task.FromException<Invocation>(new RuntimeApiException("no more invocations queued"));

    public Task PostResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        Responses.Add((requestId, Encoding.UTF8.GetString(response.Span)));
        return Task.CompletedTask;
    }

    public Task PostErrorAsync(string requestId, ErrorReport error, CancellationToken cancellationToken)
    {
        Errors.Add((requestId, error));
        return Task.CompletedTask;
    }

    public Task PostInitErrorAsync(ErrorReport error, CancellationToken cancellationToken)
    {
        InitErrors.Add(error);
        return Task.CompletedTask;
    }
}
