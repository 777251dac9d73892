using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.Targets;

namespace OrgKeyRotation.Engine.Uninstall;

/// <summary>
/// The first step of removing OrgKeyRotation (docs/deploy.md, "Removing OrgKeyRotation"): every hand-over secret in scope
/// whose resource policy is the rotator's gets <see cref="ManagedSecret.ReleasedPolicy"/> instead, so that its user
/// still reads its key and the account's administrators may delete or manage it. While the rotator's policy is on, it
/// denies every change to everyone but the rotator's role (matched by its ARN, aws:PrincipalArn): once that role is
/// removed, nobody could change or delete the secret until a role of that name and path exists again. A released
/// secret is no longer the rotator's, so a sweep that still runs refuses to write it or act on its records. Access keys are
/// never touched.
/// </summary>
internal sealed partial class SecretRelease(RotationConfig config, ICentralClients clients, TargetResolver targets, ILogger logger)
{
    public async Task<ReleaseResult> RunAsync(IReadOnlyList<string>? accounts, bool apply, string sessionName, CancellationToken cancellationToken)
    {
        var inScope = await targets.ResolveAccountsAsync(accounts, cancellationToken);
        var secrets = new ConcurrentBag<ReleasedSecret>();
        var failed = new ConcurrentBag<AccountResult>();
        await Parallel.ForEachAsync(inScope, new ParallelOptions { MaxDegreeOfParallelism = config.Concurrency.Accounts, CancellationToken = cancellationToken }, async (accountId, ct) =>
        {
            try
            {
                var session = await clients.Accounts.OpenAsync(accountId, sessionName, ct);
                await foreach (var secret in session.Secrets.ListSecretsAsync(config.Secrets.NamePrefix(accountId), ct))
                {
                    if (ManagedSecret.IsManaged(secret) && secret.DeletedDate is null && InAccount(secret, accountId))
                    {
                        secrets.Add(await ReleaseAsync(session, accountId, secret.Arn, secret.Name, secret.Tags.GetValueOrDefault(ManagedSecret.UserTag), apply, ct));
                    }
                }
            }
            catch (AwsException ex)
            {
                failed.Add(new AccountResult(accountId, Outcome.Failed, ex.Message, []));
            }
        });

        return new ReleaseResult(
            apply,
            secrets.OrderBy(s => s.AccountId, StringComparer.Ordinal).ThenBy(s => s.SecretName, StringComparer.Ordinal).ToList(),
            failed.OrderBy(f => f.AccountId, StringComparer.Ordinal).ToList());
    }

    /// <summary>Central secrets of all accounts share one listing prefix; each names its account in a tag.</summary>
    private static bool InAccount(Core.Model.SecretDescription secret, string accountId) =>
        !secret.Tags.TryGetValue(ManagedSecret.AccountTag, out var account) || account == accountId;

    private async Task<ReleasedSecret> ReleaseAsync(IAccountSession session, string accountId, string arn, string name, string? userName, bool apply, CancellationToken cancellationToken)
    {
        ReleasedSecret Result(Outcome outcome, string reason) => new(accountId, userName, name, arn, outcome, reason);
        try
        {
            var policy = await session.Secrets.GetResourcePolicyAsync(arn, cancellationToken);
            if (ManagedSecret.OwnerIn(policy) is not { } userArn || !ManagedSecret.IsRotatorPolicy(policy, userArn, session.PrincipalArn))
            {
                return Result(Outcome.Skipped, $"its resource policy is not the one the rotator ({session.PrincipalArn}) sets: released already, or not the rotator's; left as it is");
            }

            if (!apply)
            {
                return Result(Outcome.Planned, $"would drop the rotator's denial of changes; {userArn} keeps reading its key");
            }

            await session.Secrets.PutResourcePolicyAsync(arn, ManagedSecret.ReleasedPolicy(userArn), cancellationToken);
            LogReleased(logger, name, userArn);
            return Result(Outcome.Succeeded, $"released: {userArn} still reads its key; the account's identity policies govern every change, deletion included");
        }
        catch (AwsException ex)
        {
            return Result(Outcome.Failed, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret {SecretName} released: {UserArn} still reads it; the rotator's denial of changes is gone")]
    private static partial void LogReleased(ILogger logger, string secretName, string userArn);
}
