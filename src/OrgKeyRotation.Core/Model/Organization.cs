namespace OrgKeyRotation.Core.Model;

/// <summary>
/// An account's life-cycle state in the organization (Organizations' <c>Account.State</c>, which replaced
/// <c>Account.Status</c>: https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html).
/// </summary>
public enum OrgAccountState
{
    PendingActivation,
    Active,
    Suspended,
    PendingClosure,
    Closed,
    /// <summary>A value this release does not know.</summary>
    Other,
}

public sealed record OrgAccount(string Id, string Arn, string Name, string? Email, OrgAccountState State);

public enum OrgChildType
{
    Account,
    OrganizationalUnit,
}

public sealed record OrgChild(string Id, OrgChildType Type);
