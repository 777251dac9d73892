using System.Text.Json;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.Tests.Contracts;

public class SweepTests
{
    [Fact]
    public void SweepCountsAdd_TwoCounts_SumsEachFieldIntoItself()
    {
        var a = new SweepCounts(1, 2, 3, 4, 5, 6, 7, 8, 9);
        var b = new SweepCounts(10, 20, 30, 40, 50, 60, 70, 80, 90);

        Assert.Equal(new SweepCounts(11, 22, 33, 44, 55, 66, 77, 88, 99), a + b);
    }

    [Fact]
    public void SweepCountsAdd_Zero_LeavesTheCountsAsTheyAre()
    {
        var counts = new SweepCounts(1, 2, 3, 4, 5, 6, 7, 8, 9);

        Assert.Equal(counts, SweepCounts.Zero + counts);
        Assert.Equal(new SweepCounts(0, 0, 0, 0, 0, 0, 0, 0, 0), SweepCounts.Zero);
    }

    [Theory]
    [InlineData(KeyRole.Current, "Current")]
    [InlineData(KeyRole.Pending, "Pending")]
    [InlineData(KeyRole.Previous, "Previous")]
    [InlineData(KeyRole.Untracked, "Untracked")]
    public void KeySnapshotSerialize_EachRole_WritesTheRoleByName(KeyRole role, string expected)
    {
        var snapshot = new KeySnapshot("AKIAEXAMPLE000000001", "Active", DateTimeOffset.UnixEpoch, null, role);

        var json = JsonSerializer.SerializeToElement(snapshot, EngineJsonContext.Default.KeySnapshot);

        Assert.Equal(expected, json.GetProperty("role").GetString());
    }
}
