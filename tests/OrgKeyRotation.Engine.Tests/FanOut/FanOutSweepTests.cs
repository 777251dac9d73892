using System.Globalization;
using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.FanOut;

/// <summary>
/// The distributed path: the scheduler's EnqueueSweepAsync sends one work item per account to a real (moto) SQS
/// queue, and the worker's ProcessWorkItemAsync sweeps the account of each item it receives.
/// </summary>
[Trait("Category", "Integration")]
public class FanOutSweepTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>Twelve accounts: more than one SendMessageBatch of ten.</summary>
    private static readonly IReadOnlyList<string> TwelveAccounts =
        Enumerable.Range(1, 12).Select(i => (100000000000L + i).ToString(CultureInfo.InvariantCulture)).ToList();

    private static RotationConfig WithQueue(EngineHarness h, string queueUrl, IEnumerable<string> accounts) =>
        h.Config(accounts.ToDictionary(a => a, _ => (IReadOnlyList<string>)["alice"]), RotateNow) with { WorkQueueUrl = queueUrl };

    private static AccountWorkItem Parse(QueueMessage message) =>
        JsonSerializer.Deserialize(message.Body, EngineJsonContext.Default.AccountWorkItem)
        ?? throw new InvalidOperationException($"work item body is JSON null: {message.Body}");

    [Fact]
    public async Task EnqueueSweepAsync_TwelveAccounts_SendsOneWorkItemPerAccountInBatchesOfTen()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var queue = await h.Seed.CreateQueueAsync("work");
        var calls = new CallCountingHandler();
        var service = h.Service(WithQueue(h, queue, TwelveAccounts), () => calls);

        var result = await service.EnqueueSweepAsync(new SweepRequest { SweepId = "sweep-fanout-12" }, default);

        Assert.Equal("sweep-fanout-12", result.SweepId);
        Assert.Equal(12, result.Enqueued);
        Assert.Empty(result.FailedToEnqueue);
        Assert.Equal(TwelveAccounts, result.Accounts);
        Assert.Equal(2, calls.Count("SendMessageBatch"));
        var items = (await h.Seed.ReceiveAllAsync(queue)).Select(Parse).ToList();
        Assert.Equal(TwelveAccounts, items.Select(i => i.AccountId).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Equal(new AccountWorkItem("sweep-fanout-12", i.AccountId, false), i));
        // No enqueue summary: the sweep's one digest comes from its delayed digest item (DigestCoordinatorTests).
        Assert.Empty(await h.AlertsAsync());
        h.AssertNoSecretsIn(result);
    }

    [Fact]
    public async Task EnqueueSweepAsync_DryRunForChosenAccounts_EnqueuesOnlyThoseAsDryRun()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var queue = await h.Seed.CreateQueueAsync("work");
        var service = h.Service(WithQueue(h, queue, TwelveAccounts));

        var result = await service.EnqueueSweepAsync(new SweepRequest { Accounts = [TwelveAccounts[3], TwelveAccounts[0]], DryRun = true }, default);

        Assert.Equal(2, result.Enqueued);
        Assert.StartsWith("sweep-", result.SweepId, StringComparison.Ordinal);
        var items = (await h.Seed.ReceiveAllAsync(queue)).Select(Parse).OrderBy(i => i.AccountId, StringComparer.Ordinal).ToList();
        Assert.Equal([new AccountWorkItem(result.SweepId, TwelveAccounts[0], true), new AccountWorkItem(result.SweepId, TwelveAccounts[3], true)], items);
    }

    [Fact]
    public async Task EnqueueSweepAsync_WithoutWorkQueue_ThrowsBadRequestNamingTheVariable()
    {
        var h = await EngineHarness.StartAsync(moto.Server);

        var error = await Assert.ThrowsAsync<BadRequestException>(() => h.Service(h.Config()).EnqueueSweepAsync(new SweepRequest(), default));

        Assert.Contains(EnvironmentVariables.WorkQueueUrl, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessWorkItemAsync_EachEnqueuedItem_RotatesThatAccount()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var queue = await h.Seed.CreateQueueAsync("work");
        var originalA = await h.UserWithKeyAsync(AccountA, "alice");
        var originalB = await h.UserWithKeyAsync(AccountB, "alice");
        var service = h.Service(WithQueue(h, queue, [AccountA, AccountB]));
        var enqueued = await service.EnqueueSweepAsync(new SweepRequest(), default);
        await h.AlertsAsync();

        var results = new List<SweepResult>();
        foreach (var item in (await h.Seed.ReceiveAllAsync(queue)).Select(Parse))
        {
            results.Add(await service.ProcessWorkItemAsync(item, h.Time.GetUtcNow().AddMinutes(5), default));
        }

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(enqueued.SweepId, r.SweepId));
        Assert.Equal([AccountA, AccountB], results.Select(r => Assert.Single(r.Accounts).AccountId).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(1, r.Counts.Rotated));
        foreach (var (account, original) in new[] { (AccountA, originalA), (AccountB, originalB) })
        {
            var current = await h.KeyInSecretAsync(account, "alice");
            Assert.NotNull(current);
            Assert.NotEqual(original, current);
            Assert.Equal([(original, "Active"), (current!, "Active")], (await h.KeysAsync(account, "alice")).OrderBy(k => k.AccessKeyId == current));
        }

        var alerts = await h.AlertsAsync();
        Assert.Equal(2, alerts.Count(a => a.Attributes["event"] == "rotated" && a.Attributes["sweepId"] == enqueued.SweepId));
        Assert.All(results, h.AssertNoSecretsIn);
    }

    [Fact]
    public async Task ProcessWorkItemAsync_AccountOutsideScope_ThrowsBadRequestAndChangesNothing()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var queue = await h.Seed.CreateQueueAsync("work");
        var original = await h.UserWithKeyAsync(AccountB, "alice");
        var service = h.Service(WithQueue(h, queue, [AccountA]));

        var error = await Assert.ThrowsAsync<BadRequestException>(() => service.ProcessWorkItemAsync(new AccountWorkItem("sweep-x", AccountB, false), null, default));

        Assert.Contains(AccountB, error.Message, StringComparison.Ordinal);
        Assert.Equal([(original, "Active")], await h.KeysAsync(AccountB, "alice"));
    }

    [Fact]
    public async Task ProcessWorkItemAsync_DeadlineAlreadyPassed_ReportsTheAccountNotStarted()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var queue = await h.Seed.CreateQueueAsync("work");
        var original = await h.UserWithKeyAsync(AccountA, "alice");
        var service = h.Service(WithQueue(h, queue, [AccountA]));

        var result = await service.ProcessWorkItemAsync(new AccountWorkItem("sweep-late", AccountA, false), h.Time.GetUtcNow().AddSeconds(-1), default);

        Assert.Equal("sweep-late", result.SweepId);
        Assert.Equal([AccountA], result.NotStartedAccounts);
        Assert.Empty(result.Accounts);
        Assert.Equal(1, result.Counts.NotStarted);
        Assert.Equal(0, result.Counts.Rotated);
        Assert.Equal([(original, "Active")], await h.KeysAsync(AccountA, "alice"));
        Assert.Null(await h.KeyInSecretAsync(AccountA, "alice"));
    }
}
