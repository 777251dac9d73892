using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Execution;
using OrgKeyRotation.Engine.Secrets;

namespace OrgKeyRotation.Engine;

/// <summary>
/// The Secrets Manager rotation protocol (createSecret, setSecret, testSecret, finishSecret) on the same lifecycle,
/// so a secret's own rotation schedule can drive rotation. Each step is idempotent for its token.
/// </summary>
public sealed partial class RotationService
{
    public static readonly IReadOnlyList<string> RotationSteps = ["createSecret", "setSecret", "testSecret", "finishSecret"];

    public async Task<RotationStepResult> RunRotationStepAsync(RotationStepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RotationSteps.Contains(request.Step, StringComparer.Ordinal))
        {
            throw new BadRequestException($"unknown rotation step '{request.Step}': expected one of {string.Join(", ", RotationSteps)}");
        }

        if (string.IsNullOrWhiteSpace(request.SecretId) || string.IsNullOrWhiteSpace(request.ClientRequestToken) || request.ClientRequestToken.Length is < 32 or > 64)
        {
            throw new BadRequestException("a rotation step needs SecretId and a ClientRequestToken of 32-64 characters");
        }

        var sweepId = $"rotation-{request.ClientRequestToken}";
        var alerts = new AlertPublisher(_clients.Sns, _config.Alerts.SnsTopicArn, _logger);
        RotationStepResult result;
        try
        {
            result = await RunStepAsync(request, sweepId, alerts, cancellationToken);
        }
        catch (Exception ex) when (ex is AwsServiceException or AwsTransportException or AmbiguousOutcomeException or RotationStepException)
        {
            result = Step(request, Outcome.Failed, ex.Message, null);
        }

        if (result.Outcome == Outcome.Failed)
        {
            alerts.Add(new Alert(AlertEvent.Failed, sweepId, null, null, result.AccessKeyId, null, $"rotation step {request.Step} failed", $"Secret {request.SecretId}: {result.Message}"));
        }

        _logger.Log(result.Outcome == Outcome.Failed ? LogLevel.Error : LogLevel.Information, "Rotation step {Step} for {SecretId} (token {Token}): {Outcome}: {Message}", request.Step, request.SecretId, request.ClientRequestToken, result.Outcome, result.Message);
        await alerts.FlushAsync(cancellationToken);
        return result;
    }

    private async Task<RotationStepResult> RunStepAsync(RotationStepRequest request, string sweepId, AlertPublisher alerts, CancellationToken cancellationToken)
    {
        var (session, description, userName) = await LocateSecretAsync(request.SecretId, sweepId, cancellationToken);
        var token = request.ClientRequestToken;
        var stages = description.VersionIdsToStages.TryGetValue(token, out var s) ? s : null;
        bool Has(string stage) => stages?.Contains(stage, StringComparer.Ordinal) == true;

        switch (request.Step)
        {
            case "createSecret":
            {
                if (stages is not null)
                {
                    return Has(SecretStages.Pending) || Has(SecretStages.Current)
                        ? Step(request, Outcome.Succeeded, "the version for this token exists already", null)
                        : Step(request, Outcome.Failed, "a version with this token exists but is neither AWSPENDING nor AWSCURRENT", null);
                }

                var account = await _facts.OpenAccountAsync(session, cancellationToken);
                var snapshot = await _facts.CollectAsync(account, userName, lastUseOfEveryKey: false, knownUser: null, cancellationToken);
                // A rotation requested by Secrets Manager is due now, whatever the key's age.
                var plan = Planner.Plan(snapshot.Facts, _config.Policy with { MaxKeyAgeDays = 0 }, _time.GetUtcNow());
                if (!plan.Actions.Any(a => a.Kind == PlannedActionKind.Rotate))
                {
                    // The reason the rotation cannot go ahead: a block, else the last wait (the one about the current key).
                    var why = (plan.Actions.FirstOrDefault(a => a.Kind == PlannedActionKind.Block) ?? plan.Actions.LastOrDefault(a => a.Kind == PlannedActionKind.Skip) ?? plan.Actions.FirstOrDefault())?.Reason ?? "no rotation possible";
                    return Step(request, Outcome.Failed, $"cannot create a new key now: {why}", null);
                }

                var executor = Executor(alerts);
                var freeing = plan.Actions.TakeWhile(a => a.Kind == PlannedActionKind.Delete).ToList();
                if (freeing.Count > 0)
                {
                    var results = await executor.ExecuteAsync(session, snapshot, plan with { Actions = freeing }, sweepId, cancellationToken);
                    if (results.Any(r => r.Outcome == Outcome.Failed))
                    {
                        return Step(request, Outcome.Failed, "freeing a key slot failed: " + results.First(r => r.Outcome == Outcome.Failed).Error, null);
                    }
                }

                var key = await _stager.CreateAndStageAsync(session, snapshot, description.Arn, token, cancellationToken);
                return Step(request, Outcome.Succeeded, $"new key {key.AccessKeyId} staged as AWSPENDING", key.AccessKeyId);
            }

            case "setSecret":
                // IAM holds the key since createSecret: there is nothing further to set.
                return stages is null || !Has(SecretStages.Pending) && !Has(SecretStages.Current)
                    ? Step(request, Outcome.Failed, "no AWSPENDING version for this token: run createSecret first", null)
                    : Step(request, Outcome.Succeeded, "nothing to set: the key exists in IAM", null);

            case "testSecret":
            {
                if (stages is null || !Has(SecretStages.Pending) && !Has(SecretStages.Current))
                {
                    return Step(request, Outcome.Failed, "no AWSPENDING version for this token: run createSecret first", null);
                }

                var value = await session.Secrets.GetSecretValueAsync(description.Arn, token, null, cancellationToken);
                var key = value is null ? null : ManagedSecret.Parse(value.SecretString);
                if (key is null)
                {
                    return Step(request, Outcome.Failed, "the version for this token does not hold an access key written by OrgKeyRotation", null);
                }

                var verification = await Verifier().VerifyAsync(session.AccountId, userName, key, verifyUntil: null, cancellationToken);
                return verification.Outcome == VerificationOutcome.Verified
                    ? Step(request, Outcome.Succeeded, $"key {key.AccessKeyId} authenticates as {userName}", key.AccessKeyId)
                    : Step(request, Outcome.Failed, verification.Problem!, key.AccessKeyId);
            }

            default: // finishSecret
            {
                if (Has(SecretStages.Current))
                {
                    return Step(request, Outcome.Succeeded, "this version is AWSCURRENT already", null);
                }

                if (!Has(SecretStages.Pending))
                {
                    return Step(request, Outcome.Failed, "no AWSPENDING version for this token: nothing to finish", null);
                }

                var current = description.VersionWithStage(SecretStages.Current);
                try
                {
                    await session.Secrets.UpdateSecretVersionStageAsync(description.Arn, SecretStages.Current, token, current, cancellationToken);
                }
                catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.InvalidRequest)
                {
                    // A retry after a lost response finds AWSCURRENT moved already: done if it moved to this token.
                    var now = await session.Secrets.DescribeSecretAsync(description.Arn, cancellationToken);
                    if (now?.VersionWithStage(SecretStages.Current) != token)
                    {
                        throw;
                    }
                }

                alerts.Add(new Alert(AlertEvent.Rotated, sweepId, session.AccountId, userName, null, null, $"key rotated for {session.AccountId}/{userName}", $"Secrets Manager rotation of {description.Name} finished: version {token} is AWSCURRENT."));
                return Step(request, Outcome.Succeeded, "the new version is AWSCURRENT", null);
            }
        }
    }

    /// <summary>Finds the secret, the member account and the user it belongs to, and checks it is one of ours.</summary>
    private async Task<(IAccountSession Session, SecretDescription Description, string UserName)> LocateSecretAsync(string secretId, string sweepId, CancellationToken cancellationToken)
    {
        IAccountSession session;
        SecretDescription? description;
        if (_config.Secrets.Location == SecretLocation.Central)
        {
            description = await _clients.Secrets.DescribeSecretAsync(secretId, cancellationToken);
            var account = description is not null && description.Tags.TryGetValue(ManagedSecret.AccountTag, out var a) ? a : null;
            if (description is null || account is null)
            {
                throw new BadRequestException($"secret {secretId} is not a secret managed by OrgKeyRotation in the central account");
            }

            session = await _clients.Accounts.OpenAsync(account, sweepId, cancellationToken);
        }
        else
        {
            var account = AccountOfArn(secretId)
                ?? throw new BadRequestException($"SecretId must be the secret's ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) so the member account is known; got '{secretId}'");
            session = await _clients.Accounts.OpenAsync(account, sweepId, cancellationToken);
            description = await session.Secrets.DescribeSecretAsync(secretId, cancellationToken)
                ?? throw new BadRequestException($"secret {secretId} does not exist");
        }

        if (!ManagedSecret.IsManaged(description) || !description.Tags.TryGetValue(ManagedSecret.UserTag, out var userName))
        {
            throw new BadRequestException($"secret {secretId} was not created by OrgKeyRotation (no {ManagedSecret.ManagedTag} and {ManagedSecret.UserTag} tags): it is not rotated");
        }

        return (session, description, userName);
    }

    private static string? AccountOfArn(string secretId)
    {
        var parts = secretId.Split(':');
        return parts.Length >= 7 && parts[0] == "arn" && parts[2] == "secretsmanager" && AwsIdentifiers.IsAccountId(parts[4]) ? parts[4] : null;
    }

    private static RotationStepResult Step(RotationStepRequest request, Outcome outcome, string message, string? accessKeyId) =>
        new(request.Step, request.SecretId, request.ClientRequestToken, outcome, message, accessKeyId);
}
