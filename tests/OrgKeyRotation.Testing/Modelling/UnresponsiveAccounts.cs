using System.Collections.Concurrent;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Accounts whose calls time out: a request acting on a listed account (signed with that account's credentials, or
/// an AssumeRole into it) gets no answer until the client gives up, or, with <paramref name="hangFor"/>, until that
/// long has passed on the model's clock (it is then answered normally, very late). Other accounts are unaffected.
/// The account of a request is the <see cref="AccountDirectory"/>'s, which learns moto's session keys from AssumeRole.
/// Accounts can be added and removed while calls run (an account that stops answering mid-sweep).
/// </summary>
public sealed class UnresponsiveAccounts(IEnumerable<string> accountIds, TimeSpan? hangFor = null) : AwsBehaviour
{
    private readonly ConcurrentDictionary<string, bool> _accounts = new(accountIds.Select(a => KeyValuePair.Create(a, true)), StringComparer.Ordinal);
    private int _hung;

    /// <summary>Requests held so far.</summary>
    public int Hung => Volatile.Read(ref _hung);

    public UnresponsiveAccounts Add(string accountId)
    {
        _accounts[accountId] = true;
        return this;
    }

    public UnresponsiveAccounts Remove(string accountId)
    {
        _accounts.TryRemove(accountId, out _);
        return this;
    }

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (_accounts.ContainsKey(call.TargetAccountId))
        {
            Interlocked.Increment(ref _hung);
            await (hangFor is { } wait ? Task.Delay(wait, call.Time, cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken));
        }

        return await next(cancellationToken);
    }
}
