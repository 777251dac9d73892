using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Lambda.Tests.TestHelpers;

/// <summary>Records every call; results come from the settable functions (defaults: an empty successful sweep).</summary>
internal sealed class FakeRotationService : IRotationService
{
    public List<string> Calls { get; } = [];

    public List<SweepRequest> SweepRequests { get; } = [];

    public List<(AccountWorkItem Item, DateTimeOffset? StopStartingWorkAt)> WorkItems { get; } = [];

    public Func<SweepRequest, SweepResult> Sweep { get; set; } = request => Results.Sweep(request.SweepId ?? "sweep-1");

    public Func<AccountWorkItem, SweepResult> WorkItem { get; set; } = item => Results.Sweep(item.SweepId);

    public Func<RotationStepRequest, RotationStepResult> RotationStep { get; set; } =
        request => new RotationStepResult(request.Step, request.SecretId, request.ClientRequestToken, Outcome.Succeeded, "done", "AKIAEXAMPLE");

    /// <summary>Runs before each work item, e.g. to move a fake clock.</summary>
    public Action<AccountWorkItem>? BeforeWorkItem { get; set; }

    public Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        Calls.Add(nameof(SweepAsync));
        SweepRequests.Add(request);
        return Task.FromResult(Sweep(request));
    }

    public Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        Calls.Add(nameof(EnqueueSweepAsync));
        SweepRequests.Add(request);
        return Task.FromResult(new EnqueueResult(request.SweepId ?? "sweep-1", 2, ["111111111111", "222222222222"], []));
    }

    /// <summary>Awaited inside each work item, e.g. to hold it in flight until a test lets it go.</summary>
    public Func<AccountWorkItem, Task>? DuringWorkItem { get; set; }

    public async Task<SweepResult> ProcessWorkItemAsync(AccountWorkItem item, DateTimeOffset? stopStartingWorkAt, CancellationToken cancellationToken)
    {
        // The handler runs a batch's work items concurrently.
        lock (Calls)
        {
            Calls.Add(nameof(ProcessWorkItemAsync));
            WorkItems.Add((item, stopStartingWorkAt));
        }

        BeforeWorkItem?.Invoke(item);
        if (DuringWorkItem is { } during)
        {
            await during(item);
        }

        return WorkItem(item);
    }

    public List<DigestWorkItem> Digests { get; } = [];

    public Func<DigestWorkItem, DigestResult> Digest { get; set; } =
        item => new DigestResult(item.SweepId, DigestOutcome.Published, item.Round, item.Accounts.Count, [], Results.Counts());

    public Task<DigestResult> ProcessDigestAsync(DigestWorkItem item, CancellationToken cancellationToken)
    {
        Calls.Add(nameof(ProcessDigestAsync));
        Digests.Add(item);
        return Task.FromResult(Digest(item));
    }

    public Task<RotationStepResult> RunRotationStepAsync(RotationStepRequest request, CancellationToken cancellationToken)
    {
        Calls.Add(nameof(RunRotationStepAsync));
        return Task.FromResult(RotationStep(request));
    }

    public Task<ActionResult> RestoreAsync(string accountId, string userName, string accessKeyId, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The Lambda host never restores keys.");

    public Task<InventoryReport> InventoryAsync(SweepRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The Lambda host never builds an inventory.");

    public Task<ReleaseResult> ReleaseSecretsAsync(IReadOnlyList<string>? accounts, bool apply, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The Lambda host never releases secrets.");
}

internal static class Results
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static SweepCounts Counts(int rotated = 0, int deactivated = 0, int deleted = 0, int warnings = 0, int failed = 0, int notStarted = 0, int blocked = 0) =>
        new(Accounts: 1, Users: 1, rotated, deactivated, deleted, Reactivated: 0, warnings, failed, notStarted, blocked);

    public static SweepResult Sweep(string sweepId, SweepCounts? counts = null, IReadOnlyList<string>? notStarted = null, IReadOnlyList<AccountResult>? accounts = null) =>
        new(sweepId, false, Start, Start.AddSeconds(5), counts ?? Counts(), accounts ?? [], notStarted ?? []);
}
