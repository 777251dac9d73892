using OrgKeyRotation.Cli.Invocation;

namespace OrgKeyRotation.Cli.CredentialProcess;

/// <summary>
/// The decision of <c>keyrot credential-process</c>, without I/O: read AWSCURRENT with the newest cached key; when IAM
/// refuses it, again after each delay of <see cref="Backoff"/> (a key can be refused for a while in one region before
/// IAM's change reaches it), then with the older cached key, then with the bootstrap credentials. What was read is
/// cached (with the key that read it, which is still active: the rotator deactivates a key only days after replacing
/// it). When every key is refused the user has no working key, and the failure says who can fix that and how.
/// </summary>
internal sealed class CurrentKeyReader(ISecretReader reader, IKeyCache cache, BootstrapSource? bootstrap, TimeProvider time)
{
    /// <summary>The waits before the second and third read with a refused key (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    public async Task<ConsumerKey> ReadAsync(string secretId, CancellationToken cancellationToken)
    {
        var cached = cache.Load();
        foreach (var key in cached.Keys)
        {
            if (await ReadWithBackoffAsync(key, cancellationToken) is { } current)
            {
                // Steady state (the newest cached key read itself) writes nothing.
                if (current.Key.AccessKeyId != cached.Keys[0].AccessKeyId || key != cached.Keys[0])
                {
                    ConsumerKey[] keep = current.Key.AccessKeyId == key.AccessKeyId ? [current.Key] : [current.Key, key];
                    cache.Save(new CachedKeys(keep, current.AccountId ?? cached.AccountId, current.UserName ?? cached.UserName));
                }

                return current.Key;
            }
        }

        if (bootstrap is null)
        {
            throw cached.Keys.Count == 0
                ? new ConsumerCredentialsException($"keyrot holds no key for secret '{secretId}' yet, and the first read needs one. Run it once with --bootstrap-profile NAME (a profile with the user's current key), or with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set to it.", ExitCodes.CouldNotStart)
                : BothGone(secretId, cached, "no bootstrap source was given");
        }

        try
        {
            var current = await reader.ReadCurrentAsync(null, cancellationToken);
            cache.Save(new CachedKeys([current.Key], current.AccountId, current.UserName));
            return current.Key;
        }
        catch (KeyRefusedException e)
        {
            throw BothGone(secretId, cached, $"the bootstrap credentials ({bootstrap.Description}) were refused too ({e.Message})");
        }
    }

    private async Task<CurrentKey?> ReadWithBackoffAsync(ConsumerKey key, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await reader.ReadCurrentAsync(key, cancellationToken);
            }
            catch (KeyRefusedException) when (attempt < Backoff.Count)
            {
                await Task.Delay(Backoff[attempt], time, cancellationToken);
            }
            catch (KeyRefusedException)
            {
                return null;
            }
        }
    }

    private static ConsumerCredentialsException BothGone(string secretId, CachedKeys cached, string bootstrapOutcome)
    {
        var keys = cached.Keys.Count == 0 ? "keyrot held no key" : $"IAM refused the cached key{(cached.Keys.Count == 1 ? "" : "s")} {string.Join(" and ", cached.Keys.Select(k => k.AccessKeyId))}";
        var restore = cached.Keys.Count == 0
            ? "an operator reactivates the user's newest key with 'keyrot restore'"
            : $"an operator reactivates the newest key with 'keyrot restore --account {cached.AccountId ?? "ACCOUNT"} --user {cached.UserName ?? "USER"} --key {cached.Keys[0].AccessKeyId}'";
        return new ConsumerCredentialsException(
            $"secret '{secretId}' could not be read: {keys}, and {bootstrapOutcome}. The user has no working access key: {restore} (docs/consumers.md), or run this once with --bootstrap-profile NAME holding a key that works.",
            ExitCodes.CouldNotStart);
    }
}

/// <summary>The credentials of the first read, or the last resort: a named profile, or the key in the environment.</summary>
internal sealed record BootstrapSource(string? Profile, string Description);
