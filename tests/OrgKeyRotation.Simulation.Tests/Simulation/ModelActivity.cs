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

    /// <summary>
    /// No call in flight, none started or finished for <paramref name="settle"/>, no work queued for the thread pool, and
    /// no thread of the process runnable but the caller's. Engine work that runs, or that a loaded machine has paused
    /// mid-step, is a runnable thread; engine work that waits on the clock (a timer, or a thread blocked until one fires)
    /// is not. So a quiet process is one whose every engine flow waits on the clock, however slow the machine.
    /// </summary>
    public bool IsQuiet(TimeSpan settle) =>
        Volatile.Read(ref _inFlight) == 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastChange)) >= settle && ThreadPool.PendingWorkItemCount == 0 && RunnableThreads() <= 1;

    /// <summary>
    /// Threads of this process running or waiting for a CPU (Linux: state R, or D in uninterruptible I/O, in
    /// /proc/self/task/*/stat); the caller is one of them. Where /proc is missing the count is 1: the other conditions
    /// then decide alone.
    /// </summary>
    private static int RunnableThreads()
    {
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks))
        {
            return 1;
        }

        var runnable = 0;
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended while we looked
            }

            // "pid (comm) S ...": the state follows the last ')', since a thread's name may hold one.
            var state = stat[(stat.LastIndexOf(')') + 2)..].AsSpan()[0];
            if (state is 'R' or 'D')
            {
                runnable++;
            }
        }

        return runnable;
    }

    public override Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        return InFlightAsync(() => next(cancellationToken));
    }

    /// <summary>
    /// Under a client whose requests do not go through the AWS model (the engine's GitHub client): each request counts
    /// as a call in flight until its body is read. A loopback server that waits on another process (the contract
    /// server's sealed-box oracle) leaves no thread of this process runnable: without this the clock moves in the
    /// middle of a GitHub request and fires the engine's timers early (with answers slowed to 20 ms, during most of
    /// them, and DeterminismTests failed).
    /// </summary>
    public HttpMessageHandler Tracking(HttpMessageHandler inner) => new TrackingHandler(this, inner);

    private async Task<HttpResponseMessage> InFlightAsync(Func<Task<HttpResponseMessage>> send)
    {
        Interlocked.Increment(ref _inFlight);
        Volatile.Write(ref _lastChange, Stopwatch.GetTimestamp());
        try
        {
            return await send();
        }
        finally
        {
            Volatile.Write(ref _lastChange, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private sealed class TrackingHandler(ModelActivity activity, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            activity.InFlightAsync(async () =>
            {
                var response = await base.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                return response;
            });
    }
}
