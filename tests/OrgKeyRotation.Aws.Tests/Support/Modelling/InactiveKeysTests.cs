using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>The inactive-key model in-process, under the product's signer, against moto (which lacks it).</summary>
[Trait("Category", "Integration")]
public class InactiveKeysTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task GetCallerIdentity_MotoAlone_AcceptsAnInactiveKey()
    {
        var (keyId, secret) = await UserWithKeyAsync("moto-alone");
        await new MotoSeeder(moto.Endpoint).SetAccessKeyStatusAsync(MotoSeeder.DefaultAccount, "moto-alone", keyId, active: false);

        var identity = await MotoAdmin.Clients(moto.Endpoint).Sts.GetCallerIdentityAsync(keyId, secret, null, default);

        Assert.EndsWith(":user/moto-alone", identity.Arn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCallerIdentity_KeyDeactivatedThroughTheModel_RefusedUntilActiveAgain()
    {
        var inactive = new InactiveKeys();
        var model = new AwsModel().Use(inactive);
        var clients = MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler());
        var (keyId, secret) = await UserWithKeyAsync("deactivated");
        var iam = (await clients.Accounts.OpenAsync(MotoSeeder.DefaultAccount, "model-test", default)).Iam;

        await iam.UpdateAccessKeyAsync("deactivated", keyId, AccessKeyStatus.Inactive, default);
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => clients.Sts.GetCallerIdentityAsync(keyId, secret, null, default));
        await iam.UpdateAccessKeyAsync("deactivated", keyId, AccessKeyStatus.Active, default);
        var identity = await clients.Sts.GetCallerIdentityAsync(keyId, secret, null, default);

        Assert.Equal(("InvalidClientTokenId", AwsErrorKind.InvalidCredentials), (error.ErrorCode, error.Kind));
        Assert.EndsWith(":user/deactivated", identity.Arn, StringComparison.Ordinal);
        Assert.Equal(1, inactive.Refused);
    }

    private async Task<(string KeyId, SensitiveString Secret)> UserWithKeyAsync(string userName)
    {
        var seeder = new MotoSeeder(moto.Endpoint);
        await seeder.CreateUserAsync(MotoSeeder.DefaultAccount, userName);
        var (keyId, secret) = await seeder.CreateAccessKeyAsync(MotoSeeder.DefaultAccount, userName);
        SecretScan.RegisterSecrets(seeder.SecretsSeen);
        return (keyId, new SensitiveString(secret));
    }
}
