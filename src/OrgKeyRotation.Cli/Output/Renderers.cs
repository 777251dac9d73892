using System.Text.Json;

namespace OrgKeyRotation.Cli.Output;

internal enum OutputFormat
{
    Table,
    Json,
    Csv,
    Html,
}

/// <summary>Writes plans and reports in each output format. Human summaries are separate (see the commands).</summary>
internal static class Renderers
{
    private static readonly string[] PlanHeader = ["account", "user", "access_key_id", "status", "age_days", "last_used", "action", "outcome", "reason", "new_access_key_id", "error", "destinations"];

    private static readonly string[] ReportHeader = ["account", "user", "access_key_id", "status", "role", "created", "age_days", "last_used", "days_since_last_use", "managed", "exempt", "exempt_until", "owner", "findings", "hand_off_until", "destinations"];

    /// <summary>The destinations cell of each user: a row of a CSV names them, as the per-key rows cannot hold a table of their own.</summary>
    private static Func<string, string, string> DestinationCells(IReadOnlyList<DestinationRow> destinations)
    {
        var cells = destinations.GroupBy(d => (d.AccountId, d.UserName)).ToDictionary(g => g.Key, DestinationView.Cell);
        return (account, user) => cells.GetValueOrDefault((account, user), "");
    }

    public static void WritePlan(TextWriter w, PlanDocument plan, OutputFormat format, bool color)
    {
        switch (format)
        {
            case OutputFormat.Json:
                w.WriteLine(JsonSerializer.Serialize(plan, CliJsonContext.Default.PlanDocument));
                break;
            case OutputFormat.Csv:
                var planDestinations = DestinationCells(plan.Destinations);
                Csv.Write(w, PlanHeader, plan.Rows.Select(r => (IReadOnlyList<CsvCell>)
                [
                    CsvCell.Text(r.AccountId), CsvCell.Text(r.UserName), CsvCell.Text(r.AccessKeyId), CsvCell.Text(r.Status), CsvCell.Raw(Formatting.Number(r.AgeDays)),
                    CsvCell.Raw(r.LastUsed is null ? "" : Formatting.Instant(r.LastUsed.Value)), CsvCell.Text(r.Action), CsvCell.Text(r.Outcome), CsvCell.Text(r.Reason),
                    CsvCell.Text(r.NewAccessKeyId), CsvCell.Text(r.Error), CsvCell.Text(planDestinations(r.AccountId, r.UserName)),
                ]));
                break;
            default:
                TextTable.Write(
                    w,
                    ["ACCOUNT", "USER", "KEY", "STATUS", "AGE", "LAST USED", "ACTION", "OUTCOME", "REASON"],
                    plan.Rows.Select(r => (IReadOnlyList<string>)
                    [
                        r.AccountId, r.UserName, r.AccessKeyId ?? "-", r.Status ?? "-", Formatting.Number(r.AgeDays), r.AccessKeyId is null ? "" : r.LastUsedKnown ? Formatting.LastUsed(r.LastUsed) : Formatting.NotRead,
                        r.NewAccessKeyId is null ? r.Action : $"{r.Action} -> {r.NewAccessKeyId}", r.Outcome, r.Error is null ? r.Reason : $"{r.Reason} ({r.Error})".TrimStart(),
                    ]).ToList(),
                    color ? PlanColor : null);
                DestinationView.WriteText(w, plan.Destinations);
                break;
        }
    }

    public static void WriteReport(TextWriter w, ComplianceReport report, OutputFormat format, bool color)
    {
        switch (format)
        {
            case OutputFormat.Json:
                w.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.ComplianceReport));
                break;
            case OutputFormat.Csv:
                var reportDestinations = DestinationCells(report.Destinations);
                Csv.Write(w, ReportHeader, report.Keys.Select(r => (IReadOnlyList<CsvCell>)
                [
                    CsvCell.Text(r.AccountId), CsvCell.Text(r.UserName), CsvCell.Text(r.AccessKeyId), CsvCell.Text(r.Status), CsvCell.Text(r.Role),
                    CsvCell.Raw(Formatting.Instant(r.CreateDate)), CsvCell.Raw(Formatting.Number(r.AgeDays)), CsvCell.Raw(r.LastUsed is null ? "" : Formatting.Instant(r.LastUsed.Value)),
                    CsvCell.Raw(Formatting.Number(r.DaysSinceLastUse)), CsvCell.Raw(r.Managed ? "true" : "false"), CsvCell.Raw(r.Exempt ? "true" : "false"),
                    CsvCell.Raw(Formatting.Date(r.ExemptUntil)), CsvCell.Text(r.Owner), CsvCell.Text(string.Join(' ', r.Findings)), CsvCell.Raw(Formatting.Date(r.HandOffUntil)), CsvCell.Text(reportDestinations(r.AccountId, r.UserName)),
                ]));
                break;
            case OutputFormat.Html:
                HtmlReport.Write(w, report);
                break;
            default:
                WriteReportTable(w, report, color);
                break;
        }
    }

    private static void WriteReportTable(TextWriter w, ComplianceReport report, bool color)
    {
        var s = report.Summary;
        w.WriteLine($"IAM access keys as of {Formatting.Instant(report.GeneratedAt)} (policy: rotate after {report.MaxKeyAgeDays} days)");
        w.WriteLine($"  accounts {s.Accounts} (failed {s.FailedAccounts}), users {s.Users} (managed {s.ManagedUsers}, unmanaged {s.UnmanagedUsers}, exempt {s.ExemptUsers}), keys {s.Keys} (active {s.ActiveKeys})");
        w.WriteLine($"  over-age {s.OverAgeKeys}, unused 45+ days {s.UnusedOver45DaysKeys}, never used {s.NeverUsedKeys}, users with two active keys {s.UsersWithTwoActiveKeys} (CIS 1.13), in hand-off {s.UsersInHandOff}");
        w.WriteLine($"  key ages: {string.Join(", ", report.AgeBuckets.Select(b => $"{b.Label}d {b.Count}"))}");
        if (s.Destinations > 0)
        {
            w.WriteLine($"  destinations {s.Destinations}, not holding the current key {s.DestinationsNotCurrent}");
        }

        w.WriteLine();
        TextTable.Write(
            w,
            ["ACCOUNT", "USER", "KEY", "STATUS", "ROLE", "AGE", "LAST USED", "MANAGED", "EXEMPT", "FINDINGS"],
            report.Keys.Select(r => (IReadOnlyList<string>)
            [
                r.AccountId, r.UserName, r.AccessKeyId, r.Status, r.Role, Formatting.Number(r.AgeDays), Formatting.LastUsed(r.LastUsed), r.Managed ? "yes" : "no",
                r.Exempt ? (r.ExemptUntil is null ? "yes" : "until " + Formatting.Date(r.ExemptUntil)) : "no", string.Join(", ", r.Findings.Select(f => Findings.Text(f, r))),
            ]).ToList(),
            color ? (column, text) => column == 9 && Findings.NeedAttention(text.Split(", ")) ? Ansi.Yellow : null : null);
        if (report.UsersInHandOff.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("In hand-off (the rotator deactivates the previous key by the date at the latest):");
            foreach (var u in report.UsersInHandOff)
            {
                w.WriteLine($"  {u.AccountId}/{u.UserName}: until {Formatting.Date(u.Until)}");
            }
        }

        DestinationView.WriteText(w, report.Destinations);
        if (report.ExemptUsers.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Exempt users:");
            foreach (var u in report.ExemptUsers)
            {
                w.WriteLine($"  {u.AccountId}/{u.UserName}: {(u.ExemptUntil is null ? "no end date" : "until " + Formatting.Date(u.ExemptUntil))}");
            }
        }
    }

    private static string? PlanColor(int column, string text) => column switch
    {
        6 when text.StartsWith("Warn", StringComparison.Ordinal) => Ansi.Yellow,
        6 when text == PlanView.NoAction => Ansi.Dim,
        7 when text == "Failed" || text == "NotStarted" => Ansi.Red,
        7 when text == "Blocked" => Ansi.Yellow,
        7 when text == "Succeeded" => Ansi.Green,
        _ => null,
    };
}
