using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>
/// The caller (sts:GetCallerIdentity) against the configured rotator of the central secrets. A role session's ARN
/// carries no path (IAM identifiers: arn:aws:sts::ACCOUNT:assumed-role/ROLE-NAME/ROLE-SESSION-NAME), role names are
/// unique in an account, so partition, account and role name decide.
/// </summary>
public class CentralRotatorTests
{
    private const string Rotator = "arn:aws:iam::111111111111:role/service/org-key-rotation-lambda";

    [Theory]
    [InlineData("arn:aws:sts::111111111111:assumed-role/org-key-rotation-lambda/org-key-rotation")]
    [InlineData("arn:aws:sts::111111111111:assumed-role/org-key-rotation-lambda/operator@example.com")]
    [InlineData("arn:aws:iam::111111111111:role/service/org-key-rotation-lambda")]
    [InlineData("arn:aws:iam::111111111111:role/org-key-rotation-lambda")]
    public void IsCaller_SessionOrRoleOfTheSameAccountAndName_True(string caller)
    {
        Assert.True(CentralRotator.IsCaller(caller, Rotator));
        Assert.Null(CentralRotator.Refusal(caller, Rotator));
    }

    [Theory]
    // An operator's IAM Identity Center role: another role of the same account.
    [InlineData("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com")]
    [InlineData("arn:aws:sts::222222222222:assumed-role/org-key-rotation-lambda/org-key-rotation")]
    [InlineData("arn:aws-us-gov:sts::111111111111:assumed-role/org-key-rotation-lambda/s")]
    [InlineData("arn:aws:sts::111111111111:assumed-role/Org-Key-Rotation-Lambda/s")]
    [InlineData("arn:aws:iam::111111111111:user/org-key-rotation-lambda")]
    [InlineData("arn:aws:iam::111111111111:root")]
    [InlineData("arn:aws:sts::111111111111:federated-user/org-key-rotation-lambda")]
    [InlineData("arn:aws:sts::111111111111:assumed-role/org-key-rotation-lambda")]
    [InlineData("not an arn")]
    public void IsCaller_AnyOtherPrincipal_False(string caller) =>
        Assert.False(CentralRotator.IsCaller(caller, Rotator));

    [Fact]
    public void Refusal_AnotherRole_NamesBothAndHowToRunAsTheRotator()
    {
        const string Sso = "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com";

        var refusal = CentralRotator.Refusal(Sso, Rotator);

        Assert.NotNull(refusal);
        Assert.Contains(Sso, refusal, StringComparison.Ordinal);
        Assert.Contains(Rotator, refusal, StringComparison.Ordinal);
        Assert.Contains("no key is created", refusal, StringComparison.Ordinal);
        Assert.Contains($"role_arn = {Rotator}", refusal, StringComparison.Ordinal);
        Assert.Contains("secrets.location member", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void IsCaller_RotatorIsNoRoleArn_False() =>
        Assert.False(CentralRotator.IsCaller("arn:aws:iam::111111111111:user/ops", "arn:aws:iam::111111111111:user/ops"));
}
