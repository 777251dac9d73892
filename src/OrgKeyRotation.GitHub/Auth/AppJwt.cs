using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.GitHub.Auth;

/// <summary>
/// The GitHub App's JWT, RS256 ("Generating a JSON Web Token (JWT) for a GitHub App",
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app):
/// iat 60 seconds in the past against clock drift, exp at most 10 minutes ahead (9 here, a margin for the same
/// drift), iss the app's client ID or app ID. Made fresh for each installation token request.
/// </summary>
internal static class AppJwt
{
    public static readonly TimeSpan IssuedBefore = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    private static readonly byte[] Header = Encoding.UTF8.GetBytes("""{"alg":"RS256","typ":"JWT"}""");

    /// <summary>Signs a JWT for <paramref name="appId"/>. Throws <see cref="CryptographicException"/> or <see cref="ArgumentException"/> when the key is not a PEM RSA private key.</summary>
    public static SensitiveString Create(string appId, SensitiveString privateKeyPem, DateTimeOffset now)
    {
        using var payload = new MemoryStream();
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteNumber("iat", (now - IssuedBefore).ToUnixTimeSeconds());
            writer.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            writer.WriteString("iss", appId);
            writer.WriteEndObject();
        }

        var signingInput = Base64Url.EncodeToString(Header) + "." + Base64Url.EncodeToString(payload.ToArray());
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem.Reveal());
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new SensitiveString(signingInput + "." + Base64Url.EncodeToString(signature));
    }
}
