namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// Whether the identity a run has (sts:GetCallerIdentity) is the configured writer of the central secrets
/// (<see cref="SecretsConfig.RotatorArn"/>). A role session's ARN, <c>arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION</c>,
/// carries no path; role names are unique within an account, so the two are the same role when partition, account
/// and role name match (IAM identifiers: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
/// Any other caller (an IAM user, another role, a role of another account) is not the rotator.
/// </summary>
public static class CentralRotator
{
    /// <summary>True when <paramref name="callerArn"/> is a session of, or is, the role <paramref name="rotatorArn"/>.</summary>
    public static bool IsCaller(string callerArn, string rotatorArn)
    {
        ArgumentNullException.ThrowIfNull(callerArn);
        ArgumentNullException.ThrowIfNull(rotatorArn);
        return RoleOf(callerArn) is { } caller && RoleOf(rotatorArn) is { } rotator && caller == rotator;
    }

    /// <summary>
    /// Why a run as <paramref name="callerArn"/> must not write the central secrets, or null when it may. The text names
    /// both principals and says how to run as the rotator.
    /// </summary>
    public static string? Refusal(string callerArn, string rotatorArn) =>
        IsCaller(callerArn, rotatorArn)
            ? null
            : $"the caller {callerArn} is not the rotator of the central secrets, {rotatorArn} (secrets.rotatorArn): each secret's resource policy lets only that role write it, so no key is created. Run as the rotator: assume that role (e.g. a profile with role_arn = {rotatorArn}, used with --profile), or keep the secrets in the member accounts (secrets.location member)";

    /// <summary>(partition, account, role name) of a role ARN (any path) or of a role session's ARN; null for anything else.</summary>
    private static (string Partition, string Account, string Role)? RoleOf(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || !AwsIdentifiers.IsAccountId(parts[4]))
        {
            return null;
        }

        var resource = parts[5];
        string? role = (parts[2], resource) switch
        {
            ("iam", _) when resource.StartsWith("role/", StringComparison.Ordinal) => resource[(resource.LastIndexOf('/') + 1)..],
            ("sts", _) when resource.StartsWith("assumed-role/", StringComparison.Ordinal) && resource.Split('/') is { Length: 3 } session => session[1],
            _ => null,
        };
        return AwsIdentifiers.IsRoleName(role) ? (parts[1], parts[4], role!) : null;
    }
}
