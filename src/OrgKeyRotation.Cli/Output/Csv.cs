using System.Text;

namespace OrgKeyRotation.Cli.Output;

/// <summary>RFC 4180 CSV: a header line, then one line per row, CRLF-free (LF) for shell tools.</summary>
internal static class Csv
{
    public static void Write(TextWriter writer, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<CsvCell>> rows)
    {
        writer.Write(string.Join(',', header.Select(h => Escape(h, isText: true))));
        writer.Write('\n');
        foreach (var row in rows)
        {
            writer.Write(string.Join(',', row.Select(c => Escape(c.Value, c.IsText))));
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Quotes when needed; text cells that a spreadsheet would run as a formula (IAM names may start with + = - @)
    /// get a leading apostrophe. Numbers and dates are left alone.
    /// </summary>
    private static string Escape(string value, bool isText)
    {
        if (isText && value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        quoted.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}

internal readonly record struct CsvCell(string Value, bool IsText)
{
    public static CsvCell Text(string? value) => new(value ?? "", true);

    public static CsvCell Raw(string value) => new(value, false);
}
