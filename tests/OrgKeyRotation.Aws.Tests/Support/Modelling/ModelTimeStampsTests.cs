using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// IAM's times on the model's clock: moto stamps a key's CreateDate and last use with the real time, and a model whose
/// clock runs days ahead presents the instants it saw instead.
/// </summary>
[Trait("Category", "Integration")]
public class ModelTimeStampsTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task ListAccessKeysAndLastUsed_ClockFarAhead_ShowTheModelsInstants()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 3, 1, 10, 0, 0, TimeSpan.Zero));
        var model = new AwsModel(time).Use(new ModelTimeStamps());
        var clients = MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler());
        var user = $"stamps-{Guid.NewGuid():N}"[..24];
        await MotoAdmin.ForDefaultAccount(moto.Endpoint).CreateUserAsync(user);
        var iam = (await clients.Accounts.OpenAsync(MotoAdmin.DefaultAccount, "model-test", default)).Iam;
        var created = time.GetUtcNow();
        var key = await iam.CreateAccessKeyAsync(user, default);
        SecretScan.RegisterSecret(key.SecretAccessKey.Reveal());
        var neverUsed = await iam.GetAccessKeyLastUsedAsync(key.AccessKeyId, default);

        time.Advance(TimeSpan.FromDays(40));
        var used = time.GetUtcNow();
        await clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);
        time.Advance(TimeSpan.FromDays(2));
        var listed = Assert.Single(await iam.ListAccessKeysAsync(user, default));
        var lastUsed = await iam.GetAccessKeyLastUsedAsync(key.AccessKeyId, default);

        Assert.Equal(created, key.CreateDate);
        Assert.Equal(created, listed.CreateDate);
        Assert.Null(neverUsed.LastUsedDate);
        Assert.Equal(used, lastUsed.LastUsedDate);
    }
}
