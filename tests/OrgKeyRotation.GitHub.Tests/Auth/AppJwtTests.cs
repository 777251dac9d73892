using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.GitHub.Auth;

namespace OrgKeyRotation.GitHub.Tests.Auth;

/// <summary>The claims GitHub documents for an app's JWT ("Generating a JSON Web Token (JWT) for a GitHub App").</summary>
public class AppJwtTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_Claims_IatAMinuteBackExpNineMinutesAheadIssTheApp()
    {
        using var rsa = RSA.Create(2048);

        var parts = AppJwt.Create("Iv1.abc", new SensitiveString(rsa.ExportRSAPrivateKeyPem()), Now).Reveal().Split('.');

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(Now.AddSeconds(-60).ToUnixTimeSeconds(), claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(Now.AddMinutes(9).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
        Assert.Equal("Iv1.abc", claims.RootElement.GetProperty("iss").GetString());
        Assert.True(claims.RootElement.GetProperty("exp").GetInt64() - Now.ToUnixTimeSeconds() <= 600);
    }

    [Fact]
    public void Create_Signature_VerifiesWithTheAppsPublicKeyOnly()
    {
        using var rsa = RSA.Create(2048);
        using var other = RSA.Create(2048);

        var parts = AppJwt.Create("123", new SensitiveString(rsa.ExportPkcs8PrivateKeyPem()), Now).Reveal().Split('.');

        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        Assert.True(rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(other.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Create_NotAPem_Throws() =>
        Assert.ThrowsAny<ArgumentException>(() => AppJwt.Create("123", new SensitiveString("not a key"), Now));
}
