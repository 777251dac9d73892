using System.Text;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.GitHub.Sealing;

namespace OrgKeyRotation.GitHub.Tests.Sealing;

/// <summary>The product's sealed boxes opened by the independent implementation (libsodium-wrappers).</summary>
public sealed class SealedBoxTests(OracleFixture fixture) : IClassFixture<OracleFixture>
{
    [OracleFact]
    public async Task Seal_OracleKeyPair_OracleOpensTheSameBytes()
    {
        var (publicKey, privateKey) = await fixture.Oracle.KeyPairAsync();
        const string Value = "{\"AccessKeyId\":\"AKIAEXAMPLE\",\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"} ünïcödé";

        var sealedBox = SealedBox.Seal(new SensitiveString(Value), Convert.FromBase64String(publicKey));

        Assert.Equal(Encoding.UTF8.GetByteCount(Value) + 48, sealedBox.Length);
        Assert.Equal(Value, Encoding.UTF8.GetString((await fixture.Oracle.OpenAsync(Convert.ToBase64String(sealedBox), publicKey, privateKey))!));
    }

    [OracleFact]
    public async Task Seal_SameValueTwice_DifferentBoxesBothOpen()
    {
        var (publicKey, privateKey) = await fixture.Oracle.KeyPairAsync();

        var first = SealedBox.Seal(new SensitiveString("value"), Convert.FromBase64String(publicKey));
        var second = SealedBox.Seal(new SensitiveString("value"), Convert.FromBase64String(publicKey));

        Assert.NotEqual(first, second);
        Assert.NotNull(await fixture.Oracle.OpenAsync(Convert.ToBase64String(second), publicKey, privateKey));
    }

    [OracleFact]
    public async Task Seal_AnotherKeyPair_OracleCannotOpen()
    {
        var (publicKey, _) = await fixture.Oracle.KeyPairAsync();
        var (otherPublic, otherPrivate) = await fixture.Oracle.KeyPairAsync();

        var sealedBox = SealedBox.Seal(new SensitiveString("value"), Convert.FromBase64String(publicKey));

        Assert.Null(await fixture.Oracle.OpenAsync(Convert.ToBase64String(sealedBox), otherPublic, otherPrivate));
    }

    [Fact]
    public void Seal_KeyOfWrongLength_Throws() =>
        Assert.Contains("32-byte", Assert.Throws<ArgumentException>(() => SealedBox.Seal(new SensitiveString("v"), new byte[31])).Message, StringComparison.Ordinal);
}
