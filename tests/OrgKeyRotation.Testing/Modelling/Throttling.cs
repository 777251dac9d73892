namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Request-rate throttling: a fraction of the calls, drawn from a seeded generator (runs repeat), is answered with
/// the service's throttling error instead of reaching moto (<see cref="AwsErrorResponses.Throttling"/>).
/// </summary>
public sealed class Throttling : AwsBehaviour
{
    private readonly Random _random;
    private readonly Lock _lock = new();
    private int _throttled;

    public Throttling(double fraction, int seed = 20261125)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        Fraction = fraction;
        _random = new Random(seed);
    }

    public double Fraction { get; }

    /// <summary>Requests answered with a throttling error so far.</summary>
    public int Throttled => Volatile.Read(ref _throttled);

    public void Reset() => Volatile.Write(ref _throttled, 0);

    public override Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        bool throttle;
        lock (_lock)
        {
            throttle = Fraction > 0 && _random.NextDouble() < Fraction;
        }

        if (!throttle)
        {
            return next(cancellationToken);
        }

        Interlocked.Increment(ref _throttled);
        return Task.FromResult(AwsErrorResponses.Throttling(call));
    }
}
