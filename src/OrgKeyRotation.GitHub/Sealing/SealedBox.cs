using System.Security.Cryptography;
using System.Text;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.GitHub.Sealing;

/// <summary>
/// libsodium's sealed box (crypto_box_seal: an ephemeral X25519 key pair, XSalsa20-Poly1305), which GitHub requires
/// for secret values ("Encrypting secrets for the REST API", https://docs.github.com/en/rest/guides/encrypting-secrets-for-the-rest-api).
/// The native libsodium does the cryptography through Sodium.Core (docs/decisions/0007); nothing is composed here.
/// </summary>
internal static class SealedBox
{
    /// <summary>The X25519 public key length crypto_box_seal takes.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Seals <paramref name="value"/>'s UTF-8 bytes for <paramref name="publicKey"/>; the plaintext copy is wiped.</summary>
    public static byte[] Seal(SensitiveString value, byte[] publicKey)
    {
        if (publicKey.Length != PublicKeyLength)
        {
            throw new ArgumentException($"A sealed box needs a {PublicKeyLength}-byte X25519 public key, not {publicKey.Length} bytes.", nameof(publicKey));
        }

        var plaintext = Encoding.UTF8.GetBytes(value.Reveal());
        try
        {
            return Sodium.SealedPublicKeyBox.Create(plaintext, publicKey);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw GitHubErrors.SealingUnavailable(e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
