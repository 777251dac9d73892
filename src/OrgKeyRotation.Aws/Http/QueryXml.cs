using System.Globalization;
using System.Xml.Linq;

namespace OrgKeyRotation.Aws.Http;

/// <summary>Namespace-agnostic reading of Query protocol responses.</summary>
internal static class QueryXml
{
    public static XElement? Child(this XElement element, string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static string? Text(this XElement element, string name) => element.Child(name)?.Value;

    public static string Required(this XElement element, string name) =>
        element.Text(name) ?? throw new InvalidDataException($"AWS response lacks <{name}> under <{element.Name.LocalName}>.");

    /// <summary>The &lt;member&gt; items of a list element (missing list: none).</summary>
    public static IEnumerable<XElement> Members(this XElement element, string listName) =>
        element.Child(listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    public static DateTimeOffset Date(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Marker of the next page, or null on the last page.</summary>
    public static string? NextMarker(this XElement result) =>
        string.Equals(result.Text("IsTruncated"), "true", StringComparison.OrdinalIgnoreCase) ? result.Text("Marker") : null;
}
