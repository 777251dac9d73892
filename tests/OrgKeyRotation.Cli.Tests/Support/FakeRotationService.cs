using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Tests.Support;

/// <summary>A hand-written engine: returns canned results, records what it was asked, or throws what a test sets.</summary>
internal sealed class FakeRotationService : IRotationService
{
    public List<string> Calls { get; } = [];

    public SweepRequest? LastSweep { get; private set; }

    public (string Account, string User, string Key)? LastRestore { get; private set; }

    public RotationStepRequest? LastStep { get; private set; }

    public (IReadOnlyList<string>? Accounts, bool Apply)? LastRelease { get; private set; }

    public SweepResult SweepResult { get; set; } = Samples.Sweep(dryRun: true);

    public InventoryReport Inventory { get; set; } = Samples.Inventory();

    public ActionResult RestoreResult { get; set; } = new(ActionKind.Reactivate, Outcome.Succeeded, "reactivated", Samples.OldKey);

    public ReleaseResult Release { get; set; } = new(false, [], []);

    public Exception? Throw { get; set; }

    /// <summary>When set, SweepAsync waits on it (to test cancellation).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        Record(nameof(SweepAsync));
        LastSweep = request;
        if (Gate is not null)
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }

        foreach (var account in SweepResult.Accounts)
        {
            request.Progress?.Report(account);
        }

        return SweepResult with { DryRun = request.DryRun ?? false };
    }

    public Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken) => throw new NotSupportedException("the CLI never fans out");

    public Task<SweepResult> ProcessWorkItemAsync(AccountWorkItem item, DateTimeOffset? stopStartingWorkAt, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the CLI never processes work items");

    public Task<DigestResult> ProcessDigestAsync(DigestWorkItem item, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the CLI never processes digest items");

    public Task<RotationStepResult> RunRotationStepAsync(RotationStepRequest request, CancellationToken cancellationToken)
    {
        Record(nameof(RunRotationStepAsync));
        LastStep = request;
        return Task.FromResult(new RotationStepResult(request.Step, request.SecretId, request.ClientRequestToken, Outcome.Succeeded, "step done", Samples.NewKey));
    }

    public Task<ActionResult> RestoreAsync(string accountId, string userName, string accessKeyId, CancellationToken cancellationToken)
    {
        Record(nameof(RestoreAsync));
        LastRestore = (accountId, userName, accessKeyId);
        return Task.FromResult(RestoreResult);
    }

    public Task<InventoryReport> InventoryAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        Record(nameof(InventoryAsync));
        LastSweep = request;
        return Task.FromResult(Inventory);
    }

    public Task<ReleaseResult> ReleaseSecretsAsync(IReadOnlyList<string>? accounts, bool apply, CancellationToken cancellationToken)
    {
        Record(nameof(ReleaseSecretsAsync));
        LastRelease = (accounts, apply);
        return Task.FromResult(Release with { Applied = apply });
    }

    private void Record(string call)
    {
        Calls.Add(call);
        if (Throw is not null)
        {
            throw Throw;
        }
    }
}
