using System.Text;
using System.Text.Json;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Engine.Tests.Alerts;

public class AlertFormatTests
{
    private const string Account = "111111111111";
    private const string OldKey = "AKIAOLDOLDOLDOLD0001";
    private const string NewKey = "AKIANEWNEWNEWNEW0002";
    private const string SecretArn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:iam-key-rotation/111111111111/alice-AbCdEf";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly AlertUser Alice = new(Account, "alice", "team-payments");

    private static Alert Rotated(string? owner = "team-payments") =>
        Alert.AboutUser(AlertEvent.Rotated, "sweep-1", new AlertUser(Account, "alice", owner), $"key rotated for {Account}/alice", $"New key {NewKey} is in secret iam-key-rotation/{Account}/alice (AWSCURRENT).", NewKey) with
        {
            ReplacedAccessKeyId = OldKey,
            SecretName = $"iam-key-rotation/{Account}/alice",
            SecretArn = SecretArn,
        };

    private static Alert Deactivated(bool forced = false) =>
        Alert.AboutUser(AlertEvent.Deactivated, "sweep-1", Alice, $"old key deactivated for {Account}/alice", "old key deactivated right after promotion", OldKey) with
        {
            SecretName = $"iam-key-rotation/{Account}/alice",
            ActionRequired = forced,
        };

    private static JsonElement Body(Core.Ports.SnsMessage message) => JsonDocument.Parse(message.Body).RootElement;

    [Fact]
    public void ForUser_RotatedThenDeactivated_OneMessageSayingBothWithWhereTheKeyIs()
    {
        var (message, attention) = AlertFormat.ForUser([Rotated(), Deactivated()], Now, "m1");
        var body = Body(message);

        Assert.Null(attention);
        Assert.Equal("rotated", body.GetProperty("event").GetString());
        Assert.Equal(["rotated", "deactivated"], body.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("info", body.GetProperty("severity").GetString());
        Assert.Equal($"alice in {Account}: rotated ({NewKey} replaces {OldKey}); old key {OldKey} deactivated", body.GetProperty("text").GetString());
        Assert.Equal(NewKey, body.GetProperty("keys").GetProperty("new").GetString());
        Assert.Equal(OldKey, body.GetProperty("keys").GetProperty("replaced").GetString());
        Assert.Equal([OldKey], body.GetProperty("keys").GetProperty("deactivated").EnumerateArray().Select(e => e.GetString()));
        var secret = body.GetProperty("secret");
        Assert.Equal(SecretArn, secret.GetProperty("arn").GetString());
        Assert.Equal($"aws secretsmanager get-secret-value --secret-id {SecretArn} --region eu-west-1 --query SecretString --output text", secret.GetProperty("read").GetString());
        Assert.Equal(new Dictionary<string, string>
        {
            ["event"] = "rotated",
            ["severity"] = "info",
            ["sweepId"] = "sweep-1",
            ["accountId"] = Account,
            ["userName"] = "alice",
            ["owner"] = "team-payments",
            ["accessKeyId"] = NewKey,
        }, message.Attributes);
        Assert.Empty(AlertSchema.Problems(message.Body));
    }

    [Fact]
    public void ForUser_EmailRendering_TellsTheOwnerWhatHappenedAndHowToReadTheKey()
    {
        var (message, _) = AlertFormat.ForUser([Rotated(), Deactivated()], Now, "m1");

        Assert.NotNull(message.EmailBody);
        Assert.StartsWith($"alice in {Account}: rotated", message.EmailBody, StringComparison.Ordinal);
        Assert.Contains("Nothing to do: this is for your information.", message.EmailBody, StringComparison.Ordinal);
        Assert.Contains($"--secret-id {SecretArn} --region eu-west-1 --query SecretString --output text", message.EmailBody, StringComparison.Ordinal);
        Assert.Contains("this message never contains it", message.EmailBody, StringComparison.Ordinal);
        Assert.Contains("owner team-payments", message.EmailBody, StringComparison.Ordinal);
        Assert.StartsWith("[OrgKeyRotation] alice in 111111111111: rotated", message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void ForUser_DestinationNamedAfterTheUser_TextKeepsItsWholeName()
    {
        const string destination = $"ssm:/keys/{Account}/alice";
        var failed = Alert.AboutUser(AlertEvent.Failed, "sweep-1", Alice, $"{destination} does not hold the current key of {Account}/alice", "the write was refused", NewKey) with { ActionRequired = true };

        var (message, _) = AlertFormat.ForUser([failed], Now, "m1");

        Assert.Equal($"alice in {Account}: {destination} does not hold the current key", Body(message).GetProperty("text").GetString());
    }

    [Fact]
    public void ForUser_DeactivatedAtTheForcedDeadline_IsActionRequiredAndADigestLine()
    {
        var (message, attention) = AlertFormat.ForUser([Deactivated(forced: true)], Now, "m1");

        Assert.Equal("action-required", message.Attributes["severity"]);
        Assert.Contains("still in use (forced deadline)", Body(message).GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("[OrgKeyRotation] action required: ", message.Subject, StringComparison.Ordinal);
        Assert.NotNull(attention);
        Assert.Equal(new AttentionItem(Account, "alice", "team-payments", "deactivated", Body(message).GetProperty("text").GetString()!), attention);
    }

    [Fact]
    public void ForUser_RotatedThenAFailure_EventIsTheFailureAndSeverityActionRequired()
    {
        var failed = Alert.AboutUser(AlertEvent.Failed, "sweep-1", Alice with { Owner = null }, $"Deactivate failed for {Account}/alice", "Failed: AccessDenied", OldKey);

        var (message, attention) = AlertFormat.ForUser([Rotated(), failed], Now, "m1");
        var body = Body(message);

        Assert.Equal("failed", body.GetProperty("event").GetString());
        Assert.Equal("action-required", body.GetProperty("severity").GetString());
        Assert.Equal($"alice in {Account}: rotated ({NewKey} replaces {OldKey}); Deactivate failed", body.GetProperty("text").GetString());
        Assert.Equal(["info", "action-required"], body.GetProperty("detail").EnumerateArray().Select(s => s.GetProperty("severity").GetString()));
        Assert.NotNull(attention);
        Assert.Empty(AlertSchema.Problems(message.Body));
    }

    [Fact]
    public void Schema_MessagesThatBreakIt_AreRejected()
    {
        var (message, _) = AlertFormat.ForUser([Rotated()], Now, "m1");
        var withKey = message.Body.Replace("\"replaced\":", "\"secretAccessKey\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\",\"replaced\":", StringComparison.Ordinal);
        var noVersion = message.Body.Replace("\"version\":1,", "", StringComparison.Ordinal);
        var digestWithUser = message.Body.Replace("\"event\":\"rotated\",\"events\"", "\"event\":\"digest\",\"events\"", StringComparison.Ordinal);

        Assert.Empty(AlertSchema.Problems(message.Body));
        Assert.NotEmpty(AlertSchema.Problems(withKey));
        Assert.NotEmpty(AlertSchema.Problems(noVersion));
        Assert.NotEmpty(AlertSchema.Problems(digestWithUser));
    }

    [Theory]
    [InlineData(AlertEvent.Rotated, false, "info")]
    [InlineData(AlertEvent.Deactivated, false, "info")]
    [InlineData(AlertEvent.Deactivated, true, "action-required")]
    [InlineData(AlertEvent.Deleted, false, "info")]
    [InlineData(AlertEvent.Warning, false, "info")]
    [InlineData(AlertEvent.Restored, false, "action-required")]
    [InlineData(AlertEvent.Failed, false, "action-required")]
    [InlineData(AlertEvent.Blocked, false, "action-required")]
    [InlineData(AlertEvent.Deferred, false, "action-required")]
    [InlineData(AlertEvent.Summary, false, "summary")]
    public void SeverityOf_EachEvent_IsWhatTheEmailFilterExpects(AlertEvent alertEvent, bool actionRequired, string severity)
    {
        var alert = Alert.AboutUser(alertEvent, "s", Alice, "t", "d") with { ActionRequired = actionRequired };

        Assert.Equal(severity, AlertFormat.SeverityOf(alert));
    }

    [Fact]
    public void ForUser_AccountLevelFailure_HasNoUserAttributesAndItsTitleAsText()
    {
        var alert = Alert.AboutAccount(AlertEvent.Failed, "sweep-1", Account, $"account {Account} failed", "could not assume the role");

        var (message, attention) = AlertFormat.ForUser([alert], Now, "m1");

        Assert.Equal(["accountId", "event", "severity", "sweepId"], message.Attributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"account {Account} failed", Body(message).GetProperty("text").GetString());
        Assert.Equal(new AttentionItem(Account, null, null, "failed", $"account {Account} failed"), attention);
        Assert.Empty(AlertSchema.Problems(message.Body));
    }

    [Fact]
    public void ForUser_LongNonAsciiTitle_SubjectIsAsciiUnderSnsLimit()
    {
        var alert = Alert.AboutUser(AlertEvent.Warning, "sweep-1", new AlertUser(Account, new string('u', 64), null), "Größe " + new string('t', 300) + "\nnext line", "detail");

        var (message, _) = AlertFormat.ForUser([alert], Now, "m1");

        Assert.True(message.Subject.Length < 100, $"subject is {message.Subject.Length} characters");
        Assert.All(message.Subject, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void ForDigest_TenThousandFailedAccounts_FitsSnsLimitKeepsTheTotalsAndSaysItIsCut()
    {
        var accounts = Enumerable.Range(0, 10_000).Select(i => (100_000_000_000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var attention = accounts.Select(a => new AttentionItem(a, "user-with-a-long-name", "team@example.com", "failed", $"user-with-a-long-name in {a}: Rotate failed " + new string('x', 200))).ToList();
        var input = new DigestInput("sweep-big", DigestInput.FanOut, Now, Now.AddHours(1), new SweepCounts(10_000, 10_000, 0, 0, 0, 0, 0, 10_000, 0),
            10_000, 9_000, accounts.Take(9_000).ToList(), accounts.Skip(9_000).ToList(), [], [], attention, attention.Count);

        var message = AlertFormat.ForDigest(input, Now.AddHours(1), "m1");
        var body = Body(message);
        var digest = body.GetProperty("digest");

        Assert.True(Encoding.UTF8.GetByteCount(AlertFormat.Envelope(message)) <= AlertFormat.DigestBudgetBytes);
        Assert.True(digest.GetProperty("truncated").GetBoolean());
        Assert.Equal(9_000, digest.GetProperty("accounts").GetProperty("failed").GetProperty("count").GetInt32());
        Assert.Equal(1_000, digest.GetProperty("accounts").GetProperty("notReported").GetProperty("count").GetInt32());
        Assert.Equal(10_000, digest.GetProperty("attentionTotal").GetInt32());
        Assert.InRange(digest.GetProperty("attention").GetArrayLength(), 1, 9_999);
        Assert.Equal(10_000, digest.GetProperty("totals").GetProperty("failed").GetInt32());
        Assert.Equal("summary", message.Attributes["severity"]);
        Assert.Equal("digest", message.Attributes["event"]);
        Assert.Contains("more: each had its own action-required message", message.EmailBody, StringComparison.Ordinal);
        Assert.Empty(AlertSchema.Problems(message.Body));
    }

    [Fact]
    public void ForDigest_SmallSweep_NotCutAndNamesTheAccountsThatDidNotReport()
    {
        var input = new DigestInput("sweep-2", DigestInput.FanOut, Now, Now.AddMinutes(5), new SweepCounts(2, 5, 4, 0, 0, 0, 1, 1, 0),
            3, 2, ["222222222222"], ["333333333333"], [], [], [new AttentionItem("222222222222", "bob", null, "failed", "bob in 222222222222: Rotate failed")], 1);

        var message = AlertFormat.ForDigest(input, Now.AddMinutes(5), "m1");
        var digest = Body(message).GetProperty("digest");

        Assert.False(digest.GetProperty("truncated").GetBoolean());
        Assert.Equal(["333333333333"], digest.GetProperty("accounts").GetProperty("notReported").GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Sweep sweep-2: 4 rotated, 0 deactivated, 0 deleted, 1 failed, 0 blocked, 1 needs a person; 5 users in 2 of 3 accounts, 1 not reported", Body(message).GetProperty("text").GetString());
        Assert.Contains("did not report", message.EmailBody, StringComparison.Ordinal);
        Assert.Contains("- bob in 222222222222: Rotate failed", message.EmailBody, StringComparison.Ordinal);
        Assert.Equal("[OrgKeyRotation] digest: 4 rotated, 1 failed, 1 to act on, 1 accounts not reported", message.Subject);
        Assert.Empty(AlertSchema.Problems(message.Body));
    }
}
