using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Tests.Support;

/// <summary>Canned configuration and engine results: two accounts, one of which failed.</summary>
internal static class Samples
{
    public const string AccountA = "111111111111";
    public const string AccountB = "222222222222";
    public const string OldKey = "AKIAOLDOLDOLDOLDOLD1";
    public const string SecondKey = "AKIASECONDSECONDSEC2";
    public const string BobKey = "AKIABOBBOBBOBBOBBOB3";
    public const string NewKey = "AKIANEWNEWNEWNEWNEW4";

    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static RotationConfig Config() => new()
    {
        Accounts = new Dictionary<string, IReadOnlyList<string>>
        {
            [AccountA] = ["alice", "bob"],
            [AccountB] = ["carol"],
        },
    };

    public static SweepResult Sweep(bool dryRun, Outcome rotateOutcome = Outcome.Planned, bool accountBFails = true)
    {
        var alice = new UserResult(
            AccountA,
            "alice",
            [
                new KeySnapshot(OldKey, "Active", Now.AddDays(-120), Now.AddDays(-1), KeyRole.Current),
                new KeySnapshot(SecondKey, "Active", Now.AddDays(-10), null, KeyRole.Untracked),
            ],
            [new ActionResult(ActionKind.Rotate, rotateOutcome, "key is 120 days old (policy 90)", OldKey, rotateOutcome == Outcome.Succeeded ? NewKey : null, rotateOutcome == Outcome.Failed ? "IAM:CreateAccessKey failed with LimitExceeded" : null)]);
        var bob = new UserResult(
            AccountA,
            "bob",
            [new KeySnapshot(BobKey, "Active", Now.AddDays(-200), Now.AddDays(-60), KeyRole.Untracked)],
            [new ActionResult(ActionKind.Skip, Outcome.Skipped, "exempt: member of key-rotation-exempt")]);
        var accounts = new List<AccountResult> { new(AccountA, Outcome.Succeeded, null, [alice, bob]) };
        if (accountBFails)
        {
            accounts.Add(new AccountResult(AccountB, Outcome.Failed, "STS:AssumeRole failed with AccessDenied", []));
        }

        var failed = (accountBFails ? 1 : 0) + (rotateOutcome == Outcome.Failed ? 1 : 0);
        return new SweepResult(
            "sweep-1",
            dryRun,
            Now,
            Now.AddSeconds(3),
            // As the engine counts: what was done, so nothing in a dry run (the plan view counts the planned actions).
            new SweepCounts(accounts.Count, 2, dryRun || rotateOutcome != Outcome.Succeeded ? 0 : 1, 0, 0, 0, 0, failed, 0),
            accounts,
            []);
    }

    /// <summary>Alice's destinations: one holds her current key, one holds an older key, one was never written.</summary>
    public static IReadOnlyList<DestinationSnapshot> Destinations { get; } =
    [
        new("a1b2c3d4e5", "ssm:/keys/111111111111/alice", OldKey, Now.AddDays(-2), HoldsCurrentKey: true),
        new("0f1e2d3c4b", "github:octo/deploy (environment prod)", SecondKey, Now.AddDays(-100), HoldsCurrentKey: false),
        new("9a8b7c6d5e", "ssm:/pair/alice{/access-key-id,/secret-access-key}", null, null, HoldsCurrentKey: false),
    ];

    /// <summary><paramref name="sweep"/> with <see cref="Destinations"/> on alice.</summary>
    public static SweepResult WithDestinations(SweepResult sweep) => sweep with
    {
        Accounts = sweep.Accounts.Select(a => a with { Users = a.Users.Select(u => u.UserName == "alice" ? u with { Destinations = Destinations } : u).ToList() }).ToList(),
    };

    /// <summary><paramref name="inventory"/> with <see cref="Destinations"/> on alice.</summary>
    public static InventoryReport WithDestinations(InventoryReport inventory) => inventory with
    {
        Users = inventory.Users.Select(u => u.UserName == "alice" ? u with { Destinations = Destinations } : u).ToList(),
    };

    public static InventoryReport Inventory(bool withFailure = false) => new(
        Now,
        90,
        [
            new InventoryUser(AccountA, "alice", Managed: true, Exempt: false, null, "team-a",
            [
                new KeySnapshot(OldKey, "Active", Now.AddDays(-120), Now.AddDays(-1), KeyRole.Current),
                new KeySnapshot(SecondKey, "Active", Now.AddDays(-10), null, KeyRole.Untracked),
            ]),
            new InventoryUser(AccountA, "bob", Managed: false, Exempt: true, Now.AddDays(30), null,
            [
                new KeySnapshot(BobKey, "Active", Now.AddDays(-400), Now.AddDays(-60), KeyRole.Untracked),
            ]),
            new InventoryUser(AccountB, "<script>alert(1)</script>", Managed: true, Exempt: false, null, null,
            [
                new KeySnapshot(NewKey, "Inactive", Now.AddDays(-5), null, KeyRole.Previous),
            ]),
        ],
        withFailure ? [new AccountResult("333333333333", Outcome.Failed, "STS:AssumeRole failed with AccessDenied", [])] : []);

    /// <summary>
    /// Right after rotations: alice's current and previous keys both active, the previous one deactivated by
    /// <see cref="HandOffEnds"/> at the latest; carol with two untracked active keys (nothing retires either); dave,
    /// whose hand-off should have ended yesterday and still holds two active keys.
    /// </summary>
    public static InventoryReport HandOffInventory() => new(
        Now,
        90,
        [
            new InventoryUser(AccountA, "alice", Managed: true, Exempt: false, null, "team-a",
            [
                new KeySnapshot(OldKey, "Active", Now.AddDays(-91), Now.AddDays(-1), KeyRole.Previous),
                new KeySnapshot(NewKey, "Active", Now.AddDays(-1), Now.AddHours(-2), KeyRole.Current),
            ],
            HandOffEnds),
            new InventoryUser(AccountA, "carol", Managed: false, Exempt: false, null, null,
            [
                new KeySnapshot(SecondKey, "Active", Now.AddDays(-20), Now.AddDays(-1), KeyRole.Untracked),
                new KeySnapshot(BobKey, "Active", Now.AddDays(-10), Now.AddDays(-1), KeyRole.Untracked),
            ]),
            new InventoryUser(AccountB, "dave", Managed: true, Exempt: false, null, null,
            [
                new KeySnapshot(DaveOldKey, "Active", Now.AddDays(-120), Now.AddDays(-1), KeyRole.Previous),
                new KeySnapshot(DaveKey, "Active", Now.AddDays(-31), Now.AddDays(-1), KeyRole.Current),
            ],
            Now.AddDays(-1)),
        ],
        []);

    public const string DaveOldKey = "AKIADAVEOLDDAVEOLDD5";
    public const string DaveKey = "AKIADAVEDAVEDAVEDAV6";

    public static readonly DateTimeOffset HandOffEnds = Now.AddDays(29);
}
