using Amazon.Runtime;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Engine.Tests.Reliability;

/// <summary>Stands for the host process dying mid-call: the engine catches only AWS error types, so this escapes it.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);

/// <summary>The faults of the matrix, injected at one call.</summary>
public enum FaultKind
{
    Http500,
    ThrottleBurst,
    ConnectionReset,
    ResponseLost,
    Crash,
}

internal static class Reliability
{
    /// <summary>Retries as in production (same policy code), with millisecond delays so a throttle burst costs nothing.</summary>
    public static readonly RetryOptions FastRetry = new() { BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(20) };

    public static string Title(FaultKind fault) => fault switch
    {
        FaultKind.Http500 => "HTTP 500",
        FaultKind.ThrottleBurst => "3 throttles",
        FaultKind.ConnectionReset => "reset before send",
        FaultKind.ResponseLost => "response lost after apply",
        _ => "crash after apply",
    };

    /// <summary>Arms <paramref name="fault"/> at the <paramref name="occurrence"/>-th request of <paramref name="operation"/>.</summary>
    public static void Arm(FaultInjectingHandler handler, string operation, int occurrence, FaultKind fault)
    {
        switch (fault)
        {
            case FaultKind.Http500:
                handler.On(operation, occurrence, Fault.Http500);
                break;
            case FaultKind.ThrottleBurst:
                // The retries of the same call are the next occurrences of its operation.
                for (var i = 0; i < 3; i++)
                {
                    handler.On(operation, occurrence + i, Fault.Throttle);
                }

                break;
            case FaultKind.ConnectionReset:
                handler.On(operation, occurrence, Fault.ConnectionResetBeforeSend);
                break;
            case FaultKind.ResponseLost:
                handler.On(operation, occurrence, Fault.ResponseLostAfterApply);
                break;
            default:
                handler.On(operation, occurrence, Fault.Callback((_, _) => throw new SimulatedCrashException($"simulated crash after {operation}#{occurrence}"), afterForwarding: true));
                break;
        }
    }

    /// <summary>An engine on the harness's moto, fake clock and logger, with fast retries and an optional handler chain.</summary>
    public static RotationService Service(EngineHarness h, RotationConfig config, HttpMessageHandler? inner = null, RetryOptions? retry = null)
    {
        var clients = AwsClients.Create(
            new AwsOptions
            {
                Region = "us-east-1",
                EndpointUrl = h.Moto.Endpoint,
                Credentials = new BasicAWSCredentials("testing", "testing"),
                RoleName = config.RoleName,
                ExternalId = config.ExternalId,
                SecretLocation = config.Secrets.Location,
                Retry = retry ?? FastRetry,
                InnerHandlerFactory = inner is null ? null : () => inner,
            },
            TimeProvider.System);
        return new RotationService(config, clients, h.Time, h.Log, new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(2), VerificationPollInterval = TimeSpan.FromMilliseconds(100) });
    }

    /// <summary>"Operation#n" for each request, n counting that operation's requests as FaultInjectingHandler does.</summary>
    public static IReadOnlyList<string> Labels(IEnumerable<CallRecord> calls)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new List<string>();
        foreach (var call in calls)
        {
            seen[call.Operation] = seen.GetValueOrDefault(call.Operation) + 1;
            labels.Add($"{call.Operation}#{seen[call.Operation]}");
        }

        return labels;
    }

    public static (string Operation, int Occurrence) ParseLabel(string label)
    {
        var hash = label.LastIndexOf('#');
        return (label[..hash], int.Parse(label.AsSpan(hash + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (OrgKeyRotation.sln) not found above the test binaries");
    }
}

/// <summary>
/// Checks the safety invariants after every state-changing call of one user, while the engine runs: at most two keys,
/// and the key in AWSCURRENT (if any) exists and is Active. Outermost in the chain, so it sees each call after it
/// was applied, also when a fault follows.
/// </summary>
internal sealed class InvariantProbe(EngineHarness h, string account, string user, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly HashSet<string> Writes = new(StringComparer.Ordinal)
    {
        "CreateAccessKey", "DeleteAccessKey", "UpdateAccessKey", "CreateSecret", "PutSecretValue", "UpdateSecretVersionStage", "TagResource", "PutResourcePolicy",
    };

    private readonly List<string> _violations = [];

    public int Checks { get; private set; }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_violations)
            {
                return [.. _violations];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var info = await RequestOperation.IdentifyAsync(request, cancellationToken);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            if (Writes.Contains(info.Operation))
            {
                await CheckAsync(info.Operation);
            }
        }
    }

    private async Task CheckAsync(string after)
    {
        var keys = await h.KeysAsync(account, user);
        var current = await h.KeyInSecretAsync(account, user);
        lock (_violations)
        {
            Checks++;
            if (keys.Count > 2)
            {
                _violations.Add($"after {after}: {keys.Count} keys");
            }

            if (current is not null && !keys.Contains((current, "Active")))
            {
                _violations.Add($"after {after}: AWSCURRENT holds {current}, which is not an active key of {user}");
            }
        }
    }
}
