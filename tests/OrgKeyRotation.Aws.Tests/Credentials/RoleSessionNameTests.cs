using OrgKeyRotation.Aws.Credentials;

namespace OrgKeyRotation.Aws.Tests.Credentials;

/// <summary>AssumeRole API reference: RoleSessionName is 2-64 characters of [\w+=,.@-] (\w: ASCII letters, digits, _).</summary>
public class RoleSessionNameTests
{
    [Theory]
    [InlineData("sweep-20261125T000000Z-0a1b2c3d", "sweep-20261125T000000Z-0a1b2c3d")]
    [InlineData("rotation-3c9a1e7b-5d2f-4b8e-a6c0-9f1e2d3c4b5a", "rotation-3c9a1e7b-5d2f-4b8e-a6c0-9f1e2d3c4b5a")]
    [InlineData("a+b=c,d.e@f_g", "a+b=c,d.e@f_g")]
    [InlineData("sweep 1/ü:x", "sweep-1---x")]
    [InlineData("x", "x_")]
    public void From_Name_ValidForAws(string input, string expected)
    {
        var name = RoleSessionName.From(input);

        Assert.Equal(expected, name);
        Assert.Matches(@"^[A-Za-z0-9_+=,.@-]{2,64}$", name);
    }

    [Fact]
    public void From_LongerThan64_CutTo64()
    {
        var name = RoleSessionName.From("rotation-" + new string('7', 64));

        Assert.Equal(64, name.Length);
        Assert.StartsWith("rotation-777", name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void From_Blank_Refused(string input) =>
        Assert.ThrowsAny<ArgumentException>(() => RoleSessionName.From(input));
}
