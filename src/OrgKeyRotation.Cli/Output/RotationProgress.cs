using System.Globalization;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Output;

/// <summary>
/// Per-account progress of a rotation on standard error: a live line on a terminal (done/failed counts and elapsed
/// time), nothing while running otherwise. The engine reports each account as it finishes through
/// <see cref="SweepRequest.Progress"/>; the command prints the final count from the same sink once the sweep returns.
/// </summary>
internal sealed class RotationProgress : IProgress<AccountResult>, IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly int? _total;
    private readonly long _started;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticker;
    private int _done;
    private int _failed;

    public RotationProgress(TextWriter error, TimeProvider time, int? totalAccounts, bool live)
    {
        _error = error;
        _time = time;
        _total = totalAccounts;
        _started = time.GetTimestamp();
        _ticker = live ? TickAsync(_stop.Token) : Task.CompletedTask;
    }

    public int Done => Volatile.Read(ref _done);

    public int Failed => Volatile.Read(ref _failed);

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    public void Report(AccountResult value)
    {
        Interlocked.Increment(ref _done);
        if (value.Outcome is Outcome.Failed or Outcome.NotStarted)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    public string Line() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Done}/{(_total is { } t ? t.ToString(CultureInfo.InvariantCulture) : "?")} accounts done, {Failed} failed, {Elapsed.TotalSeconds:0.0}s");

    /// <summary>Stops the live line and clears it; safe to call more than once.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _ticker;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task TickAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Tick, _time);
        try
        {
            do
            {
                _error.Write($"\r\u001b[2Krotating: {Line()}");
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
            // Stopped by DisposeAsync: fall through to clear the line.
        }

        _error.Write("\r\u001b[2K");
    }
}
