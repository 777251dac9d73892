using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.Targets;

/// <summary>
/// The accounts a sweep covers, and what went wrong discovering them: <paramref name="DiscoveryProblem"/> is set when
/// the Organization listed accounts but none of them is ACTIVE, which a sweep reports as a failure rather than as an
/// organization with nothing to do.
/// </summary>
internal sealed record AccountScope(IReadOnlyList<string> Accounts, string? DiscoveryProblem)
{
    /// <summary>The alert for <see cref="DiscoveryProblem"/>, a failure of sweep <paramref name="sweepId"/>; null without one.</summary>
    public Alert? DiscoveryFailed(string sweepId) => DiscoveryProblem is { } problem
        ? Alert.AboutSweep(AlertEvent.Failed, sweepId, "account discovery found no account to sweep", problem)
        : null;
}

/// <summary>
/// Which accounts a sweep covers: the explicit map, plus, with discovery, every ACTIVE account of the Organization
/// (optionally under chosen OUs, nested OUs included) minus the exclusions.
/// </summary>
internal sealed partial class TargetResolver(RotationConfig config, IOrganizationsClient organizations, ILogger logger)
{
    public async Task<IReadOnlyList<string>> ResolveAccountsAsync(IReadOnlyList<string>? requested, CancellationToken cancellationToken) =>
        (await ResolveScopeAsync(requested, cancellationToken)).Accounts;

    public async Task<AccountScope> ResolveScopeAsync(IReadOnlyList<string>? requested, CancellationToken cancellationToken)
    {
        var excluded = config.Discovery.ExcludeAccounts.ToHashSet(StringComparer.Ordinal);
        var accounts = new SortedSet<string>(config.Accounts.Keys.Where(a => !excluded.Contains(a)), StringComparer.Ordinal);
        if (requested is { Count: > 0 })
        {
            // An explicit request is checked against the static scope first so that bad input costs no AWS call.
            var invalid = requested.Where(a => !AwsIdentifiers.IsAccountId(a)).ToList();
            if (invalid.Count > 0)
            {
                throw new BadRequestException($"not 12-digit account ids: {string.Join(", ", invalid)}");
            }

            var excludedRequested = requested.Where(excluded.Contains).ToList();
            if (excludedRequested.Count > 0)
            {
                throw new BadRequestException($"accounts excluded by discovery.excludeAccounts: {string.Join(", ", excludedRequested)}");
            }

            if (!config.Discovery.Organization)
            {
                var outside = requested.Where(a => !accounts.Contains(a)).ToList();
                if (outside.Count > 0)
                {
                    throw new BadRequestException($"accounts not in the configured scope: {string.Join(", ", outside)}; add them to 'accounts' or enable discovery");
                }

                return new AccountScope(requested.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), null);
            }
        }

        string? problem = null;
        if (config.Discovery.Organization)
        {
            var listed = new List<OrgAccount>();
            await foreach (var account in DiscoverAsync(cancellationToken))
            {
                listed.Add(account);
                if (account.State == OrgAccountState.Active && !excluded.Contains(account.Id))
                {
                    accounts.Add(account.Id);
                }
            }

            problem = NoActiveAccount(listed);
        }

        if (requested is { Count: > 0 })
        {
            var outside = requested.Where(a => !accounts.Contains(a)).ToList();
            if (outside.Count > 0)
            {
                throw new BadRequestException($"accounts not in the configured scope (not ACTIVE in the Organization or outside the included OUs): {string.Join(", ", outside)}");
            }

            return new AccountScope(requested.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), problem);
        }

        return new AccountScope(accounts.ToList(), problem);
    }

    /// <summary>
    /// Discovery listed accounts but none is ACTIVE: either every account is suspended or closing, or the
    /// Organizations answer is not read as it should be (as when AWS retired Account.Status for Account.State).
    /// </summary>
    private static string? NoActiveAccount(List<OrgAccount> listed)
    {
        if (listed.Count == 0 || listed.Any(a => a.State == OrgAccountState.Active))
        {
            return null;
        }

        var states = string.Join(", ", listed.GroupBy(a => a.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
        return $"Organizations discovery listed {listed.Count} accounts but none is ACTIVE ({states}), so no discovered account is swept. "
            + "If the accounts are in fact active, this release does not read the Organizations answer as AWS gives it now (an unknown state shows as Other): report it and use the explicit 'accounts' map meanwhile; otherwise check discovery.includeOus";
    }

    private async IAsyncEnumerable<OrgAccount> DiscoverAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (config.Discovery.IncludeOus.Count == 0)
        {
            await foreach (var account in organizations.ListAccountsAsync(cancellationToken))
            {
                yield return account;
            }

            yield break;
        }

        var parents = new Queue<string>(config.Discovery.IncludeOus);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (parents.TryDequeue(out var parent))
        {
            if (!seen.Add(parent))
            {
                continue;
            }

            await foreach (var account in organizations.ListAccountsForParentAsync(parent, cancellationToken))
            {
                yield return account;
            }

            await foreach (var child in organizations.ListChildrenAsync(parent, OrgChildType.OrganizationalUnit, cancellationToken))
            {
                parents.Enqueue(child.Id);
            }
        }
    }

    /// <summary>
    /// The users to look at in one account: the configured names, else (with discovery) those on the path and with the
    /// tag. Users come back with their tags where one bulk read (GetAccountAuthorizationDetails) could get them, so the
    /// sweep does not read them again with GetUser; a user it did not return (a configured name that does not exist, or
    /// every user when the bulk read is denied) comes back without, and the sweep reads it with GetUser.
    /// </summary>
    public async Task<IReadOnlyList<(string UserName, IamUser? KnownUser)>> ResolveUsersAsync(IAccountSession session, CancellationToken cancellationToken)
    {
        if (config.Accounts.TryGetValue(session.AccountId, out var configured) && configured.Count > 0)
        {
            // For one user GetUser is the cheaper read; for more, one bulk call usually covers them all.
            var known = configured.Count > 1 ? await ReadUsersInBulkAsync(session, configured, cancellationToken) : null;
            return configured.Select(u => (u, known?.GetValueOrDefault(u))).ToList();
        }

        var filter = ParseTagFilter(config.Discovery.UserTag);
        if (await ReadUsersInBulkAsync(session, wanted: null, cancellationToken) is { } everyone)
        {
            return everyone.Values
                .Where(u => u.Path.StartsWith(config.Discovery.UserPath, StringComparison.Ordinal) && HasTag(u, filter))
                .OrderBy(u => u.UserName, StringComparer.Ordinal)
                .Select(u => (u.UserName, (IamUser?)u))
                .ToList();
        }

        var users = new List<(string, IamUser?)>();
        await foreach (var listed in session.Iam.ListUsersAsync(config.Discovery.UserPath, cancellationToken))
        {
            if (filter is null)
            {
                users.Add((listed.UserName, null));
                continue;
            }

            var user = await session.Iam.GetUserAsync(listed.UserName, cancellationToken);
            if (HasTag(user, filter))
            {
                users.Add((user.UserName, user));
            }
        }

        return users;
    }

    /// <summary>
    /// The account's users with their tags, by IAM name (case-insensitive, as IAM names are), read until every
    /// <paramref name="wanted"/> name is found (null: all). Null when the role may not make the call.
    /// </summary>
    private async Task<Dictionary<string, IamUser>?> ReadUsersInBulkAsync(IAccountSession session, IReadOnlyList<string>? wanted, CancellationToken cancellationToken)
    {
        var users = new Dictionary<string, IamUser>(StringComparer.OrdinalIgnoreCase);
        var missing = wanted?.ToHashSet(StringComparer.OrdinalIgnoreCase);
        try
        {
            await foreach (var user in session.Iam.ListUsersWithTagsAsync(cancellationToken))
            {
                users[user.UserName] = user;
                if (missing is not null && missing.Remove(user.UserName) && missing.Count == 0)
                {
                    break;
                }
            }
        }
        catch (AwsServiceException e) when (e.Kind == AwsErrorKind.AccessDenied)
        {
            // The grant is optional (member module bulk_user_read); without it the sweep costs one GetUser per user.
            LogBulkReadDenied(logger, session.AccountId);
            return null;
        }

        return users;
    }

    private static bool HasTag(IamUser user, (string Key, string? Value)? filter) =>
        filter is null || user.Tags.TryGetValue(filter.Value.Key, out var value) && (filter.Value.Value is null || string.Equals(value, filter.Value.Value, StringComparison.Ordinal));

    /// <summary>
    /// Why a sweep would not cover <paramref name="user"/> of <paramref name="accountId"/> (null: it would): not among
    /// the account's configured users, or (discovered users) outside discovery.userPath or without discovery.userTag.
    /// </summary>
    public string? UserOutsideScope(string accountId, IamUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (config.Accounts.TryGetValue(accountId, out var configured) && configured.Count > 0)
        {
            return configured.Contains(user.UserName, StringComparer.OrdinalIgnoreCase) ? null : $"not among the users configured for account {accountId}";
        }

        if (!user.Path.StartsWith(config.Discovery.UserPath, StringComparison.Ordinal))
        {
            return $"path {user.Path} is outside discovery.userPath {config.Discovery.UserPath}";
        }

        return HasTag(user, ParseTagFilter(config.Discovery.UserTag))
            ? null
            : $"the user lacks the tag discovery.userTag {config.Discovery.UserTag}";
    }

    private static (string Key, string? Value)? ParseTagFilter(string? tag)
    {
        if (string.IsNullOrEmpty(tag))
        {
            return null;
        }

        var equals = tag.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (tag, null) : (tag[..equals], tag[(equals + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{AccountId}: iam:GetAccountAuthorizationDetails is denied, so users are read one by one with GetUser. Grant it (member module bulk_user_read = true) to save one call per user and sweep")]
    private static partial void LogBulkReadDenied(ILogger logger, string accountId);
}
