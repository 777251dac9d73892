using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using OrgKeyRotation.Aws.Endpoints;

namespace OrgKeyRotation.Aws.Http;

/// <summary>
/// The one HTTP path to a service without an SDK client here (IAM, SNS, Secrets Manager, Organizations):
/// a new request per attempt, signed by the SDK's SigV4 handler, through <see cref="AwsRetry"/>.
/// Two protocols: Query (form in, XML out) and JSON 1.1 (X-Amz-Target).
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
    public async Task<XElement> QueryAsync(string action, string version, IEnumerable<KeyValuePair<string, string>> parameters, bool idempotent, CancellationToken cancellationToken)
    {
        var form = new StringBuilder("Action=").Append(Uri.EscapeDataString(action)).Append("&Version=").Append(Uri.EscapeDataString(version));
        foreach (var (key, value) in parameters)
        {
            form.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var body = Encoding.UTF8.GetBytes(form.ToString());
        var response = await SendAsync(action, idempotent, () => Content(body, FormContentType), null, cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(response);
        var root = XElement.Load(stream);
        return root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? root;
    }

    /// <summary>JSON 1.1 call with X-Amz-Target <c>{targetPrefix}.{operation}</c>.</summary>
    public async Task<TResponse> JsonAsync<TRequest, TResponse>(string targetPrefix, string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, bool idempotent, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var target = targetPrefix + "." + operation;
        var response = await SendAsync(operation, idempotent, () => Content(body, JsonContentType), target, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(response.Length == 0 ? "{}"u8 : response, responseType)
            ?? throw new InvalidDataException($"{Service}:{operation} returned an empty response.");
    }

    private static ByteArrayContent Content(byte[] body, MediaTypeHeaderValue contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType;
        return content;
    }

    private Task<byte[]> SendAsync(string operation, bool idempotent, Func<HttpContent> content, string? target, CancellationToken cancellationToken) =>
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
            if (!response.IsSuccessStatusCode)
            {
                throw AwsErrorParser.Parse(Service, operation, response.StatusCode, Headers(response), body);
            }

            return body;
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
