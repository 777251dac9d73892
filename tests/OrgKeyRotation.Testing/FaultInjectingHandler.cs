using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace OrgKeyRotation.Testing;

/// <summary>A fault <see cref="FaultInjectingHandler"/> can inject.</summary>
public abstract record Fault
{
    /// <summary>HTTP 500 InternalFailure in the request's protocol; the request never reaches the server.</summary>
    public static Fault Http500 { get; } = new ErrorResponseFault(HttpStatusCode.InternalServerError, "InternalFailure", "InternalFailure");

    /// <summary>HTTP 400 throttling (Query: Throttling; JSON: ThrottlingException); the request never reaches the server.</summary>
    public static Fault Throttle { get; } = new ErrorResponseFault(HttpStatusCode.BadRequest, "Throttling", "ThrottlingException");

    /// <summary>HTTP 400 access denied (Query: AccessDenied; JSON: AccessDeniedException); the request never reaches the server.</summary>
    public static Fault AccessDenied { get; } = new ErrorResponseFault(HttpStatusCode.BadRequest, "AccessDenied", "AccessDeniedException");

    /// <summary>The connection fails before the request is sent (HttpRequestError.ConnectionError).</summary>
    public static Fault ConnectionResetBeforeSend { get; } = new ConnectionResetFault();

    /// <summary>The request is forwarded and applied by the server, then the response is lost (HttpRequestError.ResponseEnded).</summary>
    public static Fault ResponseLostAfterApply { get; } = new ResponseLostFault();

    /// <summary>
    /// Runs <paramref name="callback"/> before forwarding (or after the server applied the request, with
    /// <paramref name="afterForwarding"/>), e.g. to simulate a crash by throwing or cancelling.
    /// </summary>
    public static Fault Callback(Func<HttpRequestMessage, CancellationToken, Task> callback, bool afterForwarding = false) => new CallbackFault(callback, afterForwarding);

    internal sealed record ErrorResponseFault(HttpStatusCode Status, string QueryCode, string JsonCode) : Fault;

    internal sealed record ConnectionResetFault : Fault;

    internal sealed record ResponseLostFault : Fault;

    internal sealed record CallbackFault(Func<HttpRequestMessage, CancellationToken, Task> Action, bool AfterForwarding) : Fault;
}

/// <summary>
/// Injects faults into AWS requests by operation and occurrence. Place it as AwsOptions.InnerHandlerFactory
/// (it sits under the SigV4 signer, so it sees each attempt, retries included). Occurrences count per operation,
/// starting at 1, across all services and accounts of the handler. Thread-safe.
/// </summary>
public sealed class FaultInjectingHandler : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Operation, int Occurrence), Fault> _rules = new();
    private readonly ConcurrentDictionary<string, Fault> _always = new(StringComparer.Ordinal);

    public FaultInjectingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public FaultInjectingHandler()
        : this(new SocketsHttpHandler())
    {
    }

    /// <summary>Injects <paramref name="fault"/> into the <paramref name="occurrence"/>-th request (1-based) of <paramref name="operation"/>.</summary>
    public FaultInjectingHandler On(string operation, int occurrence, Fault fault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrence, 1);
        _rules[(operation, occurrence)] = fault;
        return this;
    }

    /// <summary>Injects <paramref name="fault"/> into every request of <paramref name="operation"/> until <see cref="Clear"/>.</summary>
    public FaultInjectingHandler Always(string operation, Fault fault)
    {
        _always[operation] = fault;
        return this;
    }

    /// <summary>Requests of <paramref name="operation"/> seen so far (faulted or not).</summary>
    public int Seen(string operation) => _seen.GetValueOrDefault(operation);

    /// <summary>Removes every rule (counts stay).</summary>
    public void Clear()
    {
        _rules.Clear();
        _always.Clear();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var info = await RequestOperation.IdentifyAsync(request, cancellationToken);
        var occurrence = _seen.AddOrUpdate(info.Operation, 1, (_, n) => n + 1);
        var fault = _rules.TryRemove((info.Operation, occurrence), out var once) ? once : _always.GetValueOrDefault(info.Operation);
        switch (fault)
        {
            case null:
                return await base.SendAsync(request, cancellationToken);
            case Fault.ErrorResponseFault error:
                return ErrorResponse(request, error);
            case Fault.ConnectionResetFault:
                throw new HttpRequestException(HttpRequestError.ConnectionError, $"Injected: connection reset before {info.Operation} was sent.", new IOException("Connection reset by peer (injected)."));
            case Fault.ResponseLostFault:
                using (await base.SendAsync(request, cancellationToken))
                {
                    throw new HttpRequestException(HttpRequestError.ResponseEnded, $"Injected: response to {info.Operation} lost after the server applied it.", new IOException("Connection reset by peer (injected)."));
                }

            case Fault.CallbackFault { AfterForwarding: false } callback:
                await callback.Action(request, cancellationToken);
                return await base.SendAsync(request, cancellationToken);
            case Fault.CallbackFault callback:
                var response = await base.SendAsync(request, cancellationToken);
                await callback.Action(request, cancellationToken);
                return response;
            default:
                throw new InvalidOperationException($"Unknown fault {fault}.");
        }
    }

    private static HttpResponseMessage ErrorResponse(HttpRequestMessage request, Fault.ErrorResponseFault error)
    {
        var requestId = Guid.NewGuid().ToString();
        var json = request.Headers.Contains("X-Amz-Target");
        var body = json
            ? $$"""{"__type":"com.amazonaws.injected#{{error.JsonCode}}","message":"Injected {{error.JsonCode}}"}"""
            : $"<ErrorResponse><Error><Type>{(error.Status >= HttpStatusCode.InternalServerError ? "Receiver" : "Sender")}</Type><Code>{error.QueryCode}</Code><Message>Injected {error.QueryCode}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>";
        var response = new HttpResponseMessage(error.Status)
        {
            RequestMessage = request,
            Content = new StringContent(body, Encoding.UTF8, json ? "application/x-amz-json-1.1" : "text/xml"),
        };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", requestId);
        return response;
    }
}
