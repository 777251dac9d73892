using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Output;

/// <summary>One destination of one user's key, and whether it holds the user's current key (never the key itself).</summary>
internal sealed record DestinationRow(string AccountId, string UserName, string Id, string Name, string? AccessKeyId, DateTimeOffset? RecordedAt, bool HoldsCurrentKey);

/// <summary>The users' destinations as plans and reports show them.</summary>
internal static class DestinationView
{
    public const string Current = "current";
    public const string NotCurrent = "not current";
    public const string NeverWritten = "never written";

    public static IEnumerable<DestinationRow> Rows(string accountId, string userName, IReadOnlyList<DestinationSnapshot>? destinations) =>
        (destinations ?? []).Select(d => new DestinationRow(accountId, userName, d.Id, d.Name, d.AccessKeyId, d.RecordedAt, d.HoldsCurrentKey));

    /// <summary>What a destination holds, in words: current, not current (and which key), never written.</summary>
    public static string State(DestinationRow row) =>
        row.HoldsCurrentKey ? Current : row.AccessKeyId is { } held ? $"{NotCurrent} (holds {held})" : NeverWritten;

    /// <summary>One cell for a user's destinations: "NAME=STATE; ...", empty without destinations.</summary>
    public static string Cell(IEnumerable<DestinationRow> rows) =>
        string.Join("; ", rows.Select(r => $"{r.Name}={(r.HoldsCurrentKey ? Current : r.AccessKeyId is null ? NeverWritten : NotCurrent)}"));

    /// <summary>The destinations section of the text formats: one line per destination; nothing without destinations.</summary>
    public static void WriteText(TextWriter w, IReadOnlyList<DestinationRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        w.WriteLine();
        w.WriteLine("Destinations:");
        TextTable.Write(
            w,
            ["ACCOUNT", "USER", "DESTINATION", "HOLDS", "SINCE"],
            rows.Select(r => (IReadOnlyList<string>)[r.AccountId, r.UserName, r.Name, State(r), r.RecordedAt is { } at ? Formatting.Instant(at) : "-"]).ToList(),
            null);
    }
}
