using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Engine.Tests.Support;

/// <summary>
/// One engine against a clean moto: a fake clock starting at the real now (moto stamps real times), a capturing
/// logger, an SNS topic whose alerts land in an SQS queue, and a seeder for arranging accounts, users and keys.
/// </summary>
internal sealed class EngineHarness
{
    public const string AccountA = "111111111111";
    public const string AccountB = "222222222222";

    /// <summary>A resource policy another principal put on a secret it made: it lets mallory read it.</summary>
    public const string ForeignPolicy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{AccountA}}:user/mallory"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""";

    /// <summary>Every key is due at once; a replaced key is deactivated 7 days after the hand-off and deleted 7 days later.</summary>
    public static readonly RotationPolicy RotateNow = new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, DeleteAfterDays = 7 };

    private EngineHarness(MotoServer moto, string topicArn, string alertQueueUrl)
    {
        Moto = moto;
        Seed = new MotoSeeder(moto.Endpoint);
        TopicArn = topicArn;
        AlertQueueUrl = alertQueueUrl;
    }

    /// <summary>The rotator of central secrets (secrets.rotatorArn) in these tests: a role under a path, as Terraform may make it.</summary>
    public const string CentralRotatorArn = "arn:aws:iam::" + MotoSeeder.DefaultAccount + ":role/service/org-key-rotation-lambda";

    public MotoServer Moto { get; }

    /// <summary>The host credentials the engine runs with; moto's static test key (an IAM user) unless a test changes them.</summary>
    public AWSCredentials HostCredentials { get; private set; } = new BasicAWSCredentials("testing", "testing");

    /// <summary><paramref name="config"/> with its secrets in the central account, written by <see cref="CentralRotatorArn"/>.</summary>
    public static RotationConfig WithCentralSecrets(RotationConfig config) =>
        config with { Secrets = config.Secrets with { Location = SecretLocation.Central, RotatorArn = CentralRotatorArn } };

    /// <summary>From now on the engine runs as <paramref name="roleArn"/>: a session of that role, as the Lambda runs as its execution role.</summary>
    public async Task RunAsAsync(string roleArn)
    {
        var (id, secret, token) = await Seed.AssumeRoleAsync(roleArn, "orgkeyrotation-test");
        RegisterSeen();
        HostCredentials = new SessionAWSCredentials(id, secret, token);
    }

    public MotoSeeder Seed { get; }

    /// <summary>A minute ahead of the real clock, so keys moto stamps during the test are never "in the future".</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow.AddMinutes(1));

    public CapturingLogger Log { get; } = new();

    public string TopicArn { get; }

    public string AlertQueueUrl { get; }

    public static async Task<EngineHarness> StartAsync(MotoServer moto)
    {
        await moto.ResetAsync();
        var seed = new MotoSeeder(moto.Endpoint);
        var (topic, queue) = await seed.CreateTopicWithQueueAsync("alerts");
        return new EngineHarness(moto, topic, queue);
    }

    public RotationConfig Config(Dictionary<string, IReadOnlyList<string>>? accounts = null, RotationPolicy? policy = null) => new()
    {
        Accounts = accounts ?? new Dictionary<string, IReadOnlyList<string>> { [AccountA] = ["alice"] },
        Policy = policy ?? new RotationPolicy { MaxKeyAgeDays = 90, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 30 },
        Alerts = new AlertsConfig { SnsTopicArn = TopicArn },
    };

    /// <summary>The real clock a minute ahead, for engines whose waits (key propagation, deadlines) must really pass.</summary>
    public TimeProvider RealClock { get; } = new AheadOfRealTime(TimeSpan.FromMinutes(1));

    public ICentralClients Clients(RotationConfig config, Func<HttpMessageHandler>? innerHandler = null, RetryOptions? retry = null) => AwsClients.Create(
        new AwsOptions
        {
            Region = "us-east-1",
            EndpointUrl = Moto.Endpoint,
            Credentials = HostCredentials,
            RoleName = config.RoleName,
            ExternalId = config.ExternalId,
            SecretLocation = config.Secrets.Location,
            SecretsRotatorArn = config.Secrets.RotatorArn,
            InnerHandlerFactory = innerHandler,
            Retry = retry ?? new RetryOptions(),
        },
        TimeProvider.System);

    public RotationService Service(RotationConfig config, Func<HttpMessageHandler>? innerHandler = null) =>
        new(config, Clients(config, innerHandler), Time, Log, new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(2), VerificationPollInterval = TimeSpan.FromMilliseconds(100) });

    /// <summary>An engine on <paramref name="time"/> with its own verification options and AWS retries.</summary>
    public RotationService Service(RotationConfig config, Func<HttpMessageHandler>? innerHandler, EngineOptions options, TimeProvider time, RetryOptions? retry = null) =>
        new(config, Clients(config, innerHandler, retry), time, Log, options);

    /// <summary>A user with one key created now; the key's secret is registered with the scan.</summary>
    public async Task<string> UserWithKeyAsync(string account, string userName, IReadOnlyDictionary<string, string>? tags = null)
    {
        await Seed.CreateUserAsync(account, userName, tags: tags);
        var (id, _) = await Seed.CreateAccessKeyAsync(account, userName);
        RegisterSeen();
        return id;
    }

    public void RegisterSeen() => SecretScan.RegisterSecrets(Seed.SecretsSeen);

    public static string SecretName(string account, string user) => $"iam-key-rotation/{account}/{user}";

    /// <summary>The key id in the secret's stage (and registers the secret half with the scan).</summary>
    public async Task<string?> KeyInSecretAsync(string account, string user, string stage = "AWSCURRENT")
    {
        var value = await Seed.CurrentSecretValueAsync(account, SecretName(account, user), stage);
        if (value is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(value);
        SecretScan.RegisterSecret(doc.RootElement.GetProperty("SecretAccessKey").GetString());
        return doc.RootElement.GetProperty("AccessKeyId").GetString();
    }

    public Task<IReadOnlyList<(string AccessKeyId, string Status)>> KeysAsync(string account, string user) => Seed.ListAccessKeysAsync(account, user);

    public async Task<IReadOnlyList<QueueMessage>> AlertsAsync()
    {
        var alerts = await Seed.ReceiveAllAsync(AlertQueueUrl);
        SecretScan.AssertClean("alert", alerts.Select(a => a.Body + " " + string.Join(' ', a.Attributes.Values)));
        return alerts;
    }

    /// <summary>Asserts no secret is in the result, the logs or the alerts so far.</summary>
    public void AssertNoSecretsIn(object result)
    {
        RegisterSeen();
        SecretScan.AssertClean("result", [JsonSerializer.Serialize(result, result.GetType(), EngineJsonContext.Default)]);
        SecretScan.AssertClean("log", Log.Lines.Select(l => l.ToString()));
    }

    /// <summary>The invariants that must hold after any sweep, failed or not.</summary>
    public async Task AssertSafeAsync(string account, string user)
    {
        var keys = await KeysAsync(account, user);
        Assert.True(keys.Count <= 2, $"{user} has {keys.Count} keys");
        var current = await KeyInSecretAsync(account, user);
        if (current is not null)
        {
            Assert.Contains(keys, k => k.AccessKeyId == current && k.Status == "Active");
        }
        else
        {
            Assert.Contains(keys, k => k.Status == "Active");
        }
    }
}

internal static class ResultExtensions
{
    public static IEnumerable<ActionResult> ActionsOf(this SweepResult result, string account, string user) =>
        result.Accounts.Single(a => a.AccountId == account).Users.Single(u => u.UserName == user).Actions;

    public static ActionResult Only(this SweepResult result, string account, string user, ActionKind kind) =>
        result.ActionsOf(account, user).Single(a => a.Action == kind);
}
