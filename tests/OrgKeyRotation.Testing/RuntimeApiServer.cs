using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;

namespace OrgKeyRotation.Testing;

/// <summary>What the runtime answered for one invocation, or at initialisation.</summary>
public enum RuntimeOutcomeKind
{
    Response,
    Error,
    InitError,
}

/// <summary>A body posted by the runtime; <see cref="ErrorType"/> is the Lambda-Runtime-Function-Error-Type header.</summary>
public sealed record RuntimeOutcome(RuntimeOutcomeKind Kind, string Body, string? ErrorType);

/// <summary>
/// A local stand-in for the Lambda Runtime API (2018-06-01) on a free loopback port, for running the real
/// bootstrap binary: it hands out the events a test queues, long-polls like Lambda when none is queued, and
/// records every response, invocation error and init error.
/// </summary>
public sealed class RuntimeApiServer : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";
    private readonly Channel<(string RequestId, string Payload, DateTimeOffset Deadline, string? TraceId)> _events = Channel.CreateUnbounded<(string, string, DateTimeOffset, string?)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RuntimeOutcome>> _outcomes = new();
    private readonly TaskCompletionSource<RuntimeOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LoopbackHttpServer _server;
    private int _nextRequest;

    private RuntimeApiServer() => _server = LoopbackHttpServer.Start(ServeAsync);

    /// <summary>The value for AWS_LAMBDA_RUNTIME_API.</summary>
    public string Address => _server.Address;

    /// <summary>Completes when the runtime posts to /runtime/init/error.</summary>
    public Task<RuntimeOutcome> InitError => _initError.Task;

    public static RuntimeApiServer Start() => new();

    /// <summary>Queues an event and returns what the runtime answered for it.</summary>
    public Task<RuntimeOutcome> InvokeAsync(string payload, DateTimeOffset deadline, string? traceId = null)
    {
        var requestId = "req-" + Interlocked.Increment(ref _nextRequest).ToString(CultureInfo.InvariantCulture);
        var outcome = _outcomes.GetOrAdd(requestId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        _events.Writer.TryWrite((requestId, payload, deadline, traceId));
        return outcome.Task;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            var path = request.Url?.AbsolutePath ?? string.Empty;
            if (request.HttpMethod == "GET" && path == Prefix + "invocation/next")
            {
                var (requestId, payload, deadline, traceId) = await _events.Reader.ReadAsync(_server.Stopping);
                response.Headers["Lambda-Runtime-Aws-Request-Id"] = requestId;
                response.Headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:orgkeyrotation";
                if (traceId is not null)
                {
                    response.Headers["Lambda-Runtime-Trace-Id"] = traceId;
                }

                response.StatusCode = 200;
                response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(payload);
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes, _server.Stopping);
                return;
            }

            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(_server.Stopping);
            var errorType = request.Headers["Lambda-Runtime-Function-Error-Type"];
            if (request.HttpMethod == "POST" && path == Prefix + "init/error")
            {
                _initError.TrySetResult(new RuntimeOutcome(RuntimeOutcomeKind.InitError, body, errorType));
                response.StatusCode = 202;
                return;
            }

            var parts = path.StartsWith(Prefix + "invocation/", StringComparison.Ordinal) ? path[(Prefix.Length + "invocation/".Length)..].Split('/') : [];
            if (request.HttpMethod == "POST" && parts.Length == 2 && parts[1] is "response" or "error" && _outcomes.TryGetValue(parts[0], out var outcome))
            {
                var kind = parts[1] == "response" ? RuntimeOutcomeKind.Response : RuntimeOutcomeKind.Error;
                outcome.TrySetResult(new RuntimeOutcome(kind, body, errorType));
                response.StatusCode = 202;
                return;
            }

            response.StatusCode = 404;
        }
        catch (OperationCanceledException)
        {
            response.StatusCode = 503;
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // The runtime went away mid-request (test over): nothing to answer.
            }
        }
    }
}
