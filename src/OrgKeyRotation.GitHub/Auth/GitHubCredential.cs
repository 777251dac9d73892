using System.Globalization;
using System.Text.Json;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.GitHub.Auth;

/// <summary>The credential in the central secret: a GitHub App or a fine-grained personal access token. Never printed.</summary>
internal abstract record GitHubCredential
{
    /// <summary>
    /// Parses the secret's JSON: <c>{"appId", "privateKey", "installationId"?}</c> or <c>{"token"}</c>. appId is the
    /// app's client ID (recommended by GitHub) or its numeric app ID; installationId, when given, is used for every
    /// target instead of looking the installation up per owner. Returns the problem (never a value) when it is neither.
    /// </summary>
    public static (GitHubCredential? Credential, string? Problem) Parse(SensitiveString secret)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(secret.Reveal());
        }
        catch (JsonException)
        {
            return (null, "is not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "is not a JSON object");
            }

            var token = Text(root, "token");
            var appId = Text(root, "appId");
            var privateKey = Text(root, "privateKey");
            if (token is not null && (appId is not null || privateKey is not null))
            {
                return (null, "holds both a token and a GitHub App; keep one");
            }

            if (token is not null)
            {
                return (new TokenCredential(new SensitiveString(token)), null);
            }

            if (appId is null || privateKey is null)
            {
                return (null, appId is null && privateKey is null ? "holds neither \"token\" nor \"appId\" and \"privateKey\"" : $"lacks \"{(appId is null ? "appId" : "privateKey")}\"");
            }

            long? installationId = null;
            if (Text(root, "installationId") is { } installation)
            {
                if (!long.TryParse(installation, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
                {
                    return (null, "has an \"installationId\" that is not a positive number");
                }

                installationId = id;
            }

            return (new AppCredential(appId, new SensitiveString(privateKey), installationId), null);
        }
    }

    /// <summary>A string, or a number written as its text; null when absent, empty or another kind.</summary>
    private static string? Text(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? (string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString()!.Trim())
        : value.ValueKind == JsonValueKind.Number ? value.GetRawText()
        : null;
}

/// <summary>A fine-grained personal access token.</summary>
internal sealed record TokenCredential(SensitiveString Token) : GitHubCredential
{
    public override string ToString() => $"TokenCredential {{ Token = {SensitiveString.Redacted} }}";
}

/// <summary>A GitHub App: its client ID or app ID (the JWT's iss), its PEM private key, an optional fixed installation.</summary>
internal sealed record AppCredential(string AppId, SensitiveString PrivateKeyPem, long? InstallationId) : GitHubCredential
{
    public override string ToString() => $"AppCredential {{ AppId = {AppId}, PrivateKeyPem = {SensitiveString.Redacted}, InstallationId = {InstallationId} }}";
}
