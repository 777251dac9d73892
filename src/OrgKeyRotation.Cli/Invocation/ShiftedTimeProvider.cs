namespace OrgKeyRotation.Cli.Invocation;

/// <summary>
/// A clock that reads "now" as <c>asOf</c> at the moment it was built and keeps ticking from there, so that
/// <c>--as-of</c> evaluates the policy on another date while timeouts and elapsed times stay real.
/// </summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly TimeSpan _offset;

    public ShiftedTimeProvider(TimeProvider inner, DateTimeOffset asOf)
    {
        _inner = inner;
        _offset = asOf - inner.GetUtcNow();
    }

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + _offset;

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, dueTime, period);
}
