using System.Collections.Concurrent;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Counts every request that reaches it by "service:Operation" (for the benchmark's calls per user). Placed first in a
/// model, it counts what the client sent, refused and throttled attempts included.
/// </summary>
public sealed class CallCounter : AwsBehaviour
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Calls => new Dictionary<string, int>(_calls, StringComparer.Ordinal);

    public int Total => _calls.Values.Sum();

    public int Count(string service, string operation) => _calls.GetValueOrDefault(service + ":" + operation);

    public void Reset() => _calls.Clear();

    public override Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        _calls.AddOrUpdate(call.Name, 1, (_, n) => n + 1);
        return next(cancellationToken);
    }
}
