using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine;

/// <summary>The engine: plans with the pure core and executes through the ports. (Being built: see issue 3.)</summary>
public sealed class RotationService(RotationConfig config, ICentralClients clients, TimeProvider timeProvider, ILogger logger) : IRotationService
{
    private readonly RotationConfig _config = config;
    private readonly ICentralClients _clients = clients;
    private readonly TimeProvider _time = timeProvider;
    private readonly ILogger _logger = logger;

    public Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<SweepResult> ProcessWorkItemAsync(AccountWorkItem item, DateTimeOffset? stopStartingWorkAt, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<RotationStepResult> RunRotationStepAsync(RotationStepRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ActionResult> RestoreAsync(string accountId, string userName, string accessKeyId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<InventoryReport> InventoryAsync(SweepRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();
}
