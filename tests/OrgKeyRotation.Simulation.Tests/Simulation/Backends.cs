using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>Which AWS answers behind the model: moto, or <see cref="InMemoryAws"/> (shown to agree with moto by BackendAgreementTests).</summary>
internal enum BackendKind
{
    InMemory,
    Moto,
}

/// <summary>AWS behind the model: where the AWS layer sends requests, and the seeding a run needs before the engine starts.</summary>
internal interface ISimulatedBackend
{
    Uri Endpoint { get; }

    /// <summary>The innermost handler under the model (one per client).</summary>
    HttpMessageHandler CreateHandler();

    Task CreateUserAsync(string account, string userName);

    Task<(string AccessKeyId, string SecretAccessKey)> CreateAccessKeyAsync(string account, string userName);

    Task<string> CreateTopicAsync(string name);

    Task<string> CreateQueueAsync(string name);

    /// <summary>Secrets Manager's rotation schedule: the rotations due today, each with its token (<see cref="InMemoryAws.DueRotations"/>).</summary>
    IReadOnlyList<(string SecretArn, string Token)> DueRotations(DateTimeOffset now);

    void RotationFinished(string secretArn);
}

/// <summary>moto, reset for the run.</summary>
internal sealed class MotoBackend(MotoServer moto) : ISimulatedBackend
{
    private readonly MotoSeeder _seed = new(moto.Endpoint);

    public Uri Endpoint => moto.Endpoint;

    public HttpMessageHandler CreateHandler() => new ShortPolls(new SocketsHttpHandler());

    public Task CreateUserAsync(string account, string userName) => _seed.CreateUserAsync(account, userName);

    public Task<(string AccessKeyId, string SecretAccessKey)> CreateAccessKeyAsync(string account, string userName) => _seed.CreateAccessKeyAsync(account, userName);

    public Task<string> CreateTopicAsync(string name) => _seed.CreateTopicAsync(name);

    public Task<string> CreateQueueAsync(string name) => _seed.CreateQueueAsync(name);

    // moto invokes a rotation function itself (in a container) and refuses an unknown one: its schedule is not simulated.
    public IReadOnlyList<(string SecretArn, string Token)> DueRotations(DateTimeOffset now) =>
        throw new NotSupportedException("Secrets Manager's rotation schedule is simulated in memory only");

    public void RotationFinished(string secretArn) => throw new NotSupportedException("Secrets Manager's rotation schedule is simulated in memory only");
}

/// <summary>
/// SQS long polls (the fan-out digest waits up to a second for results) wait on the real clock in moto, which the
/// simulated clock does not follow: a second a sweep would be months of CI time. An empty long poll answers empty
/// either way, so it is sent as a short poll.
/// </summary>
internal sealed class ShortPolls(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("X-Amz-Target", out var targets) && targets.First().EndsWith(".ReceiveMessage", StringComparison.Ordinal) && request.Content is { } content)
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(await content.ReadAsStringAsync(cancellationToken))!.AsObject();
            body["WaitTimeSeconds"] = 0;
            var shortPoll = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8);
            shortPoll.Headers.ContentType = content.Headers.ContentType;
            request.Content = shortPoll;
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary><see cref="InMemoryAws"/>, new for the run.</summary>
internal sealed class InMemoryBackend(TimeProvider clock, int seed) : ISimulatedBackend
{
    private readonly InMemoryAws _aws = new(clock, seed);

    public Uri Endpoint => _aws.Endpoint;

    public HttpMessageHandler CreateHandler() => _aws.CreateHandler();

    public Task CreateUserAsync(string account, string userName)
    {
        _aws.CreateUser(account, userName);
        return Task.CompletedTask;
    }

    public Task<(string AccessKeyId, string SecretAccessKey)> CreateAccessKeyAsync(string account, string userName) => Task.FromResult(_aws.CreateAccessKey(account, userName));

    public Task<string> CreateTopicAsync(string name) => Task.FromResult(_aws.CreateTopic(name));

    public Task<string> CreateQueueAsync(string name) => Task.FromResult(_aws.CreateQueue(name));

    public IReadOnlyList<(string SecretArn, string Token)> DueRotations(DateTimeOffset now) => _aws.DueRotations(now);

    public void RotationFinished(string secretArn) => _aws.RotationFinished(secretArn);
}
