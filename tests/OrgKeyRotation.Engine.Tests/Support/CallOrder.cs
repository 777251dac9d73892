using System.Collections.Concurrent;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Engine.Tests.Support;

/// <summary>
/// One engine's call held back: its <paramref name="Occurrence"/>-th call of <paramref name="Operation"/> waits until the
/// call named <paramref name="After"/> has been answered: "engine:operation" for its first occurrence,
/// "engine:operation#n" for its n-th.
/// </summary>
internal sealed record Hold(string Operation, string After, int Occurrence = 1);

/// <summary>
/// Puts the AWS calls of engines that run at once into a chosen order, whatever the machine's load: each engine sends
/// through its own handler (the inner handler of its own AWS clients), which announces each call as "engine:operation" once moto has answered it, and holds the calls its
/// <see cref="Hold"/>s name until the call they wait for has been answered. A hold still waiting after
/// <see cref="Patience"/> is recorded in <see cref="Missed"/> and its call goes on, so a test asserts that the order it
/// arranged came about (and a wrong arrangement fails instead of hanging).
/// </summary>
internal sealed class CallOrder
{
    /// <summary>Below the retries' attempt timeout of <see cref="Retry"/>, so a held call is never sent twice.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>AWS retries for engines whose calls may be held: an attempt outlives <see cref="Patience"/>.</summary>
    public static readonly RetryOptions Retry = new() { AttemptTimeout = TimeSpan.FromMinutes(2), TotalBudget = TimeSpan.FromMinutes(5) };

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly ConcurrentQueue<string> _missed = new();

    /// <summary>Every answered call, "engine:operation", in the order the answers came.</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    /// <summary>The holds whose awaited call was not answered within <see cref="Patience"/>: the order did not come about.</summary>
    public IReadOnlyList<string> Missed => [.. _missed];

    /// <summary>The handler factory for engine <paramref name="engine"/>, holding the calls <paramref name="holds"/> name.</summary>
    public Func<HttpMessageHandler> Engine(string engine, params Hold[] holds) => () => new Handler(this, engine, holds);

    /// <summary>Asserts that every hold saw its awaited call answered first; the message shows the calls as they came.</summary>
    public void AssertCameAbout() => Assert.True(Missed.Count == 0, $"{string.Join("; ", Missed)}. Calls: {string.Join(", ", Calls)}");

    private TaskCompletionSource Answered(string call) => _answered.GetOrAdd(call, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class Handler(CallOrder order, string engine, Hold[] holds) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var operation = (await RequestOperation.IdentifyAsync(request, cancellationToken)).Operation;
            var occurrence = _seen.AddOrUpdate(operation, 1, (_, n) => n + 1);
            foreach (var hold in holds.Where(h => h.Operation == operation && h.Occurrence == occurrence))
            {
                var answered = order.Answered(hold.After).Task;
                if (await Task.WhenAny(answered, Task.Delay(Patience, cancellationToken)) != answered)
                {
                    order._missed.Enqueue($"{engine}:{operation} #{occurrence} went on without {hold.After}");
                }
            }

            var response = await base.SendAsync(request, cancellationToken);
            var call = $"{engine}:{operation}";
            order._calls.Enqueue(call);
            order.Answered(call).TrySetResult();
            order.Answered($"{call}#{occurrence}").TrySetResult();
            return response;
        }
    }
}
