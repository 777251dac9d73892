using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretsManagerRotation;

namespace OrgKeyRotation.Engine.Tests.SecretsManagerRotation;

public class RotationStepsTests
{
    [Theory]
    [InlineData("createSecret", RotationStep.CreateSecret)]
    [InlineData("setSecret", RotationStep.SetSecret)]
    [InlineData("testSecret", RotationStep.TestSecret)]
    [InlineData("finishSecret", RotationStep.FinishSecret)]
    public void Parse_WireName_IsThatStepAndBack(string name, RotationStep step)
    {
        Assert.Equal(step, RotationSteps.Parse(name));
        Assert.Equal(name, RotationSteps.Name(step));
    }

    [Theory]
    [InlineData("CreateSecret")]
    [InlineData("finishsecret")]
    [InlineData(" testSecret")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_AnythingElse_IsABadRequestNamingTheSteps(string? name)
    {
        Assert.False(RotationSteps.TryParse(name, out _));
        var error = Assert.Throws<BadRequestException>(() => RotationSteps.Parse(name));
        Assert.Contains("createSecret, setSecret, testSecret, finishSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_AreEveryStepInProtocolOrder() =>
        Assert.Equal(["createSecret", "setSecret", "testSecret", "finishSecret"], RotationSteps.Names);
}
