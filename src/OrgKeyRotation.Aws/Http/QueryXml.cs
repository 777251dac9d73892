using System.Globalization;
using System.Xml.Linq;

namespace OrgKeyRotation.Aws.Http;

/// <summary>Namespace-agnostic reading of Query protocol responses. Missing or unreadable values throw <see cref="ResponseShapeException"/>.</summary>
internal static class QueryXml
{
    public static XElement? Child(this XElement element, string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static XElement RequiredChild(this XElement element, string name) =>
        element.Child(name) ?? throw new ResponseShapeException($"no <{name}> under <{element.Name.LocalName}>");

    public static string? Text(this XElement element, string name) => element.Child(name)?.Value;

    /// <summary>The text of a child that must be present and not empty.</summary>
    public static string Required(this XElement element, string name) =>
        element.Text(name) is { Length: > 0 } text ? text : throw new ResponseShapeException($"no <{name}> under <{element.Name.LocalName}>");

    /// <summary>The &lt;member&gt; items of a list element (missing list: none).</summary>
    public static IEnumerable<XElement> Members(this XElement element, string listName) =>
        element.Child(listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    public static DateTimeOffset RequiredDate(this XElement element, string name) => Date(element.Required(name), name);

    public static DateTimeOffset Date(string text, string name) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw new ResponseShapeException($"<{name}> is not a date");

    /// <summary>Marker of the next page, or null on the last page.</summary>
    public static string? NextMarker(this XElement result) =>
        string.Equals(result.Text("IsTruncated"), "true", StringComparison.OrdinalIgnoreCase) ? result.Text("Marker") : null;
}
