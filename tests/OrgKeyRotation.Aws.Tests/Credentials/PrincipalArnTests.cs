using OrgKeyRotation.Aws.Credentials;

namespace OrgKeyRotation.Aws.Tests.Credentials;

/// <summary>IAM identifiers: an assumed-role session is arn:&lt;p&gt;:sts::&lt;account&gt;:assumed-role/&lt;role&gt;/&lt;session&gt;.</summary>
public class PrincipalArnTests
{
    [Theory]
    [InlineData("arn:aws:sts::111122223333:assumed-role/OrgKeyRotationCentral/org-key-rotation", "arn:aws:iam::111122223333:role/OrgKeyRotationCentral")]
    [InlineData("arn:aws-us-gov:sts::111122223333:assumed-role/Rotator/i-0abc", "arn:aws-us-gov:iam::111122223333:role/Rotator")]
    [InlineData("arn:aws-cn:sts::111122223333:assumed-role/Rotator/s@x.y", "arn:aws-cn:iam::111122223333:role/Rotator")]
    public void FromCallerArn_AssumedRoleSession_TheRole(string caller, string expected) =>
        Assert.Equal(expected, PrincipalArn.FromCallerArn(caller));

    [Theory]
    [InlineData("arn:aws:iam::111122223333:user/ops/rotator")]
    [InlineData("arn:aws:iam::111122223333:root")]
    [InlineData("arn:aws:sts::111122223333:federated-user/bob")]
    public void FromCallerArn_NotASession_Unchanged(string caller) =>
        Assert.Equal(caller, PrincipalArn.FromCallerArn(caller));
}
