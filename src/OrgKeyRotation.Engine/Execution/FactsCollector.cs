using System.Globalization;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Destinations;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// Reads one user's state from AWS with as few calls as the decision needs: keys, exemptions, the secret's stages
/// (mapped to key ids through the derived version tokens, reading a value only for versions another writer made),
/// and last use only for keys whose fate depends on it.
/// </summary>
internal sealed class FactsCollector(RotationConfig config, TimeProvider time)
{
    /// <summary>Opens an account for work: the members of the exemption group are read once here, not per user.</summary>
    public async Task<AccountContext> OpenAccountAsync(IAccountSession session, CancellationToken cancellationToken)
    {
        var membersTask = config.Exemptions.Group is { } group
            ? session.Iam.GetGroupMembersAsync(group, cancellationToken)
            : Task.FromResult<IReadOnlyList<string>>([]);
        Dictionary<string, SecretDescription>? listed = null;
        if (config.Secrets.NamePrefix(session.AccountId) is { Length: > 0 } prefix)
        {
            listed = new Dictionary<string, SecretDescription>(StringComparer.Ordinal);
            await foreach (var secret in session.Secrets.ListSecretsAsync(prefix, cancellationToken))
            {
                listed[secret.Name] = secret;
            }
        }

        return new AccountContext(session, (await membersTask).ToHashSet(StringComparer.OrdinalIgnoreCase), listed);
    }

    public Task<UserSnapshot> CollectAsync(AccountContext account, string userName, bool lastUseOfEveryKey, IamUser? knownUser, CancellationToken cancellationToken) =>
        CollectAsync(account, userName, lastUseOfEveryKey, knownUser, lookedAgain: false, cancellationToken);

    private async Task<UserSnapshot> CollectAsync(AccountContext account, string userName, bool lastUseOfEveryKey, IamUser? knownUser, bool lookedAgain, CancellationToken cancellationToken)
    {
        var session = account.Session;
        var accountId = session.AccountId;
        var keysTask = session.Iam.ListAccessKeysAsync(userName, cancellationToken);
        // GetUser brings the tags (owner, exemption) and the ARN (the secret's resource policy) in one call.
        var userTask = knownUser is not null ? Task.FromResult(knownUser) : session.Iam.GetUserAsync(userName, cancellationToken);
        var secretName = config.Secrets.NameFor(accountId, userName);
        // A name Secrets Manager refuses has no secret to look up (and a DescribeSecret would only be refused).
        var nameProblem = ManagedSecret.NameProblem(secretName, userName);
        SecretDescription? listed = null;
        var fromListing = account.ListedSecrets is not null;
        if (fromListing)
        {
            account.ListedSecrets!.TryGetValue(secretName, out listed);
        }

        var keys = await keysTask;
        var user = await userTask;

        // ListSecrets is eventually consistent: a secret created minutes ago (by the last rotation) may be missing or
        // show old stages. Its answer is enough for a user with one key, where nothing is lost by a stale view; with
        // two keys the roles decide what gets deactivated, so they come from DescribeSecret.
        var secret = nameProblem is not null ? null
            : fromListing && keys.Count < 2 ? listed : await session.Secrets.DescribeSecretAsync(secretName, cancellationToken);
        var (secretFacts, emptyPending) = secret is null ? (null, null) : await SecretFactsAsync(session, accountId, userName, secret, keys, cancellationToken);
        if (secretFacts?.CurrentKeyId is { } tracked && keys.All(k => k.AccessKeyId != tracked))
        {
            // The keys were listed before a concurrent rotation promoted its new key: look again once before
            // concluding that the secret holds a key that no longer exists.
            keys = await session.Iam.ListAccessKeysAsync(userName, cancellationToken);
            (secretFacts, emptyPending) = await SecretFactsAsync(session, accountId, userName, secret!, keys, cancellationToken);
        }
        var currentId = secretFacts?.CurrentKeyId;
        var keyFacts = new List<KeyFacts>(keys.Count);
        foreach (var key in keys)
        {
            // A lone key's fate never depends on its last use; a second key's always may.
            var needLastUse = lastUseOfEveryKey || (keys.Count > 1 && key.AccessKeyId != currentId);
            DateTimeOffset? lastUsed = null;
            if (needLastUse)
            {
                lastUsed = (await session.Iam.GetAccessKeyLastUsedAsync(key.AccessKeyId, cancellationToken)).LastUsedDate;
            }

            keyFacts.Add(new KeyFacts(key.AccessKeyId, key.Status, key.CreateDate, lastUsed, needLastUse));
        }

        if (secret?.VersionWithStage(SecretStages.Current) is null && nameProblem is null && keys.Count > 1 && !lookedAgain && keyFacts.Any(k => k.LastUsedDate is not null)
            && FirstVersionSince(secret, await session.Secrets.DescribeSecretAsync(secretName, cancellationToken)))
        {
            // The last use is read after the secret. A run that rotates a user's first key stores it as the secret's
            // first version, then verifies it: a key used by now may be that run's, stored since this look found the
            // secret without a current version (or found none). Taken with the secret as read, that key would pass for
            // one a person uses beside the key to adopt (rule 7: blocked). Look at the user once more.
            return await CollectAsync(account, userName, lastUseOfEveryKey, user, lookedAgain: true, cancellationToken);
        }

        // The destinations of the configuration, with the records of a secret the rotator manages.
        var destinations = UserDestinations.Of(config.Destinations.For(accountId, userName), secret);
        var facts = new UserFacts(accountId, userName, keyFacts, secretFacts is null ? null : secretFacts with { Destinations = destinations.Records }, Exemption(userName, user.Tags, account.ExemptMembers))
        {
            Destinations = destinations.Facts,
        };
        return new UserSnapshot(facts, secretName, secret, user, destinations, nameProblem) { EmptyPendingVersion = emptyPending };
    }

    /// <summary>The user's secret, read without an AWSCURRENT version (or not found), has one now (or exists now).</summary>
    private static bool FirstVersionSince(SecretDescription? read, SecretDescription? now) =>
        now is not null && (read is null || now.VersionWithStage(SecretStages.Current) is not null);

    private ExemptionFacts Exemption(string userName, IReadOnlyDictionary<string, string> tags, IReadOnlySet<string> exemptMembers)
    {
        if (config.Exemptions.Group is { } group && exemptMembers.Contains(userName))
        {
            return new ExemptionFacts(true, $"member of group {group}", null);
        }

        if (config.Exemptions.Tag is { } tagKey && tags.TryGetValue(tagKey, out var value))
        {
            if (DateTimeOffset.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until))
            {
                return until > time.GetUtcNow() ? new ExemptionFacts(true, $"tag {tagKey}={value}", until) : ExemptionFacts.None;
            }

            return value.Equals("false", StringComparison.OrdinalIgnoreCase) ? ExemptionFacts.None : new ExemptionFacts(true, $"tag {tagKey}", null);
        }

        return ExemptionFacts.None;
    }

    /// <summary>
    /// The secret's facts, and the version (if any) that carries AWSPENDING without a value beside another current
    /// version: a Secrets Manager rotation that has not ended (<see cref="UserSnapshot.EmptyPendingVersion"/>).
    /// </summary>
    private static async Task<(SecretFacts Facts, string? EmptyPending)> SecretFactsAsync(IAccountSession session, string accountId, string userName, SecretDescription secret, IReadOnlyList<AccessKeyMetadata> keys, CancellationToken cancellationToken)
    {
        if (secret.DeletedDate is { } deleted)
        {
            // Its values cannot be read, and the planner needs none of them: it blocks the user (rule 2).
            return (new SecretFacts(ManagedSecret.IsManaged(secret), null, null, null, null, null, DeletedDate: deleted), null);
        }

        if (!ManagedSecret.IsManaged(secret))
        {
            return (new SecretFacts(false, null, null, null, null, null), null);
        }

        var byToken = keys.ToDictionary(k => ManagedSecret.VersionTokenFor(accountId, userName, k.AccessKeyId), k => k.AccessKeyId, StringComparer.Ordinal);
        string? emptyPending = null;

        async Task<string?> KeyIn(string stage)
        {
            var version = secret.VersionWithStage(stage);
            if (version is null)
            {
                return null;
            }

            if (byToken.TryGetValue(version, out var keyId))
            {
                return keyId;
            }

            // Written by someone else (e.g. Secrets Manager's own rotation with its token), or holds a key IAM no
            // longer lists: read the key id from the value. Only the id leaves this method.
            var value = await session.Secrets.GetSecretValueAsync(secret.Arn, version, null, cancellationToken);
            if (value is null && stage == SecretStages.Pending && version != secret.VersionWithStage(SecretStages.Current))
            {
                emptyPending = version;
            }

            return value is null ? null : ManagedSecret.Parse(value.SecretString)?.AccessKeyId;
        }

        var current = await KeyIn(SecretStages.Current);
        var pending = await KeyIn(SecretStages.Pending);
        var previous = await KeyIn(SecretStages.Previous);
        if (previous is null && secret.Tags.TryGetValue(ManagedSecret.AdoptedKeyTag, out var adopted) && adopted != current)
        {
            previous = adopted;
        }

        var deactivated = ManagedSecret.ParseDeactivationTag(secret);
        var handOff = ManagedSecret.ParseHandOffTag(secret);
        var attempt = ManagedSecret.ParseAttemptTag(secret);
        var restored = ManagedSecret.ParseRestoreTag(secret);
        return (new SecretFacts(true, current, pending == current ? null : pending, previous, deactivated?.KeyId, deactivated?.At,
            attempt?.At, handOff is { } h ? new KeyHandOff(h.KeyId, h.At) : null, AttemptReplacedKeyId: attempt?.ReplacedKeyId)
        {
            Restored = restored is { } r ? new KeyHandOff(r.KeyId, r.At) : null,
        }, emptyPending);
    }
}
