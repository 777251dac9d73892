using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Engine.SecretFormat;

/// <summary>The shape of a managed secret: its value, its tags, its version tokens and its resource policy.</summary>
public static class ManagedSecret
{
    public const string ManagedTag = "orgkeyrotation:managed";
    public const string AccountTag = "orgkeyrotation:account";
    public const string UserTag = "orgkeyrotation:user";

    /// <summary>"{keyId} {ISO instant}": the previous key the rotator deactivated and when. One at a time, so it is overwritten.</summary>
    public const string DeactivatedTag = "orgkeyrotation:deactivated";

    /// <summary>
    /// The key the user had when the rotator first took it over. It was never in the secret, so no AWSPREVIOUS
    /// version names it; this tag lets it follow the same deactivate-then-delete path as later previous keys.
    /// </summary>
    public const string AdoptedKeyTag = "orgkeyrotation:adopted-key";

    /// <summary>
    /// "{replaced keyId} {ISO instant}": when the rotator last set out to create a key for the user, and the key that new
    /// key replaces; written before every CreateAccessKey. Only a key created inside that attempt's window can be the
    /// rotator's orphan, and none once the current key is a key of that window other than the replaced one
    /// (docs/design.md, "Times"). Records of older releases hold the instant alone.
    /// </summary>
    public const string AttemptTag = "orgkeyrotation:attempt";

    /// <summary>"{keyId} {ISO instant}": a key promoted to AWSCURRENT in a later run than the one that created it, and when.</summary>
    public const string HandOffTag = "orgkeyrotation:handoff";

    /// <summary>
    /// The restore record: the previous key `keyrot restore` re-activated, and when (key id, space, instant). Its clocks
    /// (deactivateAfterDays, maxDeactivationDelayDays) count from then, so the next sweep does not switch it off again.
    /// </summary>
    public const string RestoredTag = "orgkeyrotation:restored";

    /// <summary>
    /// "orgkeyrotation:dest:{destination id}" = "{keyId} {ISO instant}": the key a destination was written with, and when,
    /// recorded after the write succeeded. Tag values allow letters, digits, spaces and + - = . _ : / @.
    /// </summary>
    public const string DestinationTagPrefix = "orgkeyrotation:dest:";

    /// <summary>The one instant format of the records: "yyyy-MM-ddTHH:mm:ssZ" (UTC).</summary>
    private const string RecordInstantFormat = "yyyy-MM-ddTHH:mm:ssZ";

    public static (DateTimeOffset At, string? ReplacedKeyId)? ParseAttemptTag(SecretDescription description)
    {
        if (!description.Tags.TryGetValue(AttemptTag, out var value))
        {
            return null;
        }

        var parts = value.Split(' ', 2);
        return parts.Length == 1
            ? ParseRecordInstant(value) is { } at ? (at, null) : null
            : parts[0].Length > 0 && ParseRecordInstant(parts[1]) is { } replacedAt ? (replacedAt, parts[0]) : null;
    }

    public static (string KeyId, DateTimeOffset At)? ParseHandOffTag(SecretDescription description) => ParseKeyRecord(description, HandOffTag);

    /// <summary>A record "key id, space, instant" in tag <paramref name="tag"/>; null when absent or not of that shape.</summary>
    private static (string KeyId, DateTimeOffset At)? ParseKeyRecord(SecretDescription description, string tag)
    {
        if (!description.Tags.TryGetValue(tag, out var value))
        {
            return null;
        }

        var parts = value.Split(' ', 2);
        return parts.Length == 2 && parts[0].Length > 0 && ParseRecordInstant(parts[1]) is { } at ? (parts[0], at) : null;
    }

    private static DateTimeOffset? ParseRecordInstant(string value) =>
        DateTimeOffset.TryParseExact(value, RecordInstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    /// <summary>The record instant as the tags hold it: "yyyy-MM-ddTHH:mm:ssZ".</summary>
    public static string RecordInstant(DateTimeOffset at) => at.UtcDateTime.ToString(RecordInstantFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// The tags an attempt writes before its CreateAccessKey: the attempt's instant with the key the new one replaces
    /// (null: none) and, when that key is deactivated right after the promotion (<paramref name="deactivatesReplacedKey"/>),
    /// its deactivation record too, so that the deactivation costs no tag write of its own.
    /// </summary>
    public static IReadOnlyDictionary<string, string> AttemptTags(DateTimeOffset at, string? replacedKeyId, bool deactivatesReplacedKey)
    {
        var tags = new Dictionary<string, string> { [AttemptTag] = replacedKeyId is null ? RecordInstant(at) : $"{replacedKeyId} {RecordInstant(at)}" };
        if (deactivatesReplacedKey && replacedKeyId is not null)
        {
            tags[DeactivatedTag] = DeactivationTagValue(replacedKeyId, at);
        }

        return tags;
    }

    /// <summary>The tags of a new secret: the labels, the key it adopts (if any) and the attempt's records.</summary>
    public static IReadOnlyDictionary<string, string> CreationTags(string accountId, string userName, string? adoptedKeyId, IReadOnlyDictionary<string, string> attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var tags = new Dictionary<string, string>(attempt)
        {
            [ManagedTag] = "true",
            [AccountTag] = accountId,
            [UserTag] = userName,
        };
        if (adoptedKeyId is not null)
        {
            tags[AdoptedKeyTag] = adoptedKeyId;
        }

        return tags;
    }

    /// <summary>The records of the destinations <paramref name="destinationIds"/>, written with <paramref name="accessKeyId"/> at <paramref name="at"/>.</summary>
    public static IReadOnlyDictionary<string, string> DestinationTags(IEnumerable<string> destinationIds, string accessKeyId, DateTimeOffset at) =>
        destinationIds.ToDictionary(id => DestinationTagPrefix + id, _ => $"{accessKeyId} {RecordInstant(at)}", StringComparer.Ordinal);

    /// <summary>The destination records on the secret, by destination id; a record that cannot be read is left out (its destination is written again).</summary>
    public static IReadOnlyDictionary<string, (string KeyId, DateTimeOffset At)> ParseDestinationTags(SecretDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var records = new Dictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal);
        foreach (var (key, value) in description.Tags)
        {
            var parts = value.Split(' ', 2);
            if (key.StartsWith(DestinationTagPrefix, StringComparison.Ordinal) && key.Length > DestinationTagPrefix.Length
                && parts.Length == 2 && parts[0].Length > 0 && ParseRecordInstant(parts[1]) is { } at)
            {
                records[key[DestinationTagPrefix.Length..]] = (parts[0], at);
            }
        }

        return records;
    }

    /// <summary>The hand-off record of <paramref name="accessKeyId"/>, promoted at <paramref name="at"/>.</summary>
    public static IReadOnlyDictionary<string, string> HandOffTags(string accessKeyId, DateTimeOffset at) =>
        new Dictionary<string, string> { [HandOffTag] = $"{accessKeyId} {RecordInstant(at)}" };

    /// <summary>The restore record of <paramref name="accessKeyId"/>, re-activated at <paramref name="at"/>.</summary>
    public static IReadOnlyDictionary<string, string> RestoreTags(string accessKeyId, DateTimeOffset at) =>
        new Dictionary<string, string> { [RestoredTag] = $"{accessKeyId} {RecordInstant(at)}" };

    public static (string KeyId, DateTimeOffset At)? ParseRestoreTag(SecretDescription description) => ParseKeyRecord(description, RestoredTag);

    /// <summary>
    /// Why the user cannot have a managed secret, or null. IAM allows ',' in user names ("_+=,.@-", CreateUser), while
    /// a secret name allows only letters, digits and /_+=.@- (CreateSecret) and the tags that record the user allow
    /// letters, digits, spaces and _.:/=+-@ (TagResource): Secrets Manager would refuse the secret every sweep.
    /// </summary>
    public static string? NameProblem(string secretName, string userName)
    {
        if (AwsIdentifiers.IsSecretName(secretName) && AwsIdentifiers.IsSecretTagValue(userName))
        {
            return null;
        }

        var refused = string.Concat(userName.Where(c => !AwsIdentifiers.IsSecretName(c.ToString()) || !AwsIdentifiers.IsSecretTagValue(c.ToString())).Distinct());
        var which = refused.Length > 0 ? $"'{refused}' in the user name" : "the secret name";
        return $"user {userName} cannot have a secret: IAM allows {which}, but Secrets Manager refuses it in a secret name ({AwsIdentifiers.SecretNameRule}: {secretName}) "
            + $"or in the tag that records the user ({AwsIdentifiers.SecretTagValueRule}). No secret and no key is created. Rename the user, change secrets.nameTemplate, "
            + "or leave the user out of the rotation (discovery.userPath, discovery.userTag, or the accounts list)";
    }

    public static bool IsManaged(SecretDescription description) =>
        description.Tags.TryGetValue(ManagedTag, out var value) && value == "true";

    /// <summary>
    /// The version token of the secret version that holds <paramref name="accessKeyId"/>: derived, so a retried
    /// PutSecretValue is idempotent and a sweep can tell which key a version holds without reading the secret.
    /// </summary>
    public static string VersionTokenFor(string accountId, string userName, string accessKeyId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"OrgKeyRotation/v1/{accountId}/{userName}/{accessKeyId}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // RFC 9562 version 8 (custom)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>The JSON value: {"AccessKeyId","SecretAccessKey","UserName","AccountId","CreatedAt"}.</summary>
    public static SensitiveString Serialize(NewAccessKey key, string accountId)
    {
        ArgumentNullException.ThrowIfNull(key);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("AccessKeyId", key.AccessKeyId);
            writer.WriteString("SecretAccessKey", key.SecretAccessKey.Reveal());
            writer.WriteString("UserName", key.UserName);
            writer.WriteString("AccountId", accountId);
            writer.WriteString("CreatedAt", key.CreateDate.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return new SensitiveString(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>Reads a secret value back into a key, or null when it is not one of ours.</summary>
    public static NewAccessKey? Parse(SensitiveString value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            using var document = JsonDocument.Parse(value.Reveal());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("AccessKeyId", out var id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("SecretAccessKey", out var secret) || secret.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(secret.GetString()))
            {
                return null;
            }

            var userName = root.TryGetProperty("UserName", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
            var created = root.TryGetProperty("CreatedAt", out var c) && c.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MinValue;
            return new NewAccessKey(id.GetString()!, userName, new SensitiveString(secret.GetString()!), created);
        }
        catch (JsonException)
        {
            // Not JSON: never echo the value (it may be a secret of some other shape).
            return null;
        }
    }

    public static string DeactivationTagValue(string accessKeyId, DateTimeOffset at) => $"{accessKeyId} {RecordInstant(at)}";

    public static (string KeyId, DateTimeOffset At)? ParseDeactivationTag(SecretDescription description)
    {
        if (!description.Tags.TryGetValue(DeactivatedTag, out var value))
        {
            return null;
        }

        var parts = value.Split(' ', 2);
        return parts.Length == 2 && DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? (parts[0], at)
            : null;
    }

    /// <summary>The two reads the IAM user is allowed on its own secret.</summary>
    private static readonly string[] OwnerReads = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];

    /// <summary>
    /// The secret's resource policy: (1) the IAM user may read its key (GetSecretValue, DescribeSecret); (2) every
    /// other action (writes, version stages, the policy, tags, deletion, rotation, replication) is denied to every
    /// principal but the rotator; (3) the two reads are denied to every principal but the user and the rotator.
    /// Identity policies in the account cannot widen that, because an explicit Deny wins. The rotator is the member
    /// rotation role (secrets in member accounts) or the configured rotator role, path included (central secrets); a role session is
    /// matched by its role's ARN (aws:PrincipalArn).
    /// </summary>
    public static string ResourcePolicy(string userArn, string rotatorArn)
    {
        ArgumentException.ThrowIfNullOrEmpty(rotatorArn);
        return Policy(userArn, rotatorArn);
    }

    /// <summary>
    /// The policy of a released secret (<c>keyrot release-secrets</c>): <see cref="ResourcePolicy"/> without the rotator.
    /// The user still reads its key and nobody else does; every other action (deletion, the policy, rotation) is left
    /// to the account's identity policies, so its administrators can manage the secret once the rotator's roles are gone.
    /// </summary>
    public static string ReleasedPolicy(string userArn) => Policy(userArn, rotatorArn: null);

    private static string Policy(string userArn, string? rotatorArn)
    {
        ArgumentException.ThrowIfNullOrEmpty(userArn);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("Version", "2012-10-17");
            w.WriteStartArray("Statement");

            w.WriteStartObject();
            w.WriteString("Sid", "OwnerReadsItsKey");
            w.WriteString("Effect", "Allow");
            w.WriteStartObject("Principal");
            w.WriteString("AWS", userArn);
            w.WriteEndObject();
            WriteStrings(w, "Action", OwnerReads);
            w.WriteString("Resource", "*");
            w.WriteEndObject();

            if (rotatorArn is not null)
            {
                w.WriteStartObject();
                w.WriteString("Sid", "OnlyTheRotatorChangesIt");
                w.WriteString("Effect", "Deny");
                w.WriteString("Principal", "*");
                WriteStrings(w, "NotAction", OwnerReads);
                w.WriteString("Resource", "*");
                WritePrincipalArnNotIn(w, [rotatorArn]);
                w.WriteEndObject();
            }

            w.WriteStartObject();
            w.WriteString("Sid", "NobodyElseReadsIt");
            w.WriteString("Effect", "Deny");
            w.WriteString("Principal", "*");
            WriteStrings(w, "Action", OwnerReads);
            w.WriteString("Resource", "*");
            WritePrincipalArnNotIn(w, rotatorArn is null ? [userArn] : [userArn, rotatorArn]);
            w.WriteEndObject();

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The user a policy lets read the secret: the one principal of its one Allow statement (null: none, or not a policy).</summary>
    public static string? OwnerIn(string? policyJson)
    {
        if (string.IsNullOrWhiteSpace(policyJson))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(policyJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("Statement", out var statements))
            {
                return null;
            }

            var allows = (statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : [statements])
                .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("Effect", out var effect) && effect.ValueKind == JsonValueKind.String && effect.GetString() == "Allow").ToList();
            if (allows.Count != 1 || !allows[0].TryGetProperty("Principal", out var principal) || principal.ValueKind != JsonValueKind.Object
                || !principal.TryGetProperty("AWS", out var aws))
            {
                return null;
            }

            // AWS may return a one-element list for a single principal.
            var arns = aws.ValueKind == JsonValueKind.Array ? aws.EnumerateArray().ToList() : [aws];
            return arns is [{ ValueKind: JsonValueKind.String } arn] ? arn.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="policyJson"/> (as GetResourcePolicy returns it) is exactly <see cref="ResourcePolicy"/> for
    /// this user and rotator. Compared by meaning, not bytes: AWS may reorder keys and statements, drop Sids, and turn a
    /// one-element list into a string or back. Anything else, including an empty or unparsable policy, is not ours.
    /// </summary>
    public static bool IsRotatorPolicy(string? policyJson, string userArn, string rotatorArn)
    {
        if (string.IsNullOrWhiteSpace(policyJson))
        {
            return false;
        }

        try
        {
            var actual = Canonical(policyJson);
            return actual is not null && actual.SequenceEqual(Canonical(ResourcePolicy(userArn, rotatorArn))!, StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Each statement as one canonical string (Sid left out), sorted; null when the document is not a policy.</summary>
    private static List<string>? Canonical(string policyJson)
    {
        using var document = JsonDocument.Parse(policyJson);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("Version", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2012-10-17"
            || !root.TryGetProperty("Statement", out var statements))
        {
            return null;
        }

        var list = new List<string>();
        foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : [statements])
        {
            if (statement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var parts = new List<string>();
            foreach (var property in statement.EnumerateObject().Where(p => p.Name != "Sid").OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                // "Principal": "*" and {"AWS": "*"} mean the same; AWS may return either.
                var canonical = property.Name == "Principal" && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() == "*"
                    ? "{AWS:[*]}"
                    : CanonicalValue(property.Value);
                parts.Add(property.Name + "=" + canonical);
            }

            list.Add(string.Join(";", parts));
        }

        list.Sort(StringComparer.Ordinal);
        return list;
    }

    /// <summary>A string or a list of strings becomes a sorted set; an object, its sorted keys with canonical values.</summary>
    private static string CanonicalValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "[" + value.GetString() + "]",
        JsonValueKind.Array => "[" + string.Join(",", value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()).Distinct().Order(StringComparer.Ordinal)) + "]",
        JsonValueKind.Object => "{" + string.Join(",", value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + ":" + CanonicalValue(p.Value))) + "}",
        _ => value.GetRawText(),
    };

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void WritePrincipalArnNotIn(Utf8JsonWriter w, IEnumerable<string> arns)
    {
        w.WriteStartObject("Condition");
        w.WriteStartObject("StringNotEquals");
        WriteStrings(w, "aws:PrincipalArn", arns.Distinct(StringComparer.Ordinal));
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
