using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// The last-used model against moto, read through the product's IAM client: a use shows in GetAccessKeyLastUsed only
/// once it is older than the lag; until then the previous use (or "never used") is reported.
/// </summary>
[Trait("Category", "Integration")]
public class LastUsedLagTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly TimeSpan Lag = TimeSpan.FromHours(4);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task GetAccessKeyLastUsed_UsedWithinTheLag_NeverUsed()
    {
        var (iam, http) = await ArrangeAsync();
        var keyId = await NewUserKeyAsync("recent");
        await UseAsync(http, keyId);

        _time.Advance(Lag - TimeSpan.FromMinutes(1));
        var lastUsed = await iam.GetAccessKeyLastUsedAsync(keyId, default);

        Assert.Null(lastUsed.LastUsedDate);
    }

    [Fact]
    public async Task GetAccessKeyLastUsed_UseOlderThanTheLag_ReportedWithServiceAndRegion()
    {
        var (iam, http) = await ArrangeAsync();
        var keyId = await NewUserKeyAsync("old-use");
        var usedAt = _time.GetUtcNow();
        await UseAsync(http, keyId);

        _time.Advance(Lag + TimeSpan.FromMinutes(1));
        var lastUsed = await iam.GetAccessKeyLastUsedAsync(keyId, default);

        Assert.NotNull(lastUsed.LastUsedDate);
        Assert.InRange(lastUsed.LastUsedDate!.Value, usedAt.AddSeconds(-1), usedAt.AddSeconds(1));
        Assert.Equal(("sts", "us-east-1"), (lastUsed.ServiceName, lastUsed.Region));
    }

    [Fact]
    public async Task GetAccessKeyLastUsed_OldUseThenRecentUse_OldUseReported()
    {
        var (iam, http) = await ArrangeAsync();
        var keyId = await NewUserKeyAsync("two-uses");
        var firstUse = _time.GetUtcNow();
        await UseAsync(http, keyId);
        _time.Advance(Lag + TimeSpan.FromHours(1));
        await UseAsync(http, keyId);

        _time.Advance(TimeSpan.FromHours(1));
        var lastUsed = await iam.GetAccessKeyLastUsedAsync(keyId, default);

        Assert.InRange(lastUsed.LastUsedDate!.Value, firstUse.AddSeconds(-1), firstUse.AddSeconds(1));
    }

    [Fact]
    public async Task GetAccessKeyLastUsed_UseThatBypassedTheModel_ReportedOnlyAfterTheLag()
    {
        var (iam, _) = await ArrangeAsync();
        var keyId = await NewUserKeyAsync("bypass");
        await new MotoSeeder(moto.Endpoint).UseKeyAsync(keyId);

        var early = await iam.GetAccessKeyLastUsedAsync(keyId, default);
        _time.Advance(Lag + TimeSpan.FromMinutes(1));
        var late = await iam.GetAccessKeyLastUsedAsync(keyId, default);

        Assert.Null(early.LastUsedDate);
        Assert.NotNull(late.LastUsedDate);
        Assert.Equal("sts", late.ServiceName);
    }

    [Fact]
    public async Task GetAccessKeyLastUsed_WithoutTheModel_MotoReportsAUseAtOnce()
    {
        // The premise: moto updates last-used data immediately.
        var keyId = await NewUserKeyAsync("premise");
        await new MotoSeeder(moto.Endpoint).UseKeyAsync(keyId);
        var iam = (await MotoAdmin.Clients(moto.Endpoint).Accounts.OpenAsync(MotoAdmin.DefaultAccount, "model-test", default)).Iam;

        Assert.NotNull((await iam.GetAccessKeyLastUsedAsync(keyId, default)).LastUsedDate);
    }

    private async Task<(IIamClient Iam, HttpClient Http)> ArrangeAsync()
    {
        var model = new AwsModel(_time).Use(new LastUsedLag(Lag));
        var session = await MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler()).Accounts.OpenAsync(MotoAdmin.DefaultAccount, "model-test", default);
        return (session.Iam, new HttpClient(model.CreateHandler()));
    }

    private async Task<string> NewUserKeyAsync(string prefix)
    {
        var user = $"{prefix}-{Guid.NewGuid():N}"[..24];
        var seed = new MotoSeeder(moto.Endpoint);
        await seed.CreateUserAsync(MotoSeeder.DefaultAccount, user);
        return (await seed.CreateAccessKeyAsync(MotoSeeder.DefaultAccount, user)).AccessKeyId;
    }

    /// <summary>A consumer's call signed by the key, through the model.</summary>
    private async Task UseAsync(HttpClient http, string keyId)
    {
        using var response = await http.SendAsync(RawAws.Query(moto.Endpoint, keyId, "sts", "GetCallerIdentity", "2011-06-15"));
        response.EnsureSuccessStatusCode();
    }
}
