using System.Text;
using System.Text.Json;
using OrgKeyRotation.Lambda.Client;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Lambda.Tests.Client;

/// <summary>The HTTP client against the local Runtime API stand-in: paths, headers and bodies.</summary>
public sealed class RuntimeApiClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly RuntimeApiServer _server = RuntimeApiServer.Start();
    private HttpClient _http = null!;
    private RuntimeApiClient _client = null!;

    public Task InitializeAsync()
    {
        _http = RuntimeApiClient.CreateHttpClient(_server.Address);
        _client = new RuntimeApiClient(_http);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task GetNextInvocationAsync_EventQueued_ReadsPayloadAndHeaders()
    {
        var deadline = new DateTimeOffset(2026, 11, 25, 10, 15, 0, 250, TimeSpan.Zero);
        _ = _server.InvokeAsync("{\"dryRun\":true}", deadline, traceId: "Root=1-abc;Sampled=0");

        var invocation = await _client.GetNextInvocationAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal("req-1", invocation.RequestId);
        Assert.Equal(deadline, invocation.Deadline);
        Assert.Equal("Root=1-abc;Sampled=0", invocation.TraceId);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:orgkeyrotation", invocation.InvokedFunctionArn);
        Assert.Equal("{\"dryRun\":true}", Encoding.UTF8.GetString(invocation.Payload.Span));
    }

    [Fact]
    public async Task PostResponseAsync_AfterNext_ServerRecordsResponse()
    {
        var outcome = _server.InvokeAsync("{}", DateTimeOffset.UnixEpoch.AddYears(60));
        var invocation = await _client.GetNextInvocationAsync(CancellationToken.None).WaitAsync(Patience);

        await _client.PostResponseAsync(invocation.RequestId, Encoding.UTF8.GetBytes("{\"ok\":true}"), CancellationToken.None);

        var result = await outcome.WaitAsync(Patience);
        Assert.Equal(RuntimeOutcomeKind.Response, result.Kind);
        Assert.Equal("{\"ok\":true}", result.Body);
    }

    [Fact]
    public async Task PostErrorAsync_AfterNext_ErrorTypeHeaderAndJsonBody()
    {
        var outcome = _server.InvokeAsync("{}", DateTimeOffset.UnixEpoch.AddYears(60));
        var invocation = await _client.GetNextInvocationAsync(CancellationToken.None).WaitAsync(Patience);

        await _client.PostErrorAsync(invocation.RequestId, new ErrorReport("bad event", "InvalidEvent", ["at A", "at B"]), CancellationToken.None);

        var result = await outcome.WaitAsync(Patience);
        Assert.Equal(RuntimeOutcomeKind.Error, result.Kind);
        Assert.Equal("InvalidEvent", result.ErrorType);
        using var body = JsonDocument.Parse(result.Body);
        Assert.Equal("bad event", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidEvent", body.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(["at A", "at B"], body.RootElement.GetProperty("stackTrace").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task PostInitErrorAsync_ServerRecordsInitError()
    {
        await _client.PostInitErrorAsync(new ErrorReport("MAX_KEY_AGE_DAYS: not a number", "InvalidConfiguration", []), CancellationToken.None);

        var result = await _server.InitError.WaitAsync(Patience);
        Assert.Equal("InvalidConfiguration", result.ErrorType);
        Assert.Contains("MAX_KEY_AGE_DAYS", result.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostResponseAsync_UnknownRequestId_ThrowsRuntimeApiExceptionWithStatus()
    {
        var error = await Assert.ThrowsAsync<RuntimeApiException>(() => _client.PostResponseAsync("nope", Encoding.UTF8.GetBytes("{}"), CancellationToken.None));

        Assert.Contains("HTTP 404", error.Message, StringComparison.Ordinal);
    }
}
