using System.Diagnostics;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>
/// Whether any AWS call is under way, and since when none is. The simulation moves its clock only while the engine is
/// quiet (no call in flight for a while): the engine then waits on the clock, so moving it to the next timer is what
/// AWS's time passing would do.
/// </summary>
internal sealed class ModelActivity : AwsBehaviour
{
    private int _inFlight;
    private long _lastChange = Stopwatch.GetTimestamp();

    /// <summary>No call in flight, none started or finished for <paramref name="settle"/>, and no work queued for the thread pool.</summary>
    public bool IsQuiet(TimeSpan settle) =>
        Volatile.Read(ref _inFlight) == 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastChange)) >= settle && ThreadPool.PendingWorkItemCount == 0;

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        Interlocked.Increment(ref _inFlight);
        Volatile.Write(ref _lastChange, Stopwatch.GetTimestamp());
        try
        {
            return await next(cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _lastChange, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
