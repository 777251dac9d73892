namespace OrgKeyRotation.Engine.Contracts;

/// <summary>One user in the inventory; <paramref name="Destinations"/> null when the user has none configured.</summary>
public sealed record InventoryUser(
    string AccountId,
    string UserName,
    bool Managed,
    bool Exempt,
    DateTimeOffset? ExemptUntil,
    string? Owner,
    IReadOnlyList<KeySnapshot> Keys,
    IReadOnlyList<DestinationSnapshot>? Destinations = null);

public sealed record InventoryReport(
    DateTimeOffset GeneratedAt,
    int MaxKeyAgeDays,
    IReadOnlyList<InventoryUser> Users,
    IReadOnlyList<AccountResult> FailedAccounts);
