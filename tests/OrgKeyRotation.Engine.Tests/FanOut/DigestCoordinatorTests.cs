using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.FanOut;

/// <summary>
/// One digest per fan-out sweep, against moto's SQS and SNS: the enqueuer sends the accounts' work items and a delayed
/// digest item, workers report to the results queue, and the digest item gathers the reports. The test plays the SQS
/// event source: it takes the messages off the work queue and hands each to the engine as the Lambda would.
/// </summary>
[Trait("Category", "Integration")]
public class DigestCoordinatorTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string AccountC = "333333333333";

    private static readonly EngineOptions Options = new() { VerificationTimeout = TimeSpan.FromSeconds(2), VerificationPollInterval = TimeSpan.FromMilliseconds(100) };

    private sealed record FanOut(EngineHarness H, RotationConfig Config, string WorkQueue, string ResultsQueue)
    {
        public RotationService Service(Func<HttpMessageHandler>? handler = null) => H.Service(Config, handler, Options, H.Time);
    }

    private static async Task<FanOut> StartAsync(MotoFixture moto, Dictionary<string, IReadOnlyList<string>> accounts)
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        foreach (var (account, users) in accounts)
        {
            foreach (var user in users)
            {
                await h.UserWithKeyAsync(account, user, new Dictionary<string, string> { ["owner"] = $"team-{user}" });
            }
        }

        var work = await h.Seed.CreateQueueAsync("work");
        var results = await h.Seed.CreateQueueAsync("results");
        // The digest item comes back at once (no SQS delay), so the test does not wait.
        var config = h.Config(accounts, RotateNow) with { WorkQueueUrl = work, ResultsQueueUrl = results, FanOut = new FanOutConfig { DigestDelaySeconds = 0 } };
        return new FanOut(h, config, work, results);
    }

    /// <summary>Everything on the work queue, taken off it as the event source would after the invocations.</summary>
    private static async Task<(List<AccountWorkItem> Accounts, List<DigestWorkItem> Digests)> TakeWorkAsync(FanOut f)
    {
        var accounts = new List<AccountWorkItem>();
        var digests = new List<DigestWorkItem>();
        foreach (var message in await f.H.Seed.ReceiveAllAsync(f.WorkQueue))
        {
            if (JsonDocument.Parse(message.Body).RootElement.TryGetProperty("kind", out var kind) && kind.GetString() == DigestWorkItem.DigestKind)
            {
                digests.Add(JsonSerializer.Deserialize(message.Body, EngineJsonContext.Default.DigestWorkItem)!);
            }
            else
            {
                accounts.Add(JsonSerializer.Deserialize(message.Body, EngineJsonContext.Default.AccountWorkItem)!);
            }
        }

        return (accounts, digests);
    }

    private static async Task<IReadOnlyList<QueueMessage>> AlertsAsync(EngineHarness h)
    {
        var alerts = await h.AlertsAsync();
        AlertSchema.AssertValid(alerts.Select(a => a.Body));
        return alerts;
    }

    private static JsonElement DigestOf(IReadOnlyList<QueueMessage> alerts) =>
        JsonDocument.Parse(Assert.Single(alerts, a => a.Attributes["event"] == "digest").Body).RootElement.GetProperty("digest");

    private static void AssertTotalsMatch(JsonElement totals, IEnumerable<SweepResult> workers)
    {
        var sum = workers.Select(w => w.Counts).ToList();
        Assert.Equal(sum.Sum(c => c.Accounts), totals.GetProperty("accounts").GetInt32());
        Assert.Equal(sum.Sum(c => c.Users), totals.GetProperty("users").GetInt32());
        Assert.Equal(sum.Sum(c => c.Rotated), totals.GetProperty("rotated").GetInt32());
        Assert.Equal(sum.Sum(c => c.Failed), totals.GetProperty("failed").GetInt32());
        Assert.Equal(sum.Sum(c => c.Warnings), totals.GetProperty("warnings").GetInt32());
    }

    [Fact]
    public async Task FanOut_ThreeAccounts_ExactlyOneDigestWhoseTotalsMatchTheWorkers()
    {
        var f = await StartAsync(moto, new() { [AccountA] = ["alice", "bob"], [AccountB] = ["carol"], [AccountC] = ["dave"] });
        var service = f.Service();

        var enqueued = await service.EnqueueSweepAsync(new SweepRequest { SweepId = "sweep-fan-3" }, default);
        var afterEnqueue = await f.H.AlertsAsync();
        var (items, digests) = await TakeWorkAsync(f);
        var workers = new List<SweepResult>();
        foreach (var item in items)
        {
            workers.Add(await service.ProcessWorkItemAsync(item, null, default));
        }

        var digestItem = Assert.Single(digests);
        var digestResult = await service.ProcessDigestAsync(digestItem, default);
        var alerts = await AlertsAsync(f.H);

        Assert.Empty(afterEnqueue);
        Assert.Equal(3, enqueued.Enqueued);
        Assert.Equal(("sweep-fan-3", 0, false, "digest"), (digestItem.SweepId, digestItem.Round, digestItem.SeenIdle, digestItem.Kind));
        Assert.Equal([AccountA, AccountB, AccountC], digestItem.Accounts);
        Assert.Empty(digestItem.NotEnqueued);
        Assert.Equal(DigestOutcome.Published, digestResult.Outcome);
        Assert.Equal(4, alerts.Count(a => a.Attributes.ContainsKey("userName")));
        Assert.DoesNotContain(alerts, a => a.Attributes["event"] == "summary");
        var digest = DigestOf(alerts);
        AssertTotalsMatch(digest.GetProperty("totals"), workers);
        Assert.Equal(4, digest.GetProperty("totals").GetProperty("rotated").GetInt32());
        Assert.Equal("fan-out", digest.GetProperty("mode").GetString());
        Assert.Equal(3, digest.GetProperty("accounts").GetProperty("reported").GetInt32());
        Assert.Equal(0, digest.GetProperty("accounts").GetProperty("notReported").GetProperty("count").GetInt32());
        // The reports are gone; the mark that the digest went out stays until it ages out.
        var left = Assert.Single(await f.H.Seed.ReceiveAllAsync(f.ResultsQueue));
        Assert.True(JsonDocument.Parse(left.Body).RootElement.GetProperty("digestPublished").GetBoolean());
        Assert.All(workers, f.H.AssertNoSecretsIn);
    }

    [Fact]
    public async Task FanOut_OneWorkerFails_DigestStillCompleteNamingThatAccount()
    {
        var f = await StartAsync(moto, new() { [AccountA] = ["alice"], [AccountB] = ["carol"], [AccountC] = ["dave"] });
        var service = f.Service();
        // The worker of account C cannot reach AWS at all: its invocation fails and it reports nothing.
        var broken = f.Service(() => new FaultInjectingHandler().Always("AssumeRole", Fault.ConnectionResetBeforeSend));
        await service.EnqueueSweepAsync(new SweepRequest { SweepId = "sweep-fan-fail" }, default);
        var (items, digests) = await TakeWorkAsync(f);
        var workers = new List<SweepResult>();
        foreach (var item in items)
        {
            if (item.AccountId == AccountC)
            {
                await Assert.ThrowsAnyAsync<Exception>(() => broken.ProcessWorkItemAsync(item, null, default));
                continue;
            }

            workers.Add(await service.ProcessWorkItemAsync(item, null, default));
        }

        // C's work item is gone (dead-lettered after its retries); the queue is idle. The digest looks twice, then publishes.
        var first = await service.ProcessDigestAsync(Assert.Single(digests), default);
        var (_, again) = await TakeWorkAsync(f);
        var second = await service.ProcessDigestAsync(Assert.Single(again), default);
        var alerts = await AlertsAsync(f.H);

        Assert.Equal(DigestOutcome.Redelayed, first.Outcome);
        Assert.Equal([AccountC], first.NotReported);
        Assert.Equal(new { Round = 1, SeenIdle = true }, new { again[0].Round, again[0].SeenIdle });
        Assert.Equal(DigestOutcome.Published, second.Outcome);
        var digest = DigestOf(alerts);
        Assert.Equal([AccountC], digest.GetProperty("accounts").GetProperty("notReported").GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, digest.GetProperty("accounts").GetProperty("reported").GetInt32());
        Assert.Equal(3, digest.GetProperty("accounts").GetProperty("inScope").GetInt32());
        AssertTotalsMatch(digest.GetProperty("totals"), workers);
        Assert.Contains("1 not reported", JsonDocument.Parse(Assert.Single(alerts, a => a.Attributes["event"] == "digest").Body).RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FanOut_DigestComesBeforeTheWorkers_WaitsWhileWorkIsInFlight()
    {
        var f = await StartAsync(moto, new() { [AccountA] = ["alice"], [AccountB] = ["carol"] });
        var service = f.Service();
        await service.EnqueueSweepAsync(new SweepRequest { SweepId = "sweep-fan-early" }, default);
        var (items, digests) = await TakeWorkAsync(f);
        // The workers have not got to their items yet: they are still on the work queue.
        foreach (var item in items)
        {
            await f.H.Seed.SendMessageAsync(f.WorkQueue, JsonSerializer.Serialize(item, EngineJsonContext.Default.AccountWorkItem));
        }

        var early = await service.ProcessDigestAsync(Assert.Single(digests), default);
        var (later, again) = await TakeWorkAsync(f);
        var workers = new List<SweepResult>();
        foreach (var item in later)
        {
            workers.Add(await service.ProcessWorkItemAsync(item, null, default));
        }

        var published = await service.ProcessDigestAsync(Assert.Single(again), default);
        var alerts = await AlertsAsync(f.H);

        Assert.Equal(DigestOutcome.Redelayed, early.Outcome);
        Assert.False(again[0].SeenIdle);
        Assert.Equal(DigestOutcome.Published, published.Outcome);
        Assert.Empty(published.NotReported);
        AssertTotalsMatch(DigestOf(alerts).GetProperty("totals"), workers);
    }

    [Fact]
    public async Task FanOut_DigestItemDeliveredTwice_PublishedOnce()
    {
        var f = await StartAsync(moto, new() { [AccountA] = ["alice"] });
        var service = f.Service();
        await service.EnqueueSweepAsync(new SweepRequest { SweepId = "sweep-fan-twice" }, default);
        var (items, digests) = await TakeWorkAsync(f);
        await service.ProcessWorkItemAsync(Assert.Single(items), null, default);

        var first = await service.ProcessDigestAsync(digests[0], default);
        var second = await service.ProcessDigestAsync(digests[0], default);
        var alerts = await AlertsAsync(f.H);

        Assert.Equal(DigestOutcome.Published, first.Outcome);
        Assert.Equal(DigestOutcome.AlreadyPublished, second.Outcome);
        Assert.Single(alerts, a => a.Attributes["event"] == "digest");
    }

    [Fact]
    public async Task FanOut_WorkItemDeliveredAgain_RotationsAddUpAndTheLatestStateCounts()
    {
        var f = await StartAsync(moto, new() { [AccountA] = ["alice"] });
        var service = f.Service();
        await service.EnqueueSweepAsync(new SweepRequest { SweepId = "sweep-fan-again" }, default);
        var (items, digests) = await TakeWorkAsync(f);
        var item = Assert.Single(items);

        var firstDelivery = await service.ProcessWorkItemAsync(item, null, default);
        var secondDelivery = await service.ProcessWorkItemAsync(item, null, default);
        await service.ProcessDigestAsync(Assert.Single(digests), default);
        var totals = DigestOf(await AlertsAsync(f.H)).GetProperty("totals");

        Assert.Equal(1, firstDelivery.Counts.Rotated);
        Assert.Equal(0, secondDelivery.Counts.Rotated);
        Assert.Equal(1, totals.GetProperty("rotated").GetInt32());
        Assert.Equal(1, totals.GetProperty("users").GetInt32());
        Assert.Equal(1, totals.GetProperty("accounts").GetInt32());
    }

    [Fact]
    public async Task FanOut_AccountWithABlockedUserDeliveredAgain_DigestNamesTheUserOnce()
    {
        // erin holds two active keys, the newer in use, and no secret: blocked until a person decides. Her account's
        // item is delivered twice, as SQS does when the first delivery failed for another reason.
        var f = await StartAsync(moto, new() { [AccountA] = ["alice", "erin"] });
        var second = (await f.H.Seed.CreateAccessKeyAsync(AccountA, "erin")).AccessKeyId;
        await f.H.Seed.UseKeyAsync(second);
        f.H.RegisterSeen();
        var service = f.Service();
        await service.EnqueueSweepAsync(new SweepRequest { SweepId = "sweep-fan-blocked" }, default);
        var (items, digests) = await TakeWorkAsync(f);
        var item = Assert.Single(items);

        var firstDelivery = await service.ProcessWorkItemAsync(item, null, default);
        await service.ProcessWorkItemAsync(item, null, default);
        await service.ProcessDigestAsync(Assert.Single(digests), default);
        var digest = DigestOf(await AlertsAsync(f.H));

        Assert.Equal(Outcome.Blocked, Assert.Single(firstDelivery.ActionsOf(AccountA, "erin")).Outcome);
        Assert.Equal(Outcome.Succeeded, Assert.Single(firstDelivery.Accounts).Outcome);
        Assert.Equal(1, firstDelivery.Counts.Blocked);
        Assert.Equal(0, firstDelivery.Counts.FailedNotBlocked);
        Assert.Single(digest.GetProperty("attention").EnumerateArray(), a => a.GetProperty("userName").GetString() == "erin");
        Assert.Equal(1, digest.GetProperty("totals").GetProperty("blocked").GetInt32());
        Assert.Equal(0, digest.GetProperty("accounts").GetProperty("failed").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task FanOut_OtherSweepsAndStaleMessages_OthersLeftForTheirDigestStaleDeleted()
    {
        var f = await StartAsync(moto, new() { [AccountA] = ["alice"] });
        var service = f.Service();
        var now = f.H.Time.GetUtcNow();
        var other = new ResultsMessage("sweep-other", now, new AccountReport("sweep-other", AccountB, "r-other", now, Outcome.Succeeded, null, new SweepCounts(1, 1, 1, 0, 0, 0, 0, 0, 0), false, [], 0));
        var stale = other with { SweepId = "sweep-old", At = now.AddDays(-2), Report = other.Report! with { SweepId = "sweep-old", ReportId = "r-old" } };
        await f.H.Seed.SendMessageAsync(f.ResultsQueue, JsonSerializer.Serialize(other, EngineJsonContext.Default.ResultsMessage));
        await f.H.Seed.SendMessageAsync(f.ResultsQueue, JsonSerializer.Serialize(stale, EngineJsonContext.Default.ResultsMessage));
        await f.H.Seed.SendMessageAsync(f.ResultsQueue, "not json");
        await service.EnqueueSweepAsync(new SweepRequest { SweepId = "sweep-fan-mine" }, default);
        var (items, digests) = await TakeWorkAsync(f);
        await service.ProcessWorkItemAsync(Assert.Single(items), null, default);

        var result = await service.ProcessDigestAsync(Assert.Single(digests), default);
        var left = (await f.H.Seed.ReceiveAllAsync(f.ResultsQueue)).Select(m => JsonSerializer.Deserialize(m.Body, EngineJsonContext.Default.ResultsMessage)!).ToList();

        Assert.Equal(DigestOutcome.Published, result.Outcome);
        Assert.Equal(1, result.AccountsReported);
        Assert.Equal(["sweep-fan-mine", "sweep-other"], left.Select(m => m.SweepId).Order(StringComparer.Ordinal));
        Assert.True(left.Single(m => m.SweepId == "sweep-fan-mine").DigestPublished);
        Assert.Equal(1, DigestOf(await AlertsAsync(f.H)).GetProperty("totals").GetProperty("rotated").GetInt32());
    }

    [Fact]
    public async Task EnqueueSweepAsync_DryRun_NoDigestItemAndWorkersDoNotReport()
    {
        var f = await StartAsync(moto, new() { [AccountA] = ["alice"] });
        var service = f.Service();

        await service.EnqueueSweepAsync(new SweepRequest { DryRun = true }, default);
        var (items, digests) = await TakeWorkAsync(f);
        await service.ProcessWorkItemAsync(Assert.Single(items), null, default);

        Assert.Empty(digests);
        Assert.Empty(await f.H.Seed.ReceiveAllAsync(f.ResultsQueue));
        Assert.Empty(await f.H.AlertsAsync());
    }

    [Fact]
    public async Task ProcessDigestAsync_RoundsUsedUp_PublishesNamingTheMissingAccounts()
    {
        var f = await StartAsync(moto, new() { [AccountA] = ["alice"], [AccountB] = ["carol"] });
        var item = new DigestWorkItem("sweep-fan-late", f.H.Time.GetUtcNow(), [AccountA, AccountB], [AccountC], Round: Options.DigestMaxRounds, SeenIdle: false);
        // Work still in flight (another message on the work queue), but this was the last round.
        await f.H.Seed.SendMessageAsync(f.WorkQueue, "{}");
        await f.H.Seed.SendMessageAsync(f.WorkQueue, "{}");

        var result = await f.Service().ProcessDigestAsync(item, default);
        var alerts = await AlertsAsync(f.H);
        var accounts = DigestOf(alerts).GetProperty("accounts");

        Assert.Equal(DigestOutcome.Published, result.Outcome);
        Assert.Equal([AccountA, AccountB], accounts.GetProperty("notReported").GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([AccountC], accounts.GetProperty("notEnqueued").GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, accounts.GetProperty("inScope").GetInt32());
        Assert.Equal(0, accounts.GetProperty("reported").GetInt32());
        Assert.Equal("Sweep sweep-fan-late: 0 rotated, 0 deactivated, 0 deleted, 0 failed, 0 blocked, 0 need a person; 0 users in 0 of 3 accounts, 2 not reported",
            JsonDocument.Parse(Assert.Single(alerts).Body).RootElement.GetProperty("text").GetString());
    }
}
