using System.Text.Json;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.Tests.Contracts;

public class RotationContractsTests
{
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
