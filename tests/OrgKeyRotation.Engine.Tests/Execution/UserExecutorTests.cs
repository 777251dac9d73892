using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Execution;

namespace OrgKeyRotation.Engine.Tests.Execution;

public class UserExecutorTests
{
    [Theory]
    [InlineData(PlannedActionKind.Rotate, ActionKind.Rotate)]
    [InlineData(PlannedActionKind.CompleteRotation, ActionKind.CompleteRotation)]
    [InlineData(PlannedActionKind.Deactivate, ActionKind.Deactivate)]
    [InlineData(PlannedActionKind.Delete, ActionKind.Delete)]
    [InlineData(PlannedActionKind.Reactivate, ActionKind.Reactivate)]
    [InlineData(PlannedActionKind.RecordDeactivation, ActionKind.RecordDeactivation)]
    [InlineData(PlannedActionKind.SyncDestinations, ActionKind.SyncDestinations)]
    [InlineData(PlannedActionKind.Skip, ActionKind.Skip)]
    [InlineData(PlannedActionKind.Warn, ActionKind.Warn)]
    [InlineData(PlannedActionKind.Block, ActionKind.Warn)]
    public void Map_EachPlannedKind_IsReportedAsItsResultKind(PlannedActionKind planned, ActionKind reported) =>
        Assert.Equal(reported, UserExecutor.Map(planned));

    [Fact]
    public void Map_EveryPlannedKind_IsCoveredAbove() => Assert.Equal(10, Enum.GetValues<PlannedActionKind>().Length);
}
