namespace OrgKeyRotation.Cli.Output;

/// <summary>A plain aligned text table. Colour, when on, wraps a cell after padding so alignment stays right.</summary>
internal static class TextTable
{
    public static void Write(TextWriter writer, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, Func<int, string, string?>? colorOf = null)
    {
        var widths = header.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], Clean(row[i]).Length);
            }
        }

        WriteLine(writer, header, widths, null);
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            WriteLine(writer, row, widths, colorOf);
        }
    }

    private static void WriteLine(TextWriter writer, IReadOnlyList<string> cells, int[] widths, Func<int, string, string?>? colorOf)
    {
        var parts = new string[widths.Length];
        for (var i = 0; i < widths.Length; i++)
        {
            var text = Clean(cells[i]);
            var padded = i == widths.Length - 1 ? text : text.PadRight(widths[i]);
            parts[i] = colorOf?.Invoke(i, text) is { } code ? Ansi.Wrap(code, padded) : padded;
        }

        writer.WriteLine(string.Join("  ", parts).TrimEnd());
    }

    /// <summary>Control characters in names or messages must not move the cursor or inject escape sequences.</summary>
    private static string Clean(string text) =>
        text.Any(char.IsControl) ? new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()) : text;
}

internal static class Ansi
{
    public const string Red = "31";
    public const string Green = "32";
    public const string Yellow = "33";
    public const string Dim = "2";

    public static string Wrap(string code, string text) => $"\u001b[{code}m{text}\u001b[0m";
}
