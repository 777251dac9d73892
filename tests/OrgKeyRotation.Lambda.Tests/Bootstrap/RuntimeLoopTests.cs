using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Lambda.Bootstrap;
using OrgKeyRotation.Lambda.Client;
using OrgKeyRotation.Lambda.Handling;
using OrgKeyRotation.Lambda.Tests.TestHelpers;

namespace OrgKeyRotation.Lambda.Tests.Bootstrap;

public class RuntimeLoopTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeRuntimeApiClient _client = new();
    private readonly List<string?> _traceIds = [];

    [Fact]
    public async Task RunOnceAsync_HandlerReturns_PostsResponseForThatRequest()
    {
        _client.Enqueue("{\"ping\":1}", requestId: "req-42");
        var loop = Loop(new DelegateHandler((context, _) => Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(context.Payload.Span))));

        await loop.RunOnceAsync(CancellationToken.None);

        Assert.Equal([("req-42", "echo:{\"ping\":1}")], _client.Responses);
        Assert.Empty(_client.Errors);
    }

    [Fact]
    public async Task RunOnceAsync_HandlerThrowsInvocationException_PostsErrorWithItsType()
    {
        _client.Enqueue("{}");
        var loop = Loop(new DelegateHandler((_, _) => throw new InvocationException(InvocationException.InvalidEvent, "bad event")));

        await loop.RunOnceAsync(CancellationToken.None);

        var (requestId, error) = Assert.Single(_client.Errors);
        Assert.Equal("req-1", requestId);
        Assert.Equal("InvalidEvent", error.ErrorType);
        Assert.Equal("bad event", error.ErrorMessage);
        Assert.Empty(_client.Responses);
    }

    [Fact]
    public async Task RunOnceAsync_HandlerThrowsOtherException_ErrorTypeIsExceptionTypeWithStackTrace()
    {
        _client.Enqueue("{}");
        var loop = Loop(new DelegateHandler((_, _) => throw new TimeoutException("IAM did not answer")));

        await loop.RunOnceAsync(CancellationToken.None);

        var error = Assert.Single(_client.Errors).Error;
        Assert.Equal("TimeoutException", error.ErrorType);
        Assert.Equal("IAM did not answer", error.ErrorMessage);
        Assert.NotEmpty(error.StackTrace);
    }

    [Fact]
    public async Task RunOnceAsync_Invocation_HandlerSeesDeadline()
    {
        var deadline = _time.GetUtcNow().AddMinutes(5);
        _client.Enqueue("{}", deadline: deadline);
        InvocationContext? seen = null;
        var loop = Loop(new DelegateHandler((context, _) =>
        {
            seen = context;
            return [];
        }));

        await loop.RunOnceAsync(CancellationToken.None);

        Assert.Equal(deadline, seen!.Deadline);
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:rotator", seen.InvokedFunctionArn);
    }

    [Fact]
    public async Task RunOnceAsync_EachInvocation_SetsItsTraceIdOrClearsIt()
    {
        _client.Enqueue("{}", "a", traceId: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1").Enqueue("{}", "b", traceId: null);
        var loop = Loop(new DelegateHandler((_, _) => []));

        await loop.RunOnceAsync(CancellationToken.None);
        await loop.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", null], _traceIds);
    }

    [Fact]
    public async Task RunAsync_HandlerFailsThenSucceeds_KeepsServingUntilRuntimeApiFails()
    {
        _client.Enqueue("fail", "a").Enqueue("ok", "b");
        var loop = Loop(new DelegateHandler((context, _) =>
            Encoding.UTF8.GetString(context.Payload.Span) == "fail" ? throw new InvalidOperationException("boom") : [(byte)'1']));

        await Assert.ThrowsAsync<RuntimeApiException>(() => loop.RunAsync(CancellationToken.None));

        Assert.Equal("a", Assert.Single(_client.Errors).RequestId);
        Assert.Equal([("b", "1")], _client.Responses);
    }

    private RuntimeLoop Loop(IInvocationHandler handler) => new(_client, handler, _time, NullLogger.Instance, _traceIds.Add);

    private sealed class DelegateHandler(Func<InvocationContext, CancellationToken, byte[]> handle) : IInvocationHandler
    {
        public Task<byte[]> HandleAsync(InvocationContext context, CancellationToken cancellationToken) => Task.FromResult(handle(context, cancellationToken));
    }
}
