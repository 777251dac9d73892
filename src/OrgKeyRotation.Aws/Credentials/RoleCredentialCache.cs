namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// Assumed-role credentials per account and session name (the role and external id are fixed per layer, so these two
/// are what make credentials differ), reused until <see cref="RefreshMargin"/> before they expire. Concurrent
/// requests for one entry share one AssumeRole call; a failed call is not cached; expired entries are dropped.
/// </summary>
internal sealed class RoleCredentialCache(Func<string, string, CancellationToken, Task<RoleCredentials>> assumeRole, TimeProvider time)
{
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly Dictionary<(string AccountId, string SessionName), Task<RoleCredentials>> _entries = [];
    private readonly Lock _gate = new();

    public Task<RoleCredentials> GetAsync(string accountId, string sessionName, CancellationToken cancellationToken)
    {
        Task<RoleCredentials> entry;
        lock (_gate)
        {
            var key = (accountId, sessionName);
            if (!_entries.TryGetValue(key, out entry!) || !Usable(entry))
            {
                // A long-lived host (warm Lambda) sees a new session name per sweep: forget the spent ones.
                foreach (var spent in _entries.Where(e => !Usable(e.Value)).Select(e => e.Key).ToList())
                {
                    _entries.Remove(spent);
                }

                // Not bound to one caller's token: other callers may be waiting on the same call.
                entry = assumeRole(accountId, sessionName, CancellationToken.None);
                _entries[key] = entry;
            }
        }

        return entry.WaitAsync(cancellationToken);
    }

    private bool Usable(Task<RoleCredentials> entry) =>
        !entry.IsCompleted || (entry.IsCompletedSuccessfully && entry.Result.Expiration - RefreshMargin > time.GetUtcNow());
}
