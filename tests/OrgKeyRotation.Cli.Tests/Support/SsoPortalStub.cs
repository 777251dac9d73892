using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace OrgKeyRotation.Cli.Tests.Support;

/// <summary>One GetRoleCredentials request as the stub received it.</summary>
internal sealed record PortalRequest(string? AccountId, string? RoleName, string? BearerToken);

/// <summary>
/// The IAM Identity Center portal's GetRoleCredentials, as its API reference describes it
/// (https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html):
/// <c>GET /federation/credentials?account_id=..&amp;role_name=..</c> with the access token in the
/// <c>x-amz-sso_bearer_token</c> header; 200 with <c>{"roleCredentials": {accessKeyId, secretAccessKey, sessionToken,
/// expiration (epoch milliseconds)}}</c>; 400 InvalidRequestException without a parameter, 401 UnauthorizedException for
/// a token it does not accept, 404 ResourceNotFoundException for a role not assigned to the token's user. Errors are
/// restJson1: the type in <c>x-amzn-ErrorType</c>, the text in <c>message</c>. Point the SDK at it with
/// AWS_ENDPOINT_URL_SSO.
/// </summary>
internal sealed class SsoPortalStub : LoopbackHttpServer
{
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string AccountId, string RoleName), RoleCredentialsAnswer> _roles = new();

    public SsoPortalStub()
    {
        Start();
    }

    /// <summary>Every request, in order.</summary>
    public ConcurrentQueue<PortalRequest> Requests { get; } = new();

    /// <summary>A token the portal accepts (what <c>aws sso login</c> would have cached).</summary>
    public void AcceptToken(string accessToken) => _tokens[accessToken] = 0;

    /// <summary>The credentials the portal hands out for (account, role) to an accepted token.</summary>
    public void AssignRole(string accountId, string roleName, string accessKeyId, string secretAccessKey, string sessionToken, DateTimeOffset expiration) =>
        _roles[(accountId, roleName)] = new RoleCredentialsAnswer(accessKeyId, secretAccessKey, sessionToken, expiration.ToUnixTimeMilliseconds());

    protected override Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var accountId = request.QueryString["account_id"];
        var roleName = request.QueryString["role_name"];
        var token = request.Headers["x-amz-sso_bearer_token"];
        Requests.Enqueue(new PortalRequest(accountId, roleName, token));
        if (request.HttpMethod != "GET" || request.Url?.AbsolutePath != "/federation/credentials" || string.IsNullOrEmpty(accountId) || string.IsNullOrEmpty(roleName) || string.IsNullOrEmpty(token))
        {
            Error(response, 400, "InvalidRequestException", "GET /federation/credentials needs account_id, role_name and x-amz-sso_bearer_token");
        }
        else if (!_tokens.ContainsKey(token))
        {
            Error(response, 401, "UnauthorizedException", "Session token not found or invalid");
        }
        else if (!_roles.TryGetValue((accountId, roleName), out var answer))
        {
            Error(response, 404, "ResourceNotFoundException", "No access");
        }
        else
        {
            Write(response, 200, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["roleCredentials"] = new Dictionary<string, object>
                {
                    ["accessKeyId"] = answer.AccessKeyId,
                    ["secretAccessKey"] = answer.SecretAccessKey,
                    ["sessionToken"] = answer.SessionToken,
                    ["expiration"] = answer.ExpirationMs,
                },
            }));
        }

        return Task.CompletedTask;
    }

    private static void Error(HttpListenerResponse response, int status, string type, string message)
    {
        response.Headers["x-amzn-ErrorType"] = type;
        Write(response, status, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["message"] = message }));
    }

    private static void Write(HttpListenerResponse response, int status, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }

    private sealed record RoleCredentialsAnswer(string AccessKeyId, string SecretAccessKey, string SessionToken, long ExpirationMs);
}
