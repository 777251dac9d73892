using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Engine.Tests.Reliability;

// One class per step: each has its own moto server, so the steps run in parallel.

[Trait("Category", "Integration")]
public class FirstRotationFaultTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    public static TheoryData<string, FaultKind> Cases => FaultMatrix.Cases(MatrixStep.FirstRotation);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task FirstRotation_FaultAtCall_KeepsInvariantsAndConverges(string call, FaultKind fault) =>
        FaultMatrix.RunCellAsync(moto.Server, MatrixStep.FirstRotation, call, fault);
}

[Trait("Category", "Integration")]
public class DeactivateFaultTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    public static TheoryData<string, FaultKind> Cases => FaultMatrix.Cases(MatrixStep.Deactivate);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Deactivate_FaultAtCall_KeepsInvariantsAndConverges(string call, FaultKind fault) =>
        FaultMatrix.RunCellAsync(moto.Server, MatrixStep.Deactivate, call, fault);
}

[Trait("Category", "Integration")]
public class DeleteFaultTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    public static TheoryData<string, FaultKind> Cases => FaultMatrix.Cases(MatrixStep.Delete);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Delete_FaultAtCall_KeepsInvariantsAndConverges(string call, FaultKind fault) =>
        FaultMatrix.RunCellAsync(moto.Server, MatrixStep.Delete, call, fault);
}

[Trait("Category", "Integration")]
public class CreateSecretFaultTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    public static TheoryData<string, FaultKind> Cases => FaultMatrix.Cases(MatrixStep.CreateSecret);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task CreateSecret_FaultAtCall_KeepsInvariantsAndConverges(string call, FaultKind fault) =>
        FaultMatrix.RunCellAsync(moto.Server, MatrixStep.CreateSecret, call, fault);
}

[Trait("Category", "Integration")]
public class TestSecretFaultTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    public static TheoryData<string, FaultKind> Cases => FaultMatrix.Cases(MatrixStep.TestSecret);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task TestSecret_FaultAtCall_KeepsInvariantsAndConverges(string call, FaultKind fault) =>
        FaultMatrix.RunCellAsync(moto.Server, MatrixStep.TestSecret, call, fault);
}

[Trait("Category", "Integration")]
public class FinishSecretFaultTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    public static TheoryData<string, FaultKind> Cases => FaultMatrix.Cases(MatrixStep.FinishSecret);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task FinishSecret_FaultAtCall_KeepsInvariantsAndConverges(string call, FaultKind fault) =>
        FaultMatrix.RunCellAsync(moto.Server, MatrixStep.FinishSecret, call, fault);
}

[Trait("Category", "Integration")]
public class RotationToDestinationFaultTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    public static TheoryData<string, FaultKind> Cases => FaultMatrix.Cases(MatrixStep.RotationToDestination);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task RotationToDestination_FaultAtCall_KeepsInvariantsAndConverges(string call, FaultKind fault) =>
        FaultMatrix.RunCellAsync(moto.Server, MatrixStep.RotationToDestination, call, fault);
}

[Trait("Category", "Integration")]
public class SyncDestinationFaultTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    public static TheoryData<string, FaultKind> Cases => FaultMatrix.Cases(MatrixStep.SyncDestination);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task SyncDestination_FaultAtCall_KeepsInvariantsAndConverges(string call, FaultKind fault) =>
        FaultMatrix.RunCellAsync(moto.Server, MatrixStep.SyncDestination, call, fault);
}

/// <summary>Keeps the matrix honest: its call lists are the calls the engine makes today, and the docs list the same.</summary>
[Trait("Category", "Integration")]
public class FaultMatrixDriftTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Theory]
    [InlineData(MatrixStep.FirstRotation)]
    [InlineData(MatrixStep.Deactivate)]
    [InlineData(MatrixStep.Delete)]
    [InlineData(MatrixStep.CreateSecret)]
    [InlineData(MatrixStep.TestSecret)]
    [InlineData(MatrixStep.FinishSecret)]
    [InlineData(MatrixStep.RotationToDestination)]
    [InlineData(MatrixStep.SyncDestination)]
    public async Task Calls_RecordedFromACleanStep_AreTheMatrixRows(MatrixStep step)
    {
        var s = await FaultMatrix.ArrangeAsync(moto.Server, step);
        var calls = new CallCountingHandler();

        var outcome = await s.RunFaultedAsync(Reliability.Service(s.Harness, s.Config, calls), fault: null);

        Assert.Equal("done", outcome);
        var recorded = Reliability.Labels(calls.Calls).Order(StringComparer.Ordinal).ToList();
        Assert.True(FaultMatrix.Calls[step].Order(StringComparer.Ordinal).SequenceEqual(recorded), $"{step} now makes: [\"{string.Join("\", \"", Reliability.Labels(calls.Calls))}\"]");
    }

    [Fact]
    public void DocsTable_IsTheMatrixAsTested()
    {
        var doc = File.ReadAllText(Path.Combine(Reliability.RepositoryRoot(), "docs", "reliability.md")).ReplaceLineEndings("\n");

        Assert.Contains(FaultMatrix.Table(FaultMatrix.ExpectedCell).ReplaceLineEndings("\n"), doc, StringComparison.Ordinal);
    }
}
