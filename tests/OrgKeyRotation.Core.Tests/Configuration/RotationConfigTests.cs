using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Core.Tests.Configuration;

public class RotationConfigTests
{
    private const string Account = "111111111111";

    /// <summary>
    /// Template, the prefix every account's secret names share, and the prefix of one account's (<see cref="Account"/>).
    /// deploy/terraform computes the first for its IAM policies: its tests use these same rows.
    /// </summary>
    public static TheoryData<string, string, string> Prefixes => new()
    {
        { "orgkeyrotation/{accountId}/{userName}", "orgkeyrotation/", $"orgkeyrotation/{Account}/" },
        { "iam-key-rotation/{accountId}/{userName}", "iam-key-rotation/", $"iam-key-rotation/{Account}/" },
        { "iam-key-rotation/{userName}", "iam-key-rotation/", "iam-key-rotation/" },
        { "{userName}", "", "" },
        { "a/{userName}/b", "a/", "a/" },
        { "{accountId}/{userName}", "", $"{Account}/" },
        { "keys/{userName}-{accountId}", "keys/", "keys/" },
        { "team-{accountId}-{userName}", "team-", $"team-{Account}-" },
        // Refused by the validator (no {userName}); every name is then the template itself.
        { "shared/key", "shared/key", "shared/key" },
    };

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void NamePrefix_EachTemplate_IsTheStartEveryNameShares(string template, string everyAccount, string oneAccount)
    {
        var secrets = new SecretsConfig { NameTemplate = template };

        Assert.Equal(everyAccount, secrets.NamePrefix());
        Assert.Equal(oneAccount, secrets.NamePrefix(Account));
        Assert.StartsWith(everyAccount, secrets.NameFor(Account, "alice"), StringComparison.Ordinal);
        Assert.StartsWith(oneAccount, secrets.NameFor(Account, "alice"), StringComparison.Ordinal);
    }
}
