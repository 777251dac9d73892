namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// The IAM principal behind a GetCallerIdentity ARN, as a resource policy names it. An assumed-role session
/// <c>arn:&lt;p&gt;:sts::&lt;account&gt;:assumed-role/&lt;role&gt;/&lt;session&gt;</c> is the role
/// <c>arn:&lt;p&gt;:iam::&lt;account&gt;:role/&lt;role&gt;</c>; any other ARN (an IAM user) is the principal itself
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
/// Limitation: the session ARN does not carry the role's path, so a role created under a path other than "/" maps to
/// an ARN without it, which the role's real ARN does not match; finding the path would need iam:GetRole. The central
/// role must therefore live at path "/" (see hashicorp/terraform-provider-aws#19957 for the same problem).
/// </summary>
internal static class PrincipalArn
{
    public static string FromCallerArn(string callerArn)
    {
        var parts = callerArn.Split(':', 6);
        if (parts.Length == 6 && parts[0] == "arn" && parts[2] == "sts" && parts[5].StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            var role = parts[5]["assumed-role/".Length..].Split('/')[0];
            if (role.Length > 0)
            {
                return $"arn:{parts[1]}:iam::{parts[4]}:role/{role}";
            }
        }

        return callerArn;
    }
}
