using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Destinations;
using OrgKeyRotation.Engine.Execution;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.Targets;

namespace OrgKeyRotation.Engine.SecretsManagerRotation;

/// <summary>
/// The Secrets Manager rotation protocol (createSecret, setSecret, testSecret, finishSecret) on the same lifecycle
/// and the same records as a sweep, so a secret's own rotation schedule can drive rotation. Each step is idempotent
/// for its token, and covers only users a sweep would cover (account scope, exclusions, configured users).
/// Secrets Manager creates the token's AWSPENDING version, without a value, before it invokes createSecret; and when
/// RotateSecret turns a schedule on without rotating, it runs testSecret alone on such a version. So a version
/// without a value is "not created yet" for createSecret, "nothing to test" for testSecret, and never promoted.
/// A rotation ends when AWSPENDING is on AWSCURRENT's version or on none; while it stays on another version, Secrets
/// Manager refuses every later RotateSecret (API_RotateSecret). So a rotation that needs no key (the schedule came
/// due while the sweep's plan has nothing to rotate) ends with finishSecret taking AWSPENDING off the empty version,
/// and a createSecret that fails takes it off at once.
/// </summary>
internal sealed partial class RotationProtocol(
    RotationConfig config,
    ICentralClients clients,
    FactsCollector facts,
    TargetResolver targets,
    KeyStager stager,
    KeyPromoter promoter,
    Func<KeyVerifier> verifier,
    Func<AlertPublisher, UserExecutor> executor,
    Func<DestinationWriter> destinations,
    TimeProvider time,
    ILogger logger)
{
    public async Task<RotationStepResult> RunAsync(RotationStepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var step = RotationSteps.Parse(request.Step);
        if (string.IsNullOrWhiteSpace(request.SecretId) || string.IsNullOrWhiteSpace(request.ClientRequestToken) || request.ClientRequestToken.Length is < 32 or > 64)
        {
            throw new BadRequestException("a rotation step needs SecretId and a ClientRequestToken of 32-64 characters");
        }

        var sweepId = $"rotation-{request.ClientRequestToken}";
        await using var alerts = new AlertPublisher(clients.Sns, config.Alerts.SnsTopicArn, time, logger);
        RotationStepResult result;
        try
        {
            var target = await LocateSecretAsync(request.SecretId, sweepId, cancellationToken);
            var run = new StepRun(request, target, sweepId, alerts);
            result = step switch
            {
                RotationStep.CreateSecret => await CreateSecretAsync(run, cancellationToken),
                RotationStep.SetSecret => SetSecret(run),
                RotationStep.TestSecret => await TestSecretAsync(run, cancellationToken),
                RotationStep.FinishSecret => await FinishSecretAsync(run, cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(request), step, "not a rotation step"),
            };
        }
        catch (Exception ex) when (ex is AwsException or RotationStepException)
        {
            result = Result(request, Outcome.Failed, ex.Message, null);
        }

        if (result.Outcome == Outcome.Failed)
        {
            alerts.Add(Alert.AboutSweep(AlertEvent.Failed, sweepId, $"rotation step {request.Step} failed", $"Secret {request.SecretId}: {result.Message}") with { AccessKeyId = result.AccessKeyId });
        }

        LogStep(logger, result.Outcome == Outcome.Failed ? LogLevel.Error : LogLevel.Information, request.Step, request.SecretId, request.ClientRequestToken, result.Outcome, result.Message);
        await alerts.FlushAsync(cancellationToken);
        return result;
    }

    private async Task<RotationStepResult> CreateSecretAsync(StepRun run, CancellationToken cancellationToken)
    {
        var (session, description, _) = run.Target;
        if (run.Stages is not null)
        {
            if (run.Has(SecretStages.Current))
            {
                return run.Done(Outcome.Succeeded, "this version is AWSCURRENT already", null);
            }

            if (!run.Has(SecretStages.Pending))
            {
                return run.Done(Outcome.Failed, "a version with this token exists but is neither AWSPENDING nor AWSCURRENT", null);
            }

            // Secrets Manager made this version empty; a retry of this step finds our key in it.
            var existing = await session.Secrets.GetSecretValueAsync(description.Arn, run.Token, null, cancellationToken);
            if (existing is not null)
            {
                var stored = ManagedSecret.Parse(existing.SecretString);
                return stored is null
                    ? run.Done(Outcome.Failed, "the AWSPENDING version for this token holds a value OrgKeyRotation did not write; it is left as it is", null)
                    : run.Done(Outcome.Succeeded, $"the version for this token holds key {stored.AccessKeyId} already", stored.AccessKeyId);
            }
        }

        RotationStepResult result;
        try
        {
            result = await CreateKeyAsync(run, cancellationToken);
        }
        catch (Exception ex) when (ex is AwsException or RotationStepException { NeedsPerson: false })
        {
            await ReleasePendingAsync(run, cancellationToken);
            throw;
        }

        if (result.Outcome == Outcome.Failed)
        {
            await ReleasePendingAsync(run, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// createSecret's work on a token without a key yet: plan the user as a sweep would (the configured policy), and
    /// rotate only when that plan rotates. A plan without a rotation and without a block (the key is not due, or the
    /// rotator's own windows hold the slot: a sweep rotated recently) needs no key: nothing is created, and
    /// finishSecret ends the rotation without one.
    /// </summary>
    private async Task<RotationStepResult> CreateKeyAsync(StepRun run, CancellationToken cancellationToken)
    {
        var (session, description, userName) = run.Target;
        var account = await facts.OpenAccountAsync(session, cancellationToken);
        var snapshot = await facts.CollectAsync(account, userName, lastUseOfEveryKey: false, knownUser: null, cancellationToken);
        if (targets.UserOutsideScope(session.AccountId, snapshot.User) is { } outside)
        {
            throw new BadRequestException($"secret {description.Name} belongs to {session.AccountId}/{userName}, which a sweep does not cover ({outside}): the rotation step is refused");
        }

        var plan = Planner.Plan(snapshot.Facts, config.Policy, time.GetUtcNow());
        if (plan.Actions.FirstOrDefault(a => a.Kind == PlannedActionKind.Rotate) is not { } rotate)
        {
            return plan.Actions.FirstOrDefault(a => a.Kind == PlannedActionKind.Block) is { } block
                ? run.Done(Outcome.Failed, $"cannot create a new key now: {block.Reason}", null)
                : run.Done(Outcome.Succeeded, $"no new key is needed now ({string.Join("; ", plan.Actions.Select(a => a.Reason))}): nothing is created, and finishSecret ends this rotation without one", null);
        }

        var freeing = plan.Actions.TakeWhile(a => a.Kind == PlannedActionKind.Delete).ToList();
        if (freeing.Count > 0)
        {
            var results = await executor(run.Alerts).ExecuteAsync(session, snapshot, plan with { Actions = freeing }, run.SweepId, cancellationToken);
            if (results.FirstOrDefault(r => r.Outcome is Outcome.Failed or Outcome.Blocked) is { } failed)
            {
                return run.Done(Outcome.Failed, "freeing a key slot failed: " + failed.Error, null);
            }
        }

        // Freeing a slot checked the secret's ownership before its first deletion: not read twice.
        var key = await stager.CreateAndStageAsync(session, snapshot, description, run.Token, rotate.AccessKeyId, ownershipVerified: freeing.Count > 0, cancellationToken);
        // IAM refused a third key: a sweep created the user's new key since the step looked, and it hands that key over
        // itself. This rotation then needs no key, as when the plan has none to make.
        return key is null
            ? run.Done(Outcome.Succeeded, "no new key is needed now: another rotation created one for this user since the step looked, and it completes that rotation; nothing is created, and finishSecret ends this rotation without one", null)
            : run.Done(Outcome.Succeeded, $"new key {key.AccessKeyId} staged as AWSPENDING", key.AccessKeyId);
    }

    /// <summary>
    /// A createSecret that failed leaves no rotation in progress: AWSPENDING comes off the token's version while it
    /// holds no key (AWS: remove AWSPENDING from a version a rotation left, or it "can block you from starting future
    /// rotations", CancelRotateSecret). Best effort: a sweep takes off what this leaves.
    /// </summary>
    private async Task ReleasePendingAsync(StepRun run, CancellationToken cancellationToken)
    {
        var (session, description, _) = run.Target;
        if (!run.Has(SecretStages.Pending))
        {
            return;
        }

        try
        {
            if (await session.Secrets.GetSecretValueAsync(description.Arn, run.Token, null, cancellationToken) is null)
            {
                await session.Secrets.UpdateSecretVersionStageAsync(description.Arn, SecretStages.Pending, moveToVersionId: null, removeFromVersionId: run.Token, cancellationToken);
            }
        }
        catch (AwsException ex)
        {
            LogPendingNotReleased(logger, description.Name, run.Token, ex.Message);
        }
    }

    /// <summary>IAM holds the key since createSecret: there is nothing further to set.</summary>
    private static RotationStepResult SetSecret(StepRun run) =>
        run.Stages is null || !run.Has(SecretStages.Pending) && !run.Has(SecretStages.Current)
            ? run.Done(Outcome.Failed, "no AWSPENDING version for this token: run createSecret first", null)
            : run.Done(Outcome.Succeeded, "nothing to set: the key exists in IAM", null);

    private async Task<RotationStepResult> TestSecretAsync(StepRun run, CancellationToken cancellationToken)
    {
        var (session, description, userName) = run.Target;
        if (run.Stages is null || !run.Has(SecretStages.Pending) && !run.Has(SecretStages.Current))
        {
            return run.Done(Outcome.Failed, "no AWSPENDING version for this token: run createSecret first", null);
        }

        var value = await session.Secrets.GetSecretValueAsync(description.Arn, run.Token, null, cancellationToken);
        if (value is null)
        {
            // RotateSecret's check of a new schedule: Secrets Manager's own empty version, no key to verify.
            return run.Done(Outcome.Succeeded, "the version for this token holds no key (Secrets Manager's test of the rotation schedule): nothing to verify, nothing changed", null);
        }

        var key = ManagedSecret.Parse(value.SecretString);
        if (key is null)
        {
            return run.Done(Outcome.Failed, "the version for this token does not hold an access key written by OrgKeyRotation", null);
        }

        var verification = await verifier().VerifyAsync(session.AccountId, userName, key, verifyUntil: null, cancellationToken);
        return verification.Outcome == VerificationOutcome.Verified
            ? run.Done(Outcome.Succeeded, $"key {key.AccessKeyId} authenticates as {userName}", key.AccessKeyId)
            : run.Done(Outcome.Failed, verification.Problem!, key.AccessKeyId);
    }

    private async Task<RotationStepResult> FinishSecretAsync(StepRun run, CancellationToken cancellationToken)
    {
        var (session, description, userName) = run.Target;
        if (run.Has(SecretStages.Current))
        {
            return run.Done(Outcome.Succeeded, "this version is AWSCURRENT already", null);
        }

        if (!run.Has(SecretStages.Pending))
        {
            return run.Done(Outcome.Failed, "no AWSPENDING version for this token: nothing to finish", null);
        }

        // Only a version that holds a key of ours is promoted: never an empty one, so consumers always find a key.
        var value = await session.Secrets.GetSecretValueAsync(description.Arn, run.Token, null, cancellationToken);
        if (value is null)
        {
            // createSecret found no key needed: the rotation ends without one, AWSPENDING off the empty version.
            await session.Secrets.UpdateSecretVersionStageAsync(description.Arn, SecretStages.Pending, moveToVersionId: null, removeFromVersionId: run.Token, cancellationToken);
            return run.Done(Outcome.Succeeded, "no new key was needed: AWSCURRENT is unchanged, and AWSPENDING is taken off this token's empty version so that the rotation ends", null);
        }

        if (ManagedSecret.Parse(value.SecretString) is not { } key)
        {
            return run.Done(Outcome.Failed, "the AWSPENDING version for this token holds no access key written by OrgKeyRotation: nothing is promoted", null);
        }

        // Labels and a key-shaped value can be forged on a secret someone else created: like every step that writes the
        // rotator's records, this one first checks that the secret carries exactly the rotator's resource policy.
        var user = await session.Iam.GetUserAsync(userName, cancellationToken);
        try
        {
            await KeyStager.EnsureRecordsAreOursAsync(session, description.Arn, description.Name, user.Arn, "Nothing is promoted", cancellationToken);
        }
        catch (RotationStepException ex)
        {
            return run.Done(Outcome.Failed, ex.Message, key.AccessKeyId);
        }

        var current = description.VersionWithStage(SecretStages.Current);
        var replaced = current is null ? null : await KeyStager.ReadKeyAsync(session, description.Arn, current, cancellationToken);
        var promotion = new Promotion(run.SweepId, session.AccountId, userName, user.Tags, description.Name, new StagedKey(key, description.Arn, run.Token, current), replaced?.AccessKeyId,
            ReplacedKeyDeactivatedRightAfter: false, LaterRun: true, $"Secrets Manager's rotation of the secret finished (version {run.Token}).",
            UserDestinations.Of(config.Destinations.For(session.AccountId, userName), description));
        var held = await promoter.PromoteAsync(session, promotion, run.Alerts, destinations(), cancellationToken);
        // The promotion stands, so the step succeeded; a destination that failed has its own alert, and the next sweep writes it.
        var stale = held.NotHolding(key.AccessKeyId);
        return run.Done(Outcome.Succeeded, $"key {key.AccessKeyId} is AWSCURRENT{(stale.Count == 0 ? "" : $"; {string.Join(", ", stale.Select(d => d.Name))} could not be written, and the next sweep writes them again")}", key.AccessKeyId);
    }

    /// <summary>
    /// Finds the secret, the member account and the user it belongs to; checks it carries the product's labels and
    /// that a sweep covers its account and user, before any session into the account is opened.
    /// </summary>
    private async Task<StepTarget> LocateSecretAsync(string secretId, string sweepId, CancellationToken cancellationToken)
    {
        SecretDescription? description;
        string accountId;
        if (config.Secrets.Location == SecretLocation.Central)
        {
            description = await clients.Secrets.DescribeSecretAsync(secretId, cancellationToken);
            var account = description is not null && description.Tags.TryGetValue(ManagedSecret.AccountTag, out var a) ? a : null;
            if (description is null || account is null || !AwsIdentifiers.IsAccountId(account))
            {
                throw new BadRequestException($"secret {secretId} is not a secret managed by OrgKeyRotation in the central account");
            }

            accountId = account;
        }
        else
        {
            accountId = AccountOfArn(secretId)
                ?? throw new BadRequestException($"SecretId must be the secret's ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) so the member account is known; got '{secretId}'");
            description = null;
        }

        await CheckAccountInScopeAsync(accountId, cancellationToken);
        var session = await clients.Accounts.OpenAsync(accountId, sweepId, cancellationToken);
        description ??= await session.Secrets.DescribeSecretAsync(secretId, cancellationToken)
            ?? throw new BadRequestException($"secret {secretId} does not exist");

        if (!ManagedSecret.IsManaged(description) || !description.Tags.TryGetValue(ManagedSecret.UserTag, out var userName))
        {
            throw new BadRequestException($"secret {secretId} was not created by OrgKeyRotation (no {ManagedSecret.ManagedTag} and {ManagedSecret.UserTag} tags): it is not rotated");
        }

        if (config.Accounts.TryGetValue(accountId, out var users) && users.Count > 0 && !users.Contains(userName, StringComparer.OrdinalIgnoreCase))
        {
            throw new BadRequestException($"secret {secretId} belongs to user {userName}, which is not among the users configured for account {accountId}: the rotation step is refused");
        }

        return new StepTarget(session, description, userName);
    }

    /// <summary>The account must be one a sweep covers (configured or discovered, not excluded).</summary>
    private async Task CheckAccountInScopeAsync(string accountId, CancellationToken cancellationToken)
    {
        try
        {
            await targets.ResolveAccountsAsync([accountId], cancellationToken);
        }
        catch (BadRequestException ex)
        {
            throw new BadRequestException($"the secret's account {accountId} is outside the rotation's scope, so its rotation step is refused: {ex.Message}");
        }
    }

    private static string? AccountOfArn(string secretId)
    {
        var parts = secretId.Split(':');
        return parts.Length >= 7 && parts[0] == "arn" && parts[2] == "secretsmanager" && AwsIdentifiers.IsAccountId(parts[4]) ? parts[4] : null;
    }

    private static RotationStepResult Result(RotationStepRequest request, Outcome outcome, string message, string? accessKeyId) =>
        new(request.Step, request.SecretId, request.ClientRequestToken, outcome, message, accessKeyId);

    private sealed record StepTarget(IAccountSession Session, SecretDescription Description, string UserName);

    /// <summary>One step's request, the secret it acts on, and the stages of the token's version (null: no such version).</summary>
    private sealed class StepRun(RotationStepRequest request, StepTarget target, string sweepId, AlertPublisher alerts)
    {
        public StepTarget Target { get; } = target;

        public string Token => request.ClientRequestToken;

        public string SweepId { get; } = sweepId;

        public AlertPublisher Alerts { get; } = alerts;

        public IReadOnlyList<string>? Stages { get; } = target.Description.VersionIdsToStages.TryGetValue(request.ClientRequestToken, out var stages) ? stages : null;

        public bool Has(string stage) => Stages?.Contains(stage, StringComparer.Ordinal) == true;

        public RotationStepResult Done(Outcome outcome, string message, string? accessKeyId) => Result(request, outcome, message, accessKeyId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AWSPENDING could not be taken off the empty version {Token} of {SecretName} after a failed createSecret ({Error}); the next sweep takes it off")]
    private static partial void LogPendingNotReleased(ILogger logger, string secretName, string token, string error);

    [LoggerMessage(Message = "Rotation step {Step} for {SecretId} (token {Token}): {Outcome}: {Message}")]
    private static partial void LogStep(ILogger logger, LogLevel level, string step, string secretId, string token, Outcome outcome, string message);
}
