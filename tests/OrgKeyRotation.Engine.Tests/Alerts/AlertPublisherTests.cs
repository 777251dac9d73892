using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Engine.Tests.Alerts;

/// <summary>
/// When the publisher sends, and what: its batching and timing logic, against a recording SNS port (the SNS client
/// itself is tested against moto in Aws.Tests, and the messages end to end in <see cref="AlertMessagesTests"/>).
/// </summary>
public class AlertPublisherTests
{
    private const string Topic = "arn:aws:sns:us-east-1:123456789012:alerts";
    private const string Account = "111111111111";

    private sealed class RecordingSns : ISnsClient
    {
        public ConcurrentQueue<IReadOnlyList<SnsMessage>> Calls { get; } = new();

        public Func<IReadOnlyList<SnsMessage>, IReadOnlyList<SnsPublishFailure>> Answer { get; set; } = _ => [];

        public IReadOnlyList<SnsMessage> Published => Calls.SelectMany(c => c).ToList();

        public Task<IReadOnlyList<SnsPublishFailure>> PublishBatchAsync(string topicArn, IReadOnlyList<SnsMessage> messages, CancellationToken cancellationToken)
        {
            Calls.Enqueue(messages);
            return Task.FromResult(Answer(messages));
        }
    }

    private static Alert UserAlert(string user, AlertEvent e = AlertEvent.Rotated, string key = "AKIAEXAMPLEEXAMPLE01") =>
        Alert.AboutUser(e, "sweep-1", new AlertUser(Account, user, Owner: null), $"{e} for {Account}/{user}", "detail", key);

    private static string Text(SnsMessage message) => JsonDocument.Parse(message.Body).RootElement.GetProperty("text").GetString()!;

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the background publish did not happen");
    }

    [Fact]
    public async Task UserFinished_TwoAlertsOfOneUser_OneMessageOnceTheFlushIntervalPassed()
    {
        var sns = new RecordingSns();
        var time = new FakeTimeProvider();
        await using var publisher = new AlertPublisher(sns, Topic, time, new CapturingLogger());

        publisher.Add(UserAlert("alice"));
        publisher.Add(UserAlert("alice", AlertEvent.Deactivated, "AKIAOLDOLDOLDOLD0001"));
        publisher.UserFinished(Account, "alice");
        time.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(50);
        var beforeInterval = sns.Published.Count;
        time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitForAsync(() => sns.Published.Count == 1);

        Assert.Equal(0, beforeInterval);
        var message = Assert.Single(sns.Published);
        Assert.Equal(["rotated", "deactivated"], JsonDocument.Parse(message.Body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task UserFinished_TenUsersFinished_PublishedAtOnceWithoutWaitingForTheInterval()
    {
        var sns = new RecordingSns();
        await using var publisher = new AlertPublisher(sns, Topic, new FakeTimeProvider(), new CapturingLogger());

        foreach (var user in Enumerable.Range(0, 10).Select(i => $"user{i}"))
        {
            publisher.Add(UserAlert(user));
            publisher.UserFinished(Account, user);
        }

        await WaitForAsync(() => sns.Published.Count == 10);

        Assert.Equal(10, sns.Published.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task Add_UserNotFinished_HeldUntilTheUserIsFinished()
    {
        var sns = new RecordingSns();
        var time = new FakeTimeProvider();
        await using var publisher = new AlertPublisher(sns, Topic, time, new CapturingLogger());

        publisher.Add(UserAlert("alice"));
        time.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        var whileRunning = sns.Published.Count;
        await publisher.FlushAsync(default);

        Assert.Equal(0, whileRunning);
        Assert.StartsWith("alice in", Text(Assert.Single(sns.Published)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishDigestAsync_AfterUserMessages_DigestIsTheLastMessageAndCountsActionRequired()
    {
        var sns = new RecordingSns();
        await using var publisher = new AlertPublisher(sns, Topic, new FakeTimeProvider(), new CapturingLogger());
        publisher.Add(UserAlert("alice"));
        publisher.Add(UserAlert("bob", AlertEvent.Failed));

        var beforeFinished = publisher.Attention;
        publisher.FinishUsers();
        var published = await publisher.PublishDigestAsync(
            new DigestInput("sweep-1", DigestInput.SingleProcess, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, new SweepCounts(1, 2, 1, 0, 0, 0, 0, 1, 0), 1, 1, [Account], [], [], [], publisher.Attention, publisher.AttentionTotal),
            default);

        Assert.Empty(beforeFinished);
        Assert.True(published);
        Assert.Equal(3, sns.Published.Count);
        Assert.Equal("digest", sns.Published[^1].Attributes["event"]);
        Assert.Equal(["action-required", "info"], sns.Published.Take(2).Select(m => m.Attributes["severity"]).Order(StringComparer.Ordinal));
        Assert.Equal(1, publisher.AttentionTotal);
        Assert.Equal("bob", Assert.Single(publisher.Attention).UserName);
        Assert.Equal(1, JsonDocument.Parse(sns.Published[^1].Body).RootElement.GetProperty("digest").GetProperty("attentionTotal").GetInt32());
    }

    [Fact]
    public async Task FlushAsync_SnsRefusesAndThrows_NeverThrowsAndLogsWhy()
    {
        var sns = new RecordingSns { Answer = messages => messages.Select(m => new SnsPublishFailure(m.Id, "KMSAccessDenied: no access to the topic key")).ToList() };
        var log = new CapturingLogger();
        await using var publisher = new AlertPublisher(sns, Topic, new FakeTimeProvider(), log);
        publisher.Add(UserAlert("alice"));
        publisher.Add(UserAlert("bob"));
        await publisher.FlushAsync(default);

        var throwing = new RecordingSns { Answer = _ => throw new Core.Errors.AwsTransportException("sns", "PublishBatch", new Uri("https://sns.us-east-1.amazonaws.com"), new HttpRequestException("connection reset")) };
        await using var second = new AlertPublisher(throwing, Topic, new FakeTimeProvider(), log);
        second.Add(UserAlert("carol"));
        var digestTaken = await second.PublishDigestAsync(
            new DigestInput("sweep-1", DigestInput.SingleProcess, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, new SweepCounts(0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 0, [], [], [], [], [], 0),
            default);

        Assert.False(digestTaken);
        Assert.Contains(log.Lines, l => l.ToString().Contains("SNS refused 2 of 2 alert messages", StringComparison.Ordinal) && l.ToString().Contains("KMSAccessDenied", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.ToString().Contains("connection reset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FlushAsync_NoTopic_PublishesNothingButLogsEveryAlert()
    {
        var sns = new RecordingSns();
        var log = new CapturingLogger();
        await using var publisher = new AlertPublisher(sns, topicArn: null, new FakeTimeProvider(), log);

        publisher.Add(UserAlert("alice", AlertEvent.Failed));
        await publisher.FlushAsync(default);

        Assert.Empty(sns.Calls);
        Assert.Contains(log.Lines, l => l.ToString().Contains("Alert failed", StringComparison.Ordinal));
    }
}
