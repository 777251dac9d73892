namespace OrgKeyRotation.Core.Model;

public enum OrgAccountStatus
{
    Active,
    Suspended,
    PendingClosure,
    Other,
}

public sealed record OrgAccount(string Id, string Arn, string Name, string? Email, OrgAccountStatus Status);

public enum OrgChildType
{
    Account,
    OrganizationalUnit,
}

public sealed record OrgChild(string Id, OrgChildType Type);
