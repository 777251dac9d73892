using Amazon.Runtime;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>Credentials of an assumed role with their expiry.</summary>
internal sealed record RoleCredentials(ImmutableCredentials Credentials, DateTimeOffset Expiration)
{
    public override string ToString() => $"RoleCredentials {{ AccessKeyId = {Credentials.AccessKey}, Expiration = {Expiration:O} }}";
}

/// <summary>
/// Assumed-role credentials per account, reused until <see cref="RefreshMargin"/> before they expire. Concurrent
/// requests for one account share one AssumeRole call; a failed call is not cached.
/// </summary>
internal sealed class RoleCredentialCache(Func<string, CancellationToken, Task<RoleCredentials>> assumeRole, TimeProvider time)
{
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, Task<RoleCredentials>> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task<RoleCredentials> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        Task<RoleCredentials> entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(accountId, out entry!) || !Usable(entry))
            {
                // Not bound to one caller's token: other callers may be waiting on the same call.
                entry = assumeRole(accountId, CancellationToken.None);
                _entries[accountId] = entry;
            }
        }

        return entry.WaitAsync(cancellationToken);
    }

    private bool Usable(Task<RoleCredentials> entry) =>
        !entry.IsCompleted || (entry.IsCompletedSuccessfully && entry.Result.Expiration - RefreshMargin > time.GetUtcNow());
}
