namespace OrgKeyRotation.Engine.Alerts;

/// <summary>The user an alert is about, and its owner: the value of the user tag named by alerts.ownerTag (null: none).</summary>
public sealed record AlertUser(string AccountId, string UserName, string? Owner)
{
    /// <summary>
    /// The value of the tag named <paramref name="ownerTag"/>: an exact key first, then one differing only in case (IAM
    /// does not let a user carry both). Null when the tag is absent or empty, or no owner tag is configured.
    /// </summary>
    public static string? OwnerIn(IReadOnlyDictionary<string, string> userTags, string? ownerTag)
    {
        ArgumentNullException.ThrowIfNull(userTags);
        if (string.IsNullOrEmpty(ownerTag))
        {
            return null;
        }

        var value = userTags.TryGetValue(ownerTag, out var exact)
            ? exact
            : userTags.FirstOrDefault(t => string.Equals(t.Key, ownerTag, StringComparison.OrdinalIgnoreCase)).Value;
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
