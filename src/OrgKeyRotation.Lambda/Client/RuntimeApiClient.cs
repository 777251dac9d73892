using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using OrgKeyRotation.Lambda.Serialization;

namespace OrgKeyRotation.Lambda.Client;

/// <summary>The Runtime API over HTTP at http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/.</summary>
internal sealed class RuntimeApiClient(HttpClient http) : IRuntimeApiClient
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>An HttpClient for the Runtime API: no client timeout, because the next-invocation call is a long poll.</summary>
    public static HttpClient CreateHttpClient(string runtimeApi) => new()
    {
        BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/"),
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("runtime/invocation/next", UriKind.Relative), cancellationToken);
        await EnsureSuccessAsync(response, "GET runtime/invocation/next", cancellationToken);
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);

        var requestId = Header(response, RequestIdHeader)
            ?? throw new RuntimeApiException(Errors.MissingRuntimeHeader(RequestIdHeader));
        var deadlineText = Header(response, DeadlineHeader);
        if (!long.TryParse(deadlineText, NumberStyles.None, CultureInfo.InvariantCulture, out var deadlineMs))
        {
            throw new RuntimeApiException(Errors.MissingRuntimeHeader(DeadlineHeader));
        }

        return new Invocation(
            requestId,
            DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs),
            Header(response, FunctionArnHeader),
            Header(response, TraceIdHeader),
            payload);
    }

    public async Task PostResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(response);
        content.Headers.ContentType = Json;
        await PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken);
    }

    public Task PostErrorAsync(string requestId, ErrorReport error, CancellationToken cancellationToken) =>
        PostErrorReportAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    public Task PostInitErrorAsync(ErrorReport error, CancellationToken cancellationToken) =>
        PostErrorReportAsync("runtime/init/error", error, cancellationToken);

    private async Task PostErrorReportAsync(string path, ErrorReport error, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, LambdaJsonContext.Default.ErrorReport));
        content.Headers.ContentType = Json;
        content.Headers.Add(ErrorTypeHeader, error.ErrorType);
        await PostAsync(path, content, cancellationToken);
    }

    private async Task PostAsync(string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        await EnsureSuccessAsync(response, "POST " + path, cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new RuntimeApiException(Errors.RuntimeApiCallFailed(call, response.StatusCode, body));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>The Runtime API refused a call or answered something this runtime cannot use.</summary>
internal sealed class RuntimeApiException(string message) : Exception(message);
