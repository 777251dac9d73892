using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// A secret pre-created by another principal, with the tags: moto lets any principal create a secret under
/// the rotator's name with the rotator's labels and a policy of its own, as AWS does for anyone holding
/// CreateSecret, TagResource and PutResourcePolicy. The seeder arranges it in one account.
/// </summary>
[Trait("Category", "Integration")]
public class ForeignSecretArrangementTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task PutResourcePolicyAsync_ForeignSecretWithOurLabels_PolicyAndTagsAsArranged()
    {
        var seed = new MotoSeeder(moto.Endpoint);
        const string Account = "666600006666";
        const string Name = "iam-key-rotation/666600006666/victim";
        const string ForeignPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""";
        await seed.CreateSecretAsync(Account, Name, "{}");
        await seed.TagSecretAsync(Account, Name, new Dictionary<string, string> { ["orgkeyrotation:managed"] = "true", ["orgkeyrotation:account"] = Account, ["orgkeyrotation:user"] = "victim" });

        await seed.PutResourcePolicyAsync(Account, Name, ForeignPolicy);

        Assert.Contains("999999999999", await seed.GetResourcePolicyAsync(Account, Name), StringComparison.Ordinal);
        var tags = (await seed.DescribeSecretAsync(Account, Name)).GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString());
        Assert.Equal("true", tags["orgkeyrotation:managed"]);
    }
}
