using System.Globalization;

namespace OrgKeyRotation.Cli.Output;

/// <summary>Culture-independent text for dates and numbers, the same in every format.</summary>
internal static class Formatting
{
    public static string Date(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";

    public static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string LastUsed(DateTimeOffset? value) => value is null ? "never" : Date(value);

    /// <summary>A value the sweep did not read (a rotation reads a key's last use only when its fate depends on it).</summary>
    public const string NotRead = "-";
}
