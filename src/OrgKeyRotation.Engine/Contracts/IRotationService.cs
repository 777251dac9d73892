namespace OrgKeyRotation.Engine.Contracts;

/// <summary>The engine as the hosts (Lambda, CLI) see it.</summary>
public interface IRotationService
{
    /// <summary>Plans and (unless dry run) executes the lifecycle for every user in scope, in this process.</summary>
    Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken);

    /// <summary>Fan-out: enumerates the accounts in scope and sends one work item per account to the work queue, then the delayed digest item.</summary>
    Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken);

    /// <summary>Fan-out worker: sweeps the one account of a work item and reports it to the results queue.</summary>
    Task<SweepResult> ProcessWorkItemAsync(AccountWorkItem item, DateTimeOffset? stopStartingWorkAt, CancellationToken cancellationToken);

    /// <summary>Fan-out: gathers a sweep's account reports and publishes its digest, or sends the item again (delayed) while accounts are missing.</summary>
    Task<DigestResult> ProcessDigestAsync(DigestWorkItem item, CancellationToken cancellationToken);

    /// <summary>One step of the Secrets Manager rotation protocol on a managed secret.</summary>
    Task<RotationStepResult> RunRotationStepAsync(RotationStepRequest request, CancellationToken cancellationToken);

    /// <summary>Emergency restore: sets an inactive key of a user Active again, with an alert.</summary>
    Task<ActionResult> RestoreAsync(string accountId, string userName, string accessKeyId, CancellationToken cancellationToken);

    /// <summary>Read-only inventory of every user and key in scope, for compliance reports.</summary>
    Task<InventoryReport> InventoryAsync(SweepRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The first step of removing OrgKeyRotation: lists the hand-over secrets in scope and, with <paramref name="apply"/>, releases those
    /// whose resource policy is the rotator's (the user keeps reading its key; the rotator's denials go).
    /// </summary>
    Task<ReleaseResult> ReleaseSecretsAsync(IReadOnlyList<string>? accounts, bool apply, CancellationToken cancellationToken);
}
