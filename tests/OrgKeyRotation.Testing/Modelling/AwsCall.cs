using System.Net;
using System.Text;
using System.Text.Json;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>The wire protocol of a request, which decides the shape of an error answer.</summary>
public enum AwsProtocol
{
    /// <summary>AWS Query (form body, XML answers): IAM, STS, SNS.</summary>
    Query,

    /// <summary>AWS JSON 1.0/1.1 (X-Amz-Target, JSON answers): Secrets Manager, Organizations, SQS.</summary>
    Json,
}

/// <summary>
/// One request as the model sees it, parsed once for every behaviour: who signed it (the SigV4 credential), for
/// which service and operation, and the account it acts in. Read-only for behaviours.
/// </summary>
public sealed class AwsCall
{
    private readonly AccountDirectory _accounts;
    private Dictionary<string, string>? _form;
    private string? _targetAccountId;

    private AwsCall(HttpRequestMessage request, byte[] body, TimeProvider time, AccountDirectory accounts)
    {
        Request = request;
        Body = body;
        Time = time;
        _accounts = accounts;
        ArrivedAt = time.GetUtcNow();
        var scope = CredentialScope(request);
        AccessKeyId = scope?[0];
        Region = scope is { Length: > 2 } ? scope[2] : null;
        Service = scope is { Length: > 3 } ? scope[3] : "unknown";
        if (request.Headers.TryGetValues("X-Amz-Target", out var targets))
        {
            var target = targets.First();
            Protocol = AwsProtocol.Json;
            Operation = target[(target.LastIndexOf('.') + 1)..];
            JsonContentType = request.Content?.Headers.ContentType?.MediaType ?? "application/x-amz-json-1.1";
        }
        else
        {
            Protocol = AwsProtocol.Query;
            Operation = Parameter("Action") ?? "unknown";
            JsonContentType = "application/x-amz-json-1.1";
        }
    }

    public HttpRequestMessage Request { get; }

    /// <summary>The request body (the form or the JSON document).</summary>
    public byte[] Body { get; }

    /// <summary>The model's clock (every behaviour of one model shares it).</summary>
    public TimeProvider Time { get; }

    /// <summary>When the request reached the model.</summary>
    public DateTimeOffset ArrivedAt { get; }

    public AwsProtocol Protocol { get; }

    /// <summary>Signing name from the credential scope (iam, sts, sns, secretsmanager, organizations, sqs), else "unknown".</summary>
    public string Service { get; }

    /// <summary>API action, e.g. CreateAccessKey; "unknown" when the request names none.</summary>
    public string Operation { get; }

    /// <summary>The access key id that signed the request (Authorization header or X-Amz-Credential); null when unsigned.</summary>
    public string? AccessKeyId { get; }

    public string? Region { get; }

    /// <summary>Content type of a JSON request, reused for a JSON error answer (SQS speaks 1.0, the others 1.1).</summary>
    public string JsonContentType { get; }

    /// <summary>The account the signing credentials belong to (moto's default account when the key is unknown).</summary>
    public string AccountId => _accounts.AccountOf(AccessKeyId);

    /// <summary>
    /// The account the call acts on: the role's account for sts:AssumeRole (opening that account), otherwise
    /// <see cref="AccountId"/>.
    /// </summary>
    public string TargetAccountId => _targetAccountId ??=
        Operation == "AssumeRole" && AccountDirectory.AccountOfArn(Parameter("RoleArn")) is { } roleAccount ? roleAccount : AccountId;

    /// <summary>"service:Operation", the key the call counts use.</summary>
    public string Name => Service + ":" + Operation;

    /// <summary>A form parameter (Query protocol) or a top-level string member (JSON protocol); null when absent.</summary>
    public string? Parameter(string name)
    {
        _form ??= Protocol == AwsProtocol.Json ? JsonMembers(Body) : FormParameters(Body);
        return _form.GetValueOrDefault(name);
    }

    /// <summary>Reads the request body (buffering it, so the next handler can still send it) and parses the call.</summary>
    public static async Task<AwsCall> ReadAsync(HttpRequestMessage request, TimeProvider time, AccountDirectory accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Array.Empty<byte>();
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        return new AwsCall(request, body, time, accounts);
    }

    /// <summary>Parses a request whose body is already in hand (the proxy).</summary>
    public static AwsCall From(HttpRequestMessage request, byte[] body, TimeProvider time, AccountDirectory accounts) =>
        new(request, body, time, accounts);

    /// <summary>AKID/date/region/service/aws4_request from the Authorization header or a presigned URL's X-Amz-Credential.</summary>
    private static string[]? CredentialScope(HttpRequestMessage request)
    {
        if (request.Headers.TryGetValues("Authorization", out var values))
        {
            var header = string.Join(",", values);
            var start = header.IndexOf("Credential=", StringComparison.Ordinal);
            if (start >= 0)
            {
                start += "Credential=".Length;
                var end = header.IndexOf(',', start);
                return header[start..(end < 0 ? header.Length : end)].Trim().Split('/');
            }
        }

        var query = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.Query : string.Empty;
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            if (pair.StartsWith("X-Amz-Credential=", StringComparison.Ordinal))
            {
                return Uri.UnescapeDataString(pair["X-Amz-Credential=".Length..]).Split('/');
            }
        }

        return null;
    }

    private static Dictionary<string, string> FormParameters(byte[] body)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Encoding.UTF8.GetString(body).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = WebUtility.UrlDecode(equals < 0 ? pair : pair[..equals]);
            parameters.TryAdd(name, equals < 0 ? string.Empty : WebUtility.UrlDecode(pair[(equals + 1)..]));
        }

        return parameters;
    }

    private static Dictionary<string, string> JsonMembers(byte[] body)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in document.RootElement.EnumerateObject())
                {
                    if (member.Value.ValueKind == JsonValueKind.String)
                    {
                        members[member.Name] = member.Value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: no parameters.
        }

        return members;
    }
}
