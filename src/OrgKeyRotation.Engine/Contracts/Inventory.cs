namespace OrgKeyRotation.Engine.Contracts;

/// <summary>
/// One user in the inventory. <paramref name="HandOffUntil"/>: the user's current and previous keys are both active
/// and the rotator deactivates the previous one at the latest then (<c>Planner.HandOffEnd</c>); null otherwise.
/// <paramref name="Destinations"/>: null when the user has none configured.
/// </summary>
public sealed record InventoryUser(
    string AccountId,
    string UserName,
    bool Managed,
    bool Exempt,
    DateTimeOffset? ExemptUntil,
    string? Owner,
    IReadOnlyList<KeySnapshot> Keys,
    DateTimeOffset? HandOffUntil = null,
    IReadOnlyList<DestinationSnapshot>? Destinations = null);

public sealed record InventoryReport(
    DateTimeOffset GeneratedAt,
    int MaxKeyAgeDays,
    IReadOnlyList<InventoryUser> Users,
    IReadOnlyList<AccountResult> FailedAccounts);
