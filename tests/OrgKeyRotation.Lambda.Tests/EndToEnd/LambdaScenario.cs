using System.Text.Json;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Lambda.Tests.EndToEnd;

/// <summary>
/// The published bootstrap configured as deployed (the engine's environment variables), against a fresh moto seeded
/// with three users in two member accounts, each holding one key, and an SNS topic whose alerts land in an SQS queue.
/// </summary>
internal sealed class LambdaScenario : IAsyncDisposable
{
    public const string AccountA = "111111111111";
    public const string AccountB = "222222222222";

    public static readonly IReadOnlyList<(string Account, string User)> Users = [(AccountA, "alice"), (AccountA, "bob"), (AccountB, "carol")];

    private readonly Dictionary<(string Account, string User), string> _originalKeys;

    /// <summary>Fan-out's work queue moves a message to its dead-letter queue once received this often (as deployed: fanout_max_receive_count's default).</summary>
    public const int WorkMaxReceiveCount = 5;

    private LambdaScenario(MotoServer moto, MotoSeeder seed, BootstrapRun run, string alertQueueUrl, (string Url, string DeadLetterUrl)? workQueue, string? resultsQueueUrl, Dictionary<(string, string), string> originalKeys)
    {
        Moto = moto;
        Seed = seed;
        Run = run;
        AlertQueueUrl = alertQueueUrl;
        WorkQueueUrl = workQueue?.Url;
        WorkDeadLetterQueueUrl = workQueue?.DeadLetterUrl;
        ResultsQueueUrl = resultsQueueUrl;
        _originalKeys = originalKeys;
    }

    public MotoServer Moto { get; }

    public MotoSeeder Seed { get; }

    public BootstrapRun Run { get; }

    public string AlertQueueUrl { get; }

    /// <summary>Set in fan-out mode (WORK_QUEUE_URL).</summary>
    public string? WorkQueueUrl { get; }

    /// <summary>Set in fan-out mode: where SQS moves a work item received <see cref="WorkMaxReceiveCount"/> times.</summary>
    public string? WorkDeadLetterQueueUrl { get; }

    /// <summary>Set in fan-out mode (RESULTS_QUEUE_URL).</summary>
    public string? ResultsQueueUrl { get; }

    /// <summary>Starts moto, seeds it, and starts the bootstrap; <paramref name="fanOut"/> adds the work and results queues (WORK_QUEUE_URL, RESULTS_QUEUE_URL).</summary>
    public static async Task<LambdaScenario> StartAsync(bool fanOut = false)
    {
        var moto = await MotoServer.StartAsync();
        try
        {
            var seed = new MotoSeeder(moto.Endpoint);
            var (topicArn, alertQueue) = await seed.CreateTopicWithQueueAsync("rotation");
            (string, string)? workQueue = fanOut ? await seed.CreateQueueWithDeadLetterQueueAsync("rotation-work", WorkMaxReceiveCount) : null;
            var originalKeys = new Dictionary<(string, string), string>();
            foreach (var (account, user) in Users)
            {
                await seed.CreateUserAsync(account, user);
                originalKeys[(account, user)] = (await seed.CreateAccessKeyAsync(account, user)).AccessKeyId;
            }

            SecretScan.RegisterSecrets(seed.SecretsSeen);
            var environment = new Dictionary<string, string>
            {
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString(),
                ["AWS_ACCESS_KEY_ID"] = "testing",
                ["AWS_SECRET_ACCESS_KEY"] = "testing",
                ["ACCOUNTS_USERS_JSON"] = JsonSerializer.Serialize(Users.GroupBy(u => u.Account).ToDictionary(g => g.Key, g => g.Select(u => u.User).ToArray())),
                ["ROTATION_ROLE_NAME"] = "IAMKeyRotationRole",
                ["SNS_TOPIC_ARN"] = topicArn,
                // Moto stamps keys with the real time and cannot back-date them: age 0 makes every key due now.
                ["MAX_KEY_AGE_DAYS"] = "0",
            };
            string? resultsQueue = null;
            if (workQueue is { } work)
            {
                environment["WORK_QUEUE_URL"] = work.Item1;
                // Fan-out needs the results queue (the sweep digest); the configuration refuses to start without it.
                resultsQueue = await seed.CreateQueueAsync("rotation-results");
                environment["RESULTS_QUEUE_URL"] = resultsQueue;
                // The digest item is not delayed, so the test plays the event source without waiting a minute.
                environment["DIGEST_DELAY_SECONDS"] = "0";
            }

            var run = await BootstrapRun.StartAsync(environment);
            return new LambdaScenario(moto, seed, run, alertQueue, workQueue, resultsQueue, originalKeys);
        }
        catch
        {
            await moto.DisposeAsync();
            throw;
        }
    }

    public string OriginalKey(string account, string user) => _originalKeys[(account, user)];

    /// <summary>Lambda's event source mapping on the work queue (fan-out mode), delivering to this function.</summary>
    public SqsEventSource WorkEventSource() =>
        new(Seed, WorkQueueUrl ?? throw new InvalidOperationException("not started in fan-out mode"), async payload => (await InvokeAsync(payload)).GetRawText());

    /// <summary>Invokes and returns the response body, failing with the function's output if it answered with an error.</summary>
    public async Task<JsonElement> InvokeAsync(string payload)
    {
        var outcome = await Run.InvokeAsync(payload);
        Assert.True(outcome.Kind == RuntimeOutcomeKind.Response, $"{outcome.Kind} {outcome.ErrorType}: {outcome.Body}\n{Run.Stdout}\n{Run.Stderr}");
        SecretScan.AssertClean("lambda-response", [outcome.Body]);
        return JsonDocument.Parse(outcome.Body).RootElement.Clone();
    }

    /// <summary>Invokes an event the function must refuse; returns the error outcome.</summary>
    public async Task<RuntimeOutcome> InvokeExpectingErrorAsync(string payload)
    {
        var outcome = await Run.InvokeAsync(payload);
        Assert.True(outcome.Kind == RuntimeOutcomeKind.Error, $"expected an invocation error, got {outcome.Kind}: {outcome.Body}");
        SecretScan.AssertClean("lambda-error", [outcome.Body]);
        return outcome;
    }

    public Task<IReadOnlyList<(string AccessKeyId, string Status)>> KeysAsync(string account, string user) => Seed.ListAccessKeysAsync(account, user);

    public async Task<string> SecretArnAsync(string account, string user) =>
        (await Seed.DescribeSecretAsync(account, SecretName(account, user))).GetProperty("ARN").GetString()!;

    /// <summary>The key id a stage of the user's secret holds (null: no secret); its secret half is registered with the scan.</summary>
    public async Task<string?> KeyInSecretAsync(string account, string user, string stage = "AWSCURRENT")
    {
        var value = await Seed.CurrentSecretValueAsync(account, SecretName(account, user), stage);
        if (value is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(value);
        SecretScan.RegisterSecret(document.RootElement.GetProperty("SecretAccessKey").GetString());
        return document.RootElement.GetProperty("AccessKeyId").GetString();
    }

    /// <summary>
    /// Rotated by the function: a new key is AWSCURRENT, and both it and the original are active (the original is
    /// only deactivated days later). Returns the new key id.
    /// </summary>
    public async Task<string> AssertRotatedAsync(string account, string user)
    {
        var original = OriginalKey(account, user);
        var current = await KeyInSecretAsync(account, user);
        Assert.NotNull(current);
        Assert.NotEqual(original, current);
        var keys = await KeysAsync(account, user);
        Assert.Equal([(current, "Active"), (original, "Active")], keys.OrderBy(k => k.AccessKeyId != current));
        return current;
    }

    /// <summary>Not touched: only the original key, active, and no secret.</summary>
    public async Task AssertUntouchedAsync(string account, string user)
    {
        Assert.Equal([(OriginalKey(account, user), "Active")], await KeysAsync(account, user));
        Assert.Null(await KeyInSecretAsync(account, user));
    }

    public async Task<IReadOnlyList<QueueMessage>> AlertsAsync()
    {
        var alerts = await Seed.ReceiveAllAsync(AlertQueueUrl);
        SecretScan.AssertClean("alert", alerts.Select(a => a.Body + " " + string.Join(' ', a.Attributes.Values)));
        AlertSchema.AssertValid(alerts.Select(a => a.Body));
        return alerts;
    }

    /// <summary>
    /// Stops the function and checks its output: every stdout line is one JSON object (a log line with timestamp,
    /// level and message, or an EMF metrics line) and no line of stdout or stderr holds a secret. Returns the lines.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> StopAndCheckOutputAsync()
    {
        await Run.StopAsync();
        SecretScan.RegisterSecrets(Seed.SecretsSeen);
        var stdout = Run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        SecretScan.AssertClean("lambda-stdout", stdout);
        SecretScan.AssertClean("lambda-stderr", Run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var lines = new List<JsonElement>();
        foreach (var line in stdout)
        {
            JsonElement parsed;
            try
            {
                parsed = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new Xunit.Sdk.XunitException($"stdout line is not JSON ({ex.Message}): {line}");
            }

            Assert.Equal(JsonValueKind.Object, parsed.ValueKind);
            if (!parsed.TryGetProperty("_aws", out _))
            {
                foreach (var field in new[] { "timestamp", "level", "message" })
                {
                    Assert.True(parsed.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String, $"log line has no {field}: {line}");
                }
            }

            lines.Add(parsed);
        }

        Assert.Empty(Run.Stderr.Trim());
        Assert.Contains(lines, l => l.TryGetProperty("level", out _));
        return lines;
    }

    /// <summary>The EMF metrics lines among the output lines.</summary>
    public static IReadOnlyList<JsonElement> MetricsLines(IReadOnlyList<JsonElement> lines) =>
        lines.Where(l => l.TryGetProperty("_aws", out _)).ToList();

    public async ValueTask DisposeAsync()
    {
        await Run.DisposeAsync();
        await Moto.DisposeAsync();
    }

    private static string SecretName(string account, string user) => $"iam-key-rotation/{account}/{user}";
}
