using System.Globalization;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.GitHub;

/// <summary>
/// Every message the GitHub adapter shows a person, in one place: what failed and what to do. None quotes a token, a
/// JWT, a private key, a secret value or a response body; GitHub's own "message" field is quoted only for 422.
/// </summary>
internal static class GitHubErrors
{
    public static GitHubApiException NotFound(GitHubCall call, int status, string? requestId) =>
        new(GitHubErrorKind.NotFound, $"GitHub answered 404 for {call.What}: {call.Subject} does not exist, or {Reach(call.Credential)} cannot see it. {InstallAdvice(call)}", status, requestId);

    public static GitHubApiException InstallationNotFound(string owner, string secretId, string? requestId) =>
        new(GitHubErrorKind.NotFound, $"The GitHub App is not installed on {owner} (404 from the installation lookup). Install it on {owner} with access to the repositories that receive keys, or set installationId in the credential secret {secretId}.", 404, requestId);

    public static GitHubApiException Moved(GitHubCall call, int status, string? requestId) =>
        new(GitHubErrorKind.NotFound, $"GitHub redirects {call.What} (HTTP {status}): {call.Subject} was renamed or transferred. Configure its current name.", status, requestId);

    public static GitHubApiException Forbidden(GitHubCall call, string? requestId) =>
        new(GitHubErrorKind.Forbidden, $"GitHub refused {call.What} (403): {Reach(call.Credential)} lacks the permission. {PermissionAdvice(call)}", 403, requestId);

    public static GitHubApiException BadCredentials(GitHubCall call, string secretId, string? requestId) => call.Credential switch
    {
        GitHubCredentialKind.AppJwt => new(GitHubErrorKind.BadCredentials, $"GitHub refused the GitHub App's JWT for {call.What} (401). Check appId and privateKey in the credential secret {secretId}: the key must be one of the app's current private keys, and the host clock must be right.", 401, requestId),
        GitHubCredentialKind.Installation => new(GitHubErrorKind.BadCredentials, $"GitHub refused a new installation token for {call.What} (401). The installation may have been suspended or removed; check the app's installation on {call.Owner}.", 401, requestId),
        _ => new(GitHubErrorKind.BadCredentials, $"GitHub refused the token for {call.What} (401): it is wrong, expired or revoked. Put a current fine-grained token in the credential secret {secretId}.", 401, requestId),
    };

    public static GitHubApiException Validation(GitHubCall call, string? githubMessage, string? requestId) =>
        new(GitHubErrorKind.Validation, $"GitHub refused {call.What} as invalid (422){Quote(githubMessage)}. Check the secret name, the visibility and the selected repositories.", 422, requestId);

    public static GitHubApiException RateLimited(GitHubCall call, int status, DateTimeOffset retryAt, TimeSpan budget, string? requestId) =>
        new(GitHubErrorKind.RateLimited, $"GitHub's rate limit refused {call.What} (HTTP {status}) until {retryAt.ToString("u", CultureInfo.InvariantCulture)}, longer than the {budget.TotalSeconds:0} s the adapter may wait. Retry after that time; nothing was written.", status, requestId, retryAt);

    public static GitHubApiException ServiceFailure(GitHubCall call, int status, int attempts, string? requestId) =>
        new(GitHubErrorKind.ServiceFailure, $"GitHub failed {call.What} with HTTP {status} after {attempts} attempt(s). GitHub may be degraded (https://www.githubstatus.com); the next sweep tries again.", status, requestId);

    public static GitHubApiException Unexpected(GitHubCall call, int status, string? requestId) =>
        new(GitHubErrorKind.ServiceFailure, $"GitHub answered {call.What} with an unexpected HTTP {status}.", status, requestId);

    public static GitHubApiException Transport(GitHubCall call, Uri baseUrl, int attempts, Exception inner) =>
        new(GitHubErrorKind.Transport, $"GitHub at {baseUrl.GetLeftPart(UriPartial.Authority)} could not be reached for {call.What} after {attempts} attempt(s) ({inner.Message}). Check the GitHub base URL, the network and the proxy.", inner: inner);

    public static GitHubApiException Malformed(GitHubCall call, string detail, string? requestId) =>
        new(GitHubErrorKind.MalformedResponse, $"GitHub's answer to {call.What} could not be read ({detail}). Check that the GitHub base URL is the REST API root (https://api.github.com or https://HOST/api/v3).", 200, requestId);

    public static GitHubApiException CredentialSecret(string secretId, string problem, Exception? inner = null) =>
        new(GitHubErrorKind.CredentialSecret, $"The GitHub credential secret {secretId} {problem}. It must hold a GitHub App ({{\"appId\": ..., \"privateKey\": \"-----BEGIN ...\", \"installationId\": optional}}) or a fine-grained token ({{\"token\": \"...\"}}).", inner: inner);

    public static GitHubApiException SealingUnavailable(Exception inner) =>
        new(GitHubErrorKind.SealingUnavailable, "Sealing a GitHub secret needs the native libsodium library, which did not load: libsodium.so must sit beside the executable (deploy/package_lambda.sh puts it in the Lambda zip).", inner: inner);

    private static string Reach(GitHubCredentialKind credential) =>
        credential == GitHubCredentialKind.Token ? "the token" : "the GitHub App";

    private static string InstallAdvice(GitHubCall call) => call.Credential == GitHubCredentialKind.Token
        ? $"Check the name, and that the token's resource owner is {call.Owner} with access to it."
        : $"Check the name, and that the GitHub App is installed on {call.Owner} with access to it.";

    private static string PermissionAdvice(GitHubCall call)
    {
        var needed = call.Target?.Scope switch
        {
            GitHubSecretScope.Organization => "the \"Secrets\" organization permission (read and write) and \"Metadata\" repository permission (read)",
            GitHubSecretScope.Environment => "the \"Secrets\" and \"Environments\" repository permissions (read and write)",
            GitHubSecretScope.Repository => "the \"Secrets\" repository permission (read and write)",
            _ => "the permissions of the call",
        };
        return call.Credential == GitHubCredentialKind.Token
            ? $"Give the fine-grained token {needed}."
            : $"Give the GitHub App {needed}, then accept the new permissions on the installation of {call.Owner}.";
    }

    private static string Quote(string? githubMessage) =>
        string.IsNullOrWhiteSpace(githubMessage) ? string.Empty : ": \"" + (githubMessage.Length > 300 ? githubMessage[..300] + "…" : githubMessage).ReplaceLineEndings(" ") + "\"";
}

/// <summary>Which credential a request carries, for the messages.</summary>
internal enum GitHubCredentialKind
{
    Token,
    AppJwt,
    Installation,
}

/// <summary>
/// What one request is for, for its messages: <see cref="What"/> ("writing secret KEY of repository octo/app"),
/// <see cref="Subject"/> (the thing that may be missing), the owner whose installation or token is used.
/// </summary>
internal sealed record GitHubCall(string What, string Subject, string Owner, GitHubSecretTarget? Target, GitHubCredentialKind Credential);
