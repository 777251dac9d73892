using System.Globalization;
using System.Net;

namespace OrgKeyRotation.Cli.Output;

/// <summary>
/// The compliance report as ONE self-contained HTML file: inline CSS and script, an inline SVG histogram, no network
/// (a Content-Security-Policy forbids every fetch). Every value from AWS or the configuration is HTML-encoded.
/// </summary>
internal static class HtmlReport
{
    private const int ChartWidth = 560;
    private const int ChartHeight = 220;
    private const int ChartBase = 180;
    private const int ChartTop = 20;

    public static void Write(TextWriter w, ComplianceReport report)
    {
        var s = report.Summary;
        w.WriteLine("<!DOCTYPE html>");
        w.WriteLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.WriteLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">");
        w.WriteLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.WriteLine($"<title>IAM access key report {E(Formatting.Date(report.GeneratedAt))}</title>");
        w.WriteLine("<style>" + Css + "</style></head><body>");
        w.WriteLine("<h1>IAM access key compliance</h1>");
        w.WriteLine($"<p class=\"meta\">Evaluated at <time id=\"generated\">{E(Formatting.Instant(report.GeneratedAt))}</time> &middot; policy: rotate after {report.MaxKeyAgeDays} days &middot; CIS 1.12 unused threshold: {Findings.UnusedDaysThreshold} days</p>");

        w.WriteLine("<section class=\"cards\" id=\"summary\">");
        Card(w, "accounts", "Accounts", s.Accounts, s.FailedAccounts > 0 ? $"{s.FailedAccounts} failed" : null, s.FailedAccounts > 0);
        Card(w, "users", "Users", s.Users, $"{s.ManagedUsers} managed, {s.UnmanagedUsers} unmanaged", false);
        Card(w, "keys", "Keys", s.Keys, $"{s.ActiveKeys} active", false);
        Card(w, "over-age", $"Older than {report.MaxKeyAgeDays} days", s.OverAgeKeys, "active keys (CIS 1.14)", s.OverAgeKeys > 0);
        Card(w, "unused-45d", "Unused 45+ days", s.UnusedOver45DaysKeys, "active keys (CIS 1.12)", s.UnusedOver45DaysKeys > 0);
        Card(w, "two-active", "Two active keys", s.UsersWithTwoActiveKeys, "users, nothing retiring either key (CIS 1.13)", s.UsersWithTwoActiveKeys > 0);
        Card(w, "in-hand-off", "In hand-off", s.UsersInHandOff, "users; the old key is deactivated by the date shown", false);
        Card(w, "never-used", "Never used", s.NeverUsedKeys, "keys", false);
        Card(w, "exempt", "Exempt", s.ExemptUsers, "users", false);
        if (s.Destinations > 0)
        {
            Card(w, "destinations", "Destinations", s.Destinations, $"{s.DestinationsNotCurrent} not holding the current key", s.DestinationsNotCurrent > 0);
        }

        w.WriteLine("</section>");

        w.WriteLine("<h2>Key ages</h2>");
        Chart(w, report);

        if (report.FailedAccounts.Count > 0)
        {
            w.WriteLine("<h2>Accounts that could not be read</h2><ul id=\"failed-accounts\">");
            foreach (var f in report.FailedAccounts)
            {
                w.WriteLine($"<li><code>{E(f.AccountId)}</code>: {E(f.Error ?? f.Outcome)}</li>");
            }

            w.WriteLine("</ul>");
        }

        if (report.UsersInHandOff.Count > 0)
        {
            w.WriteLine("<h2>In hand-off</h2><p>Two active keys while consumers move to the new one: the rotator deactivates the previous key by the date at the latest.</p>");
            w.WriteLine("<table id=\"hand-off-users\"><thead><tr><th>Account</th><th>User</th><th>Until</th><th>Owner</th></tr></thead><tbody>");
            foreach (var u in report.UsersInHandOff)
            {
                w.WriteLine($"<tr><td>{E(u.AccountId)}</td><td>{E(u.UserName)}</td><td>{E(Formatting.Date(u.Until))}</td><td>{E(u.Owner ?? "")}</td></tr>");
            }

            w.WriteLine("</tbody></table>");
        }

        if (report.ExemptUsers.Count > 0)
        {
            w.WriteLine("<h2>Exempt users</h2><table id=\"exempt-users\"><thead><tr><th>Account</th><th>User</th><th>Exempt until</th><th>Owner</th></tr></thead><tbody>");
            foreach (var u in report.ExemptUsers)
            {
                w.WriteLine($"<tr><td>{E(u.AccountId)}</td><td>{E(u.UserName)}</td><td>{E(u.ExemptUntil is null ? "no end date" : Formatting.Date(u.ExemptUntil))}</td><td>{E(u.Owner ?? "")}</td></tr>");
            }

            w.WriteLine("</tbody></table>");
        }

        KeyTable(w, report);
        DestinationTable(w, report);
        w.WriteLine("<script>" + Script + "</script>");
        w.WriteLine("</body></html>");
    }

    private static void Card(TextWriter w, string id, string title, int value, string? note, bool alert)
    {
        w.Write($"<div class=\"card{(alert ? " alert" : "")}\" id=\"card-{id}\"><div class=\"value\">{value.ToString(CultureInfo.InvariantCulture)}</div><div class=\"title\">{E(title)}</div>");
        w.WriteLine(note is null ? "</div>" : $"<div class=\"note\">{E(note)}</div></div>");
    }

    private static void Chart(TextWriter w, ComplianceReport report)
    {
        var buckets = report.AgeBuckets;
        var max = Math.Max(1, buckets.Max(b => b.Count));
        var slot = (ChartWidth - 40) / buckets.Count;
        w.WriteLine($"<svg id=\"age-chart\" role=\"img\" aria-label=\"Number of keys by age in days\" width=\"{ChartWidth}\" height=\"{ChartHeight}\" viewBox=\"0 0 {ChartWidth} {ChartHeight}\">");
        w.WriteLine($"<line x1=\"30\" y1=\"{ChartBase}\" x2=\"{ChartWidth - 10}\" y2=\"{ChartBase}\" class=\"axis\"/>");
        for (var i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            var height = (ChartBase - ChartTop) * b.Count / max;
            var x = 40 + (i * slot);
            var cls = b.BeyondPolicy ? "bar beyond" : "bar";
            w.WriteLine(Invariant($"<g class=\"bucket\" data-bucket=\"{E(b.Label)}\" data-count=\"{b.Count}\"><title>{E(b.Label)} days: {b.Count} keys</title>"));
            w.WriteLine(Invariant($"<rect class=\"{cls}\" x=\"{x}\" y=\"{ChartBase - height}\" width=\"{slot - 12}\" height=\"{height}\"/>"));
            w.WriteLine(Invariant($"<text x=\"{x + ((slot - 12) / 2)}\" y=\"{ChartBase - height - 4}\" text-anchor=\"middle\">{b.Count}</text>"));
            w.WriteLine(Invariant($"<text x=\"{x + ((slot - 12) / 2)}\" y=\"{ChartBase + 16}\" text-anchor=\"middle\">{E(b.Label)}</text></g>"));
        }

        w.WriteLine(Invariant($"<text x=\"{ChartWidth / 2}\" y=\"{ChartHeight - 4}\" text-anchor=\"middle\" class=\"caption\">age in days (red: beyond the {report.MaxKeyAgeDays}-day policy)</text>"));
        w.WriteLine("</svg>");
    }

    private static void KeyTable(TextWriter w, ComplianceReport report)
    {
        w.WriteLine("<h2>Keys</h2>");
        w.WriteLine("<p><label>Filter <input id=\"filter\" type=\"search\" placeholder=\"account, user, key, finding...\" autocomplete=\"off\"></label> <span id=\"shown\"></span></p>");
        w.WriteLine("<table id=\"keys\"><thead><tr>");
        string[] headers = ["Account", "User", "Access key", "Status", "Role", "Created", "Age (days)", "Last used", "Managed", "Exempt", "Findings"];
        string[] types = ["text", "text", "text", "text", "text", "text", "number", "text", "text", "text", "text"];
        for (var i = 0; i < headers.Length; i++)
        {
            w.Write($"<th data-type=\"{types[i]}\" tabindex=\"0\">{headers[i]}</th>");
        }

        w.WriteLine("</tr></thead><tbody>");
        foreach (var r in report.Keys)
        {
            var flagged = Findings.NeedAttention(r.Findings);
            w.Write($"<tr class=\"key{(flagged ? " flagged" : "")}\" data-key=\"{E(r.AccessKeyId)}\">");
            w.Write($"<td>{E(r.AccountId)}</td><td>{E(r.UserName)}</td><td><code>{E(r.AccessKeyId)}</code></td><td>{E(r.Status)}</td><td>{E(r.Role)}</td>");
            w.Write($"<td>{E(Formatting.Date(r.CreateDate))}</td><td data-sort=\"{r.AgeDays.ToString(CultureInfo.InvariantCulture)}\">{r.AgeDays.ToString(CultureInfo.InvariantCulture)}</td>");
            w.Write($"<td data-sort=\"{E(r.LastUsed is null ? "" : Formatting.Instant(r.LastUsed.Value))}\">{E(Formatting.LastUsed(r.LastUsed))}</td>");
            w.Write($"<td>{(r.Managed ? "yes" : "no")}</td><td>{E(r.Exempt ? (r.ExemptUntil is null ? "yes" : "until " + Formatting.Date(r.ExemptUntil)) : "no")}</td>");
            w.WriteLine($"<td>{string.Join(" ", r.Findings.Select(f => $"<span class=\"finding {E(f)}\">{E(Findings.Text(f, r))}</span>"))}</td></tr>");
        }

        w.WriteLine("</tbody></table>");
    }

    /// <summary>Each user's destinations (where the key is written besides its secret) and whether each holds the current key.</summary>
    private static void DestinationTable(TextWriter w, ComplianceReport report)
    {
        if (report.Destinations.Count == 0)
        {
            return;
        }

        w.WriteLine("<h2>Destinations</h2>");
        w.WriteLine("<table id=\"destinations\"><thead><tr><th>Account</th><th>User</th><th>Destination</th><th>Holds</th><th>Since</th></tr></thead><tbody>");
        foreach (var d in report.Destinations)
        {
            w.Write($"<tr class=\"destination{(d.HoldsCurrentKey ? "" : " flagged")}\" data-destination=\"{E(d.Id)}\">");
            w.Write($"<td>{E(d.AccountId)}</td><td>{E(d.UserName)}</td><td><code>{E(d.Name)}</code></td><td>{E(DestinationView.State(d))}</td>");
            w.WriteLine($"<td>{E(d.RecordedAt is { } at ? Formatting.Instant(at) : "-")}</td></tr>");
        }

        w.WriteLine("</tbody></table>");
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1f24;background:#fff}
        h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
        .meta{color:#57606a;margin:0 0 1rem}
        .cards{display:flex;flex-wrap:wrap;gap:.75rem}
        .card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem .9rem;min-width:9rem}
        .card .value{font-size:1.6rem;font-weight:600}.card .title{font-weight:600}.card .note{color:#57606a;font-size:.85rem}
        .card.alert{border-color:#cf222e;background:#fff5f5}.card.alert .value{color:#cf222e}
        svg text{font-size:12px;fill:#1b1f24}svg .caption{fill:#57606a}
        .axis{stroke:#8c959f}.bar{fill:#0969da}.bar.beyond{fill:#cf222e}
        table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
        td:not(:last-child){white-space:nowrap}
        th{cursor:pointer;user-select:none;background:#f6f8fa;position:sticky;top:0}
        th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
        tr.flagged td{background:#fffbeb}
        .finding{display:inline-block;border-radius:4px;padding:0 .35rem;margin:0 .2rem .1rem 0;font-size:.8rem;background:#eaeef2}
        .finding.over-age,.finding.two-active{background:#ffebe9;color:#a40e26}.finding.unused-45d{background:#fff8c5;color:#7d4e00}.finding.in-hand-off{background:#ddf4ff;color:#0a3069}
        input#filter{padding:.25rem .4rem;min-width:18rem}#shown{color:#57606a}
        """;

    // Sorting reads data-sort when present (numbers, instants), else the cell text; the filter matches row text.
    // A "#q=text" fragment pre-fills the filter so a filtered view can be shared as a link.
    private const string Script = """
        (function(){
        var table=document.getElementById('keys'),body=table.tBodies[0],filter=document.getElementById('filter'),shown=document.getElementById('shown');
        var rows=Array.prototype.slice.call(body.rows);
        function value(row,i,type){var c=row.cells[i],v=c.hasAttribute('data-sort')?c.getAttribute('data-sort'):c.textContent;return type==='number'?parseFloat(v):v.toLowerCase();}
        function applyFilter(){var q=filter.value.trim().toLowerCase(),n=0;rows.forEach(function(r){var hit=!q||r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!hit;if(hit){n++;}});shown.textContent=n+' of '+rows.length+' keys';}
        Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
          function sort(){var asc=th.getAttribute('aria-sort')!=='ascending',type=th.getAttribute('data-type');
            Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
            th.setAttribute('aria-sort',asc?'ascending':'descending');
            rows.sort(function(a,b){var x=value(a,i,type),y=value(b,i,type);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
            rows.forEach(function(r){body.appendChild(r);});}
          th.addEventListener('click',sort);th.addEventListener('keydown',function(e){if(e.key==='Enter'){sort();}});});
        filter.addEventListener('input',applyFilter);
        var m=/[#&]q=([^&]*)/.exec(location.hash);if(m){filter.value=decodeURIComponent(m[1]);}
        applyFilter();
        })();
        """;
}
