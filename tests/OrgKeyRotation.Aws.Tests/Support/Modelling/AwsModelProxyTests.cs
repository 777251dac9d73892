using System.Diagnostics;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// The model as a loopback proxy, as keyrot, the Lambda bootstrap and the benchmark use it: the product's clients
/// pointed at <see cref="AwsModelProxy.Endpoint"/> meet the behaviours; the direct port does not; accounts are routed
/// to their moto shard.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AwsModelProxyTests : IAsyncLifetime
{
    private MotoServer[] _shards = [];

    public async Task InitializeAsync() => _shards = await Task.WhenAll(MotoServer.StartAsync(), MotoServer.StartAsync());

    public async Task DisposeAsync()
    {
        foreach (var shard in _shards)
        {
            await shard.DisposeAsync();
        }
    }

    [Fact]
    public async Task Endpoint_NewKeyThroughTheProxy_RefusedThenDirectPortAccepts()
    {
        var model = AwsModel.Create(new AwsModelOptions { PropagationDelay = TimeSpan.FromMinutes(10) });
        await using var proxy = await AwsModelProxy.StartAsync(model, [_shards[0].Endpoint]);
        await new MotoSeeder(proxy.DirectEndpoint).CreateUserAsync(MotoSeeder.DefaultAccount, "via-proxy");
        var session = await MotoAdmin.Clients(proxy.Endpoint).Accounts.OpenAsync(MotoAdmin.DefaultAccount, "model-test", default);
        var key = await session.Iam.CreateAccessKeyAsync("via-proxy", default);
        SecretScan.RegisterSecret(key.SecretAccessKey.Reveal());

        var refused = await Assert.ThrowsAsync<AwsServiceException>(() => MotoAdmin.Clients(proxy.Endpoint).Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default));
        var direct = await MotoAdmin.Clients(proxy.DirectEndpoint).Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);

        Assert.Equal("InvalidClientTokenId", refused.ErrorCode);
        Assert.EndsWith(":user/via-proxy", direct.Arn, StringComparison.Ordinal);
        Assert.Equal(1, model.Get<NewKeyPropagation>().Refused);
        Assert.Equal(1, model.Get<CallCounter>().Count("iam", "CreateAccessKey"));
    }

    [Fact]
    public async Task Routing_TwoShards_EachAccountLivesInItsShard()
    {
        await using var proxy = await AwsModelProxy.StartAsync(new AwsModel(), _shards.Select(s => s.Endpoint).ToList());
        const string Even = "100000000002";
        const string Odd = "100000000001";
        var seed = new MotoSeeder(proxy.Endpoint);
        await seed.CreateUserAsync(Even, "even-user");
        await seed.CreateUserAsync(Odd, "odd-user");

        var evenKey = await seed.CreateAccessKeyAsync(Even, "even-user");
        await new MotoSeeder(_shards[0].Endpoint).CreateAccessKeyAsync(Even, "even-user");
        var wrongShard = await Assert.ThrowsAsync<InvalidOperationException>(() => new MotoSeeder(_shards[0].Endpoint).CreateAccessKeyAsync(Odd, "odd-user"));
        var identity = await MotoAdmin.Clients(proxy.Endpoint).Sts.GetCallerIdentityAsync(evenKey.AccessKeyId, new SensitiveString(evenKey.SecretAccessKey), null, default);

        Assert.Equal((0, 1), (proxy.ShardOf(Even), proxy.ShardOf(Odd)));
        Assert.Contains("NoSuchEntity", wrongShard.Message, StringComparison.Ordinal);
        Assert.Equal(Even, identity.Account);
        Assert.Equal(Even, proxy.Model.Accounts.AccountOf(evenKey.AccessKeyId));
    }

    [Fact]
    public async Task Endpoint_UnresponsiveAccount_ClientTimesOutAndTheProxyServesOthers()
    {
        const string Slow = "333300003333";
        await using var proxy = await AwsModelProxy.StartAsync(AwsModel.Create(new AwsModelOptions { UnresponsiveAccounts = [Slow] }), [_shards[0].Endpoint]);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.SendAsync(RawAws.Query(proxy.Endpoint, "testing", "sts", "AssumeRole", "2011-06-15", ("RoleArn", $"arn:aws:iam::{Slow}:role/r"), ("RoleSessionName", "s"))));
        var waited = watch.Elapsed;
        using var other = await impatient.SendAsync(RawAws.Query(proxy.Endpoint, "testing", "sts", "GetCallerIdentity", "2011-06-15"));

        Assert.InRange(waited, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.True(other.IsSuccessStatusCode);
    }
}
