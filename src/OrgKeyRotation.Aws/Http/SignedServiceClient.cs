using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Http;

/// <summary>
/// The one HTTP path to a service without an SDK client here (IAM, SNS, Secrets Manager, Organizations):
/// a new request per attempt, signed by the SDK's SigV4 handler, through <see cref="AwsRetry"/>.
/// Two protocols: Query (form in, XML out) and JSON 1.1 (X-Amz-Target). A success response that cannot be read
/// (not XML/JSON, or without what the caller's reader needs) throws <see cref="AwsMalformedResponseException"/>, or
/// <see cref="AmbiguousOutcomeException"/> for a non-idempotent call (it may have been applied).
/// </summary>
internal sealed class SignedServiceClient
{
    private static readonly MediaTypeHeaderValue FormContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-8");
    private static readonly MediaTypeHeaderValue JsonContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
    private readonly ServiceEndpoint _endpoint;
    private readonly HttpMessageInvoker _invoker;
    private readonly AwsRetry _retry;
    private readonly string? _accountId;

    public SignedServiceClient(ServiceEndpoint endpoint, AWSCredentials credentials, HttpMessageHandler innerHandler, AwsRetry retry, string? accountId)
    {
        _endpoint = endpoint;
        _retry = retry;
        _accountId = accountId;

        // The shared inner handler outlives this client: never dispose it from here.
        _invoker = new HttpMessageInvoker(new SigV4SigningHandler(credentials, RegionEndpoint.GetBySystemName(endpoint.SigningRegion), endpoint.SigningName, innerHandler), disposeHandler: false);
    }

    public string Service => _endpoint.SigningName;

    /// <summary>Query protocol call; returns the &lt;ActionResult&gt; element (or the root when absent).</summary>
    public Task<XElement> QueryAsync(string action, string version, IEnumerable<KeyValuePair<string, string>> parameters, bool idempotent, CancellationToken cancellationToken) =>
        QueryAsync(action, version, parameters, idempotent, static result => result, cancellationToken);

    /// <summary>Query protocol call; <paramref name="read"/> turns the &lt;ActionResult&gt; element (or the root when absent) into the result.</summary>
    public async Task<T> QueryAsync<T>(string action, string version, IEnumerable<KeyValuePair<string, string>> parameters, bool idempotent, Func<XElement, T> read, CancellationToken cancellationToken)
    {
        var form = new StringBuilder("Action=").Append(Uri.EscapeDataString(action)).Append("&Version=").Append(Uri.EscapeDataString(version));
        foreach (var (key, value) in parameters)
        {
            form.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var body = Encoding.UTF8.GetBytes(form.ToString());
        var response = await SendAsync(action, idempotent, () => Content(body, FormContentType), null, cancellationToken).ConfigureAwait(false);
        return Read(action, idempotent, response.RequestId, () =>
        {
            using var stream = new MemoryStream(response.Body);
            var root = XElement.Load(stream);
            return read(root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? root);
        });
    }

    /// <summary>JSON 1.1 call with X-Amz-Target <c>{targetPrefix}.{operation}</c>.</summary>
    public Task<TResponse> JsonAsync<TRequest, TResponse>(string targetPrefix, string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, bool idempotent, CancellationToken cancellationToken) =>
        JsonAsync(targetPrefix, operation, request, requestType, responseType, idempotent, static response => response, cancellationToken);

    /// <summary>JSON 1.1 call; <paramref name="read"/> turns the deserialized response into the result.</summary>
    public async Task<TResult> JsonAsync<TRequest, TResponse, TResult>(string targetPrefix, string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, bool idempotent, Func<TResponse, TResult> read, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var target = targetPrefix + "." + operation;
        var response = await SendAsync(operation, idempotent, () => Content(body, JsonContentType), target, cancellationToken).ConfigureAwait(false);
        return Read(operation, idempotent, response.RequestId, () =>
            read(JsonSerializer.Deserialize(response.Body.Length == 0 ? "{}"u8 : response.Body, responseType) ?? throw new ResponseShapeException("the body is JSON null")));
    }

    /// <summary>Runs a reader over a success response; what it cannot read becomes a typed AWS failure (the body never reaches a message).</summary>
    private T Read<T>(string operation, bool idempotent, string? requestId, Func<T> read)
    {
        string detail;
        try
        {
            return read();
        }
        catch (XmlException e)
        {
            detail = $"not well-formed XML at line {e.LineNumber}, position {e.LinePosition}";
        }
        catch (JsonException e)
        {
            detail = $"not the expected JSON at {e.Path ?? "$"} (line {e.LineNumber}, byte {e.BytePositionInLine})";
        }
        catch (ResponseShapeException e)
        {
            detail = e.Message;
        }

        var malformed = new AwsMalformedResponseException(Service, operation, detail, requestId);
        if (!idempotent)
        {
            throw new AmbiguousOutcomeException(Service, operation, malformed);
        }

        throw malformed;
    }

    private static ByteArrayContent Content(byte[] body, MediaTypeHeaderValue contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType;
        return content;
    }

    private Task<(byte[] Body, string? RequestId)> SendAsync(string operation, bool idempotent, Func<HttpContent> content, string? target, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(Service, operation, _endpoint.Url, idempotent, async (attempt, token) =>
        {
            // A fresh message per attempt: each retry is signed again with a fresh date.
            using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint.Url) { Content = content() };
            if (target is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
            }

            request.Options.Set(AwsRequestInfo.OptionKey, new AwsRequestInfo(Service, operation, _accountId, attempt));
            using var response = await _invoker.SendAsync(request, token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
            var headers = Headers(response);
            if (!response.IsSuccessStatusCode)
            {
                throw AwsErrorParser.Parse(Service, operation, response.StatusCode, headers, body);
            }

            return (body, headers.GetValueOrDefault("x-amzn-RequestId") ?? headers.GetValueOrDefault("x-amz-request-id"));
        }, cancellationToken);

    private static Dictionary<string, string> Headers(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(",", values);
        }

        return headers;
    }
}
