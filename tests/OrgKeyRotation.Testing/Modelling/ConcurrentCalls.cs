namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Measures how many calls of one service are in flight at once per account (IAM throttles per account, so the
/// engine bounds its IAM calls per account): the peak per account since the last <see cref="Reset"/>. A call is in
/// flight from the moment it reaches this behaviour until its answer comes back through it, so placed before
/// <see cref="Latency"/> it counts the network time too, as AWS would see it.
/// </summary>
public sealed class ConcurrentCalls(string service = "iam") : AwsBehaviour
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _peak = new(StringComparer.Ordinal);

    public string Service { get; } = service;

    /// <summary>The highest number of <see cref="Service"/> calls in flight at once for <paramref name="accountId"/>.</summary>
    public int PeakFor(string accountId)
    {
        lock (_lock)
        {
            return _peak.GetValueOrDefault(accountId);
        }
    }

    /// <summary>The highest per-account peak; 0 before any call.</summary>
    public int Peak
    {
        get
        {
            lock (_lock)
            {
                return _peak.Count == 0 ? 0 : _peak.Values.Max();
            }
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _peak.Clear();
        }
    }

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (call.Service != Service)
        {
            return await next(cancellationToken);
        }

        var account = call.TargetAccountId;
        lock (_lock)
        {
            var now = _inFlight.GetValueOrDefault(account) + 1;
            _inFlight[account] = now;
            _peak[account] = Math.Max(_peak.GetValueOrDefault(account), now);
        }

        try
        {
            return await next(cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                _inFlight[account]--;
            }
        }
    }
}
