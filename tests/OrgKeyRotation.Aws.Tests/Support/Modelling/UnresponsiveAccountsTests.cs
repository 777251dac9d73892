using System.Diagnostics;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// One account whose calls time out, against moto through the product's clients: its calls (and opening it) get no
/// answer until the client's attempt timeout, while another account answers normally.
/// </summary>
[Trait("Category", "Integration")]
public class UnresponsiveAccountsTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string Slow = "111100001111";
    private const string Healthy = "222200002222";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task OpenAsync_UnresponsiveAccount_TimesOutWhileAnotherAccountOpens()
    {
        var (clients, behaviour) = Arrange([Slow]);

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<AwsTransportException>(() => clients.Accounts.OpenAsync(Slow, "model-test", default));
        var waited = watch.Elapsed;
        var healthy = await clients.Accounts.OpenAsync(Healthy, "model-test", default);

        Assert.InRange(waited, AttemptTimeout, AttemptTimeout * 10);
        Assert.Equal(Healthy, healthy.AccountId);
        Assert.True(behaviour.Hung >= 1);
    }

    [Fact]
    public async Task IamCall_AccountStopsAnsweringAfterItWasOpened_TimesOut()
    {
        var (clients, behaviour) = Arrange([]);
        await (await MotoAdmin.ForAccountAsync(moto.Endpoint, Slow)).CreateUserAsync("stalled");
        var session = await clients.Accounts.OpenAsync(Slow, "model-test", default);
        Assert.Empty(await session.Iam.ListAccessKeysAsync("stalled", default));

        behaviour.Add(Slow);
        var error = await Assert.ThrowsAsync<AwsTransportException>(() => session.Iam.ListAccessKeysAsync("stalled", default));
        behaviour.Remove(Slow);
        var keys = await session.Iam.ListAccessKeysAsync("stalled", default);

        Assert.Contains("iam:ListAccessKeys", error.Message, StringComparison.Ordinal);
        Assert.Empty(keys);
    }

    [Fact]
    public async Task HangFor_ElapsedOnTheModelClock_CallAnsweredLate()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var behaviour = new UnresponsiveAccounts([Slow], hangFor: TimeSpan.FromMinutes(5));
        using var http = new HttpClient(new AwsModel(time).Use(behaviour).CreateHandler());
        var assume = RawAws.Query(moto.Endpoint, "testing", "sts", "AssumeRole", "2011-06-15", ("RoleArn", $"arn:aws:iam::{Slow}:role/r"), ("RoleSessionName", "s"));

        var call = http.SendAsync(assume);
        await Task.Delay(200);
        var pendingBefore = !call.IsCompleted;
        time.Advance(TimeSpan.FromMinutes(5));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(pendingBefore);
        Assert.True(response.IsSuccessStatusCode);
    }

    private (ICentralClients Clients, UnresponsiveAccounts Behaviour) Arrange(string[] accounts)
    {
        var behaviour = new UnresponsiveAccounts(accounts);
        var model = new AwsModel().Use(behaviour);
        var clients = AwsClients.Create(
            new AwsOptions
            {
                Region = MotoAdmin.Region,
                EndpointUrl = moto.Endpoint,
                Credentials = MotoAdmin.TestCredentials,
                InnerHandlerFactory = () => model.CreateHandler(),
                Retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10), AttemptTimeout = AttemptTimeout, TotalBudget = TimeSpan.FromSeconds(1) },
            },
            TimeProvider.System);
        return (clients, behaviour);
    }
}
