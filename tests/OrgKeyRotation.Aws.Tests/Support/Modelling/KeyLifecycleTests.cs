using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// Keys that stop working: moto accepts any key with IAM authorization off, so the model refuses requests signed by a
/// key that an UpdateAccessKey through it made Inactive, or a DeleteAccessKey deleted, and records every change.
/// </summary>
[Trait("Category", "Integration")]
public class KeyLifecycleTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task SignedRequest_KeyDeactivatedThenReactivatedThenDeleted_RefusedOnlyWhileInactiveAndOnceDeleted()
    {
        var lifecycle = new KeyLifecycle();
        var model = new AwsModel(_time).Use(lifecycle);
        var clients = MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler());
        var user = $"lifecycle-{Guid.NewGuid():N}"[..24];
        await MotoAdmin.ForDefaultAccount(moto.Endpoint).CreateUserAsync(user);
        var iam = (await clients.Accounts.OpenAsync(MotoAdmin.DefaultAccount, "model-test", default)).Iam;
        var key = await iam.CreateAccessKeyAsync(user, default);
        SecretScan.RegisterSecret(key.SecretAccessKey.Reveal());

        await clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);
        await iam.UpdateAccessKeyAsync(user, key.AccessKeyId, AccessKeyStatus.Inactive, default);
        var inactive = await Assert.ThrowsAsync<AwsServiceException>(() => clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default));
        await iam.UpdateAccessKeyAsync(user, key.AccessKeyId, AccessKeyStatus.Active, default);
        await clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);
        await iam.DeleteAccessKeyAsync(user, key.AccessKeyId, default);
        var deleted = await Assert.ThrowsAsync<AwsServiceException>(() => clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default));

        Assert.Equal(("InvalidClientTokenId", AwsErrorKind.InvalidCredentials), (inactive.ErrorCode, inactive.Kind));
        Assert.Equal("InvalidClientTokenId", deleted.ErrorCode);
        Assert.Equal([KeyChange.Created, KeyChange.Deactivated, KeyChange.Reactivated, KeyChange.Deleted], lifecycle.Events.Select(e => e.Change));
        Assert.All(lifecycle.Events, e => Assert.Equal((MotoAdmin.DefaultAccount, user), (e.AccountId, e.UserName)));
        Assert.Empty(lifecycle.KeysOf(MotoAdmin.DefaultAccount, user));
    }

    [Fact]
    public void Register_KeySeededOutsideTheModel_KnownAsActive()
    {
        var lifecycle = new KeyLifecycle();
        var created = _time.GetUtcNow().AddDays(-3);

        lifecycle.Register("AKIASEEDED0000000001", "111111111111", "alice", created);

        Assert.Equal(new KnownKey("AKIASEEDED0000000001", "111111111111", "alice", created, Active: true, Deleted: false), Assert.Single(lifecycle.KeysOf("111111111111", "ALICE")));
        Assert.Equal(KeyChange.Created, Assert.Single(lifecycle.Events).Change);
    }
}
