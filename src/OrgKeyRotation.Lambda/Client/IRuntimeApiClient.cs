namespace OrgKeyRotation.Lambda.Client;

/// <summary>One event handed out by the Lambda Runtime API, with the headers that describe it.</summary>
internal sealed record Invocation(
    string RequestId,
    DateTimeOffset Deadline,
    string? InvokedFunctionArn,
    string? TraceId,
    ReadOnlyMemory<byte> Payload);

/// <summary>The body Lambda expects for an invocation or initialisation error.</summary>
internal sealed record ErrorReport(string ErrorMessage, string ErrorType, IReadOnlyList<string> StackTrace)
{
    public static ErrorReport From(Exception exception, string errorType) =>
        new(exception.Message, errorType, exception.StackTrace?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? []);
}

/// <summary>The Lambda Runtime API (2018-06-01), behind a seam so the loop is testable without a server.</summary>
internal interface IRuntimeApiClient
{
    /// <summary>Long-polls until Lambda hands out the next event.</summary>
    Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken);

    Task PostResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken);

    Task PostErrorAsync(string requestId, ErrorReport error, CancellationToken cancellationToken);

    Task PostInitErrorAsync(ErrorReport error, CancellationToken cancellationToken);
}
