using OrgKeyRotation.Lambda.Client;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>What a handler knows about the invocation it is serving.</summary>
internal sealed class InvocationContext(Invocation invocation)
{
    public string RequestId => invocation.RequestId;

    /// <summary>When Lambda stops the invocation (Lambda-Runtime-Deadline-Ms).</summary>
    public DateTimeOffset Deadline => invocation.Deadline;

    public string? InvokedFunctionArn => invocation.InvokedFunctionArn;

    public string? TraceId => invocation.TraceId;

    public ReadOnlyMemory<byte> Payload => invocation.Payload;
}

/// <summary>Turns one event into the response body; a thrown exception becomes an invocation error.</summary>
internal interface IInvocationHandler
{
    Task<byte[]> HandleAsync(InvocationContext context, CancellationToken cancellationToken);
}
