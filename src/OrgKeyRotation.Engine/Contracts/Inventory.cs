namespace OrgKeyRotation.Engine.Contracts;

/// <summary>One user in the inventory.</summary>
public sealed record InventoryUser(
    string AccountId,
    string UserName,
    bool Managed,
    bool Exempt,
    DateTimeOffset? ExemptUntil,
    string? Owner,
    IReadOnlyList<KeySnapshot> Keys);

public sealed record InventoryReport(
    DateTimeOffset GeneratedAt,
    int MaxKeyAgeDays,
    IReadOnlyList<InventoryUser> Users,
    IReadOnlyList<AccountResult> FailedAccounts);
