using System.Text.Json;
using OrgKeyRotation.Cli.CredentialProcess;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Cli.Tests.CredentialProcess;

public class CredentialProcessOutputTests
{
    [Fact]
    public void Json_Key_HasExactlyTheFieldsTheAwsCliReads()
    {
        var now = new DateTimeOffset(2027, 1, 31, 12, 0, 0, TimeSpan.Zero);

        using var document = JsonDocument.Parse(CredentialProcessOutput.Json(new ConsumerKey("AKIANEW0000000000002", new SensitiveString("new-secret")), now));
        var root = document.RootElement;

        Assert.Equal(["Version", "AccessKeyId", "SecretAccessKey", "Expiration"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("Version").GetInt32());
        Assert.Equal("AKIANEW0000000000002", root.GetProperty("AccessKeyId").GetString());
        Assert.Equal("new-secret", root.GetProperty("SecretAccessKey").GetString());
        Assert.Equal("2027-01-31T13:00:00Z", root.GetProperty("Expiration").GetString());
    }
}
