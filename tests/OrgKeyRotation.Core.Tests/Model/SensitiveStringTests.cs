using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Tests.Model;

public class SensitiveStringTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    [Fact]
    public void ToString_AnyValue_IsRedacted()
    {
        var value = new SensitiveString(Secret);

        Assert.Equal(SensitiveString.Redacted, value.ToString());
        Assert.DoesNotContain(Secret, $"{value}", StringComparison.Ordinal);
    }

    [Fact]
    public void Reveal_AnyValue_ReturnsTheSecret() => Assert.Equal(Secret, new SensitiveString(Secret).Reveal());

    [Fact]
    public void ToString_RecordsHoldingSecrets_AreRedacted()
    {
        var key = new NewAccessKey("AKIAEXAMPLE", "alice", new SensitiveString(Secret), DateTimeOffset.UnixEpoch);
        var value = new SecretValue("arn", "name", "v1", [SecretStages.Current], new SensitiveString(Secret), null);

        Assert.DoesNotContain(Secret, key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, value.ToString(), StringComparison.Ordinal);
        Assert.Contains("AKIAEXAMPLE", key.ToString(), StringComparison.Ordinal);
    }
}
