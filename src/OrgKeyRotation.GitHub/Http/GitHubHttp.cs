using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.GitHub.Http;

/// <summary>One GitHub answer that was not retried away: its status, body, request id and rate-limit headers.</summary>
internal sealed record GitHubResponse(int Status, byte[] Body, string? RequestId, string? RetryAfter = null, string? RateLimitRemaining = null, string? RateLimitReset = null);

/// <summary>
/// The one request path to GitHub: the headers GitHub asks for (Accept application/vnd.github+json,
/// X-GitHub-Api-Version, User-Agent, Authorization Bearer), a new request per attempt, retries of 5xx and lost
/// connections with doubling backoff, and rate-limit waits within <see cref="GitHubOptions.RateLimitBudget"/>
/// ("Troubleshooting the REST API", https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api).
/// Every wait and clock read goes through the TimeProvider. Redirects are not followed: the Authorization header would
/// not go with them.
/// </summary>
internal sealed class GitHubHttp(GitHubOptions options, HttpMessageHandler handler, TimeProvider time)
{
    private static readonly MediaTypeWithQualityHeaderValue Accept = new("application/vnd.github+json");
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };
    private static readonly TimeSpan MinimumWait = TimeSpan.FromSeconds(1);
    private readonly HttpMessageInvoker _invoker = new(handler, disposeHandler: false);
    private readonly string _root = options.BaseUrl.ToString().TrimEnd('/');

    public Uri BaseUrl => options.BaseUrl;

    /// <summary>
    /// Sends <paramref name="method"/> <paramref name="path"/> (already escaped). Returns GitHub's final answer, which
    /// may be an error status for the caller to map; throws <see cref="GitHubApiException"/> for a rate limit beyond
    /// the budget, 5xx after the attempts, or no connection.
    /// </summary>
    public async Task<GitHubResponse> SendAsync(HttpMethod method, string path, SensitiveString credential, byte[]? jsonBody, GitHubCall call, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        var attempt = 0;
        while (true)
        {
            attempt++;
            GitHubResponse response;
            try
            {
                response = await AttemptAsync(method, path, credential, jsonBody, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException)
            {
                if (attempt >= options.MaxAttempts)
                {
                    throw GitHubErrors.Transport(call, options.BaseUrl, attempt, e);
                }

                await Task.Delay(Backoff(attempt), time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (RateLimitedUntil(response, time.GetUtcNow()) is { } retryAt)
            {
                // At least a second per wait, so that a reset time already past cannot loop without end.
                var wait = retryAt - time.GetUtcNow();
                if (wait < MinimumWait)
                {
                    wait = MinimumWait;
                }

                if (waited + wait > options.RateLimitBudget)
                {
                    throw GitHubErrors.RateLimited(call, response.Status, retryAt, options.RateLimitBudget, response.RequestId);
                }

                waited += wait;
                attempt--;
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.Status >= 500)
            {
                if (attempt >= options.MaxAttempts)
                {
                    throw GitHubErrors.ServiceFailure(call, response.Status, attempt, response.RequestId);
                }

                await Task.Delay(Backoff(attempt), time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    /// <summary>
    /// When GitHub allows the next request, or null when <paramref name="response"/> is not a rate limit. A rate limit is
    /// a 429, or a 403 with x-ratelimit-remaining 0, a retry-after header or a message naming the rate limit. The wait:
    /// retry-after seconds; else x-ratelimit-reset (UTC epoch seconds) when no requests remain; else one minute.
    /// </summary>
    internal static DateTimeOffset? RateLimitedUntil(GitHubResponse response, DateTimeOffset now)
    {
        if (response.Status is not (403 or 429))
        {
            return null;
        }

        var exhausted = response.RateLimitRemaining == "0";
        if (response.Status == 403 && response.RetryAfter is null && !exhausted && !(MessageOf(response.Body)?.Contains("rate limit", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return null;
        }

        if (int.TryParse(response.RetryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return now.AddSeconds(seconds);
        }

        if (exhausted && long.TryParse(response.RateLimitReset, NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            return DateTimeOffset.FromUnixTimeSeconds(reset);
        }

        return now.AddMinutes(1);
    }

    /// <summary>GitHub's "message" field of an error body, or null.</summary>
    public static string? MessageOf(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, GitHubJsonContext.Default.ErrorResult)?.Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a success body; an unreadable one throws the typed malformed-response error.</summary>
    public static T Read<T>(GitHubResponse response, JsonTypeInfo<T> type, GitHubCall call)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, type) ?? throw GitHubErrors.Malformed(call, "the body is JSON null", response.RequestId);
        }
        catch (JsonException e)
        {
            throw GitHubErrors.Malformed(call, $"not the expected JSON at {e.Path ?? "$"}", response.RequestId);
        }
    }

    /// <summary>The error for a final answer that is not a success, by status (401 is the caller's: it names the credential).</summary>
    public static GitHubApiException Failure(GitHubResponse response, GitHubCall call, string secretId) => response.Status switch
    {
        301 or 302 or 307 or 308 => GitHubErrors.Moved(call, response.Status, response.RequestId),
        401 => GitHubErrors.BadCredentials(call, secretId, response.RequestId),
        403 => GitHubErrors.Forbidden(call, response.RequestId),
        404 => GitHubErrors.NotFound(call, response.Status, response.RequestId),
        422 => GitHubErrors.Validation(call, MessageOf(response.Body), response.RequestId),
        _ => GitHubErrors.Unexpected(call, response.Status, response.RequestId),
    };

    private TimeSpan Backoff(int attempt) => options.BaseDelay * Math.Pow(2, attempt - 1);

    private async Task<GitHubResponse> AttemptAsync(HttpMethod method, string path, SensitiveString credential, byte[]? jsonBody, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_root + path));
        request.Headers.Accept.Add(Accept);
        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", GitHubOptions.ApiVersion);
        request.Headers.TryAddWithoutValidation("User-Agent", options.UserAgent);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Reveal());
        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(jsonBody);
            request.Content.Headers.ContentType = JsonContentType;
        }

        using var timeout = new CancellationTokenSource(options.AttemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _invoker.SendAsync(request, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            return new GitHubResponse(
                (int)response.StatusCode,
                body,
                Header(response, "x-github-request-id"),
                Header(response, "retry-after"),
                Header(response, "x-ratelimit-remaining"),
                Header(response, "x-ratelimit-reset"));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {options.AttemptTimeout.TotalSeconds:0.#} s");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;
}
