using System.Text;
using System.Xml.Linq;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>What happened to an access key, as IAM calls through the model told it.</summary>
public enum KeyChange
{
    Created,
    Deactivated,
    Reactivated,
    Deleted,
}

/// <summary>One change of one key, on the model's clock.</summary>
public sealed record KeyEvent(DateTimeOffset At, string AccountId, string UserName, string AccessKeyId, KeyChange Change);

/// <summary>One access key as the model knows it.</summary>
public sealed record KnownKey(string AccessKeyId, string AccountId, string UserName, DateTimeOffset CreatedAt, bool Active, bool Deleted);

/// <summary>
/// Access keys that stop working: IAM refuses a request signed by an Inactive key ("Active means that the key is valid
/// for API calls, while Inactive means it is not", https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKey.html)
/// and by a deleted one, with InvalidClientTokenId. moto with IAM authorization off accepts any key, so the model keeps
/// each key's state from the IAM calls that pass through it (CreateAccessKey, UpdateAccessKey, DeleteAccessKey, once
/// moto accepted them) and refuses requests signed by a key that is inactive or deleted. The change takes effect at
/// once: IAM propagates it in seconds, and a consumer refused earlier is the worse case. Keys seeded outside the model
/// are made known with <see cref="Register"/>. Every change is kept, in order, for timelines.
/// </summary>
public sealed class KeyLifecycle : AwsBehaviour
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, KnownKey> _keys = new(StringComparer.Ordinal);
    private readonly List<KeyEvent> _events = [];

    /// <summary>Every change so far, oldest first.</summary>
    public IReadOnlyList<KeyEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The keys of one user that are not deleted, oldest first.</summary>
    public IReadOnlyList<KnownKey> KeysOf(string accountId, string userName)
    {
        lock (_lock)
        {
            return [.. _keys.Values.Where(k => !k.Deleted && k.AccountId == accountId && string.Equals(k.UserName, userName, StringComparison.OrdinalIgnoreCase)).OrderBy(k => k.CreatedAt)];
        }
    }

    /// <summary>The key's state; null when the model never saw it.</summary>
    public KnownKey? Key(string accessKeyId)
    {
        lock (_lock)
        {
            return _keys.GetValueOrDefault(accessKeyId);
        }
    }

    /// <summary>Makes a key created outside the model (seeded straight into moto) known, as Active.</summary>
    public void Register(string accessKeyId, string accountId, string userName, DateTimeOffset createdAt)
    {
        lock (_lock)
        {
            _keys[accessKeyId] = new KnownKey(accessKeyId, accountId, userName, createdAt, Active: true, Deleted: false);
            _events.Add(new KeyEvent(createdAt, accountId, userName, accessKeyId, KeyChange.Created));
        }
    }

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (call.AccessKeyId is { } signer && Key(signer) is { } known && (known.Deleted || !known.Active))
        {
            return AwsErrorResponses.InvalidClientTokenId(call);
        }

        var response = await next(cancellationToken);
        if (call.Service != "iam" || !response.IsSuccessStatusCode)
        {
            return response;
        }

        var now = call.Time.GetUtcNow();
        switch (call.Operation)
        {
            case "CreateAccessKey":
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                var created = XDocument.Parse(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancellationToken)));
                var id = created.Descendants().First(e => e.Name.LocalName == "AccessKeyId").Value;
                var user = created.Descendants().FirstOrDefault(e => e.Name.LocalName == "UserName")?.Value ?? call.Parameter("UserName") ?? "";
                Change(id, now, k => k, () => new KnownKey(id, call.AccountId, user, now, Active: true, Deleted: false), KeyChange.Created);
                break;
            case "UpdateAccessKey" when call.Parameter("AccessKeyId") is { } updated:
                var active = call.Parameter("Status") == "Active";
                Change(updated, now, k => k with { Active = active }, null, active ? KeyChange.Reactivated : KeyChange.Deactivated);
                break;
            case "DeleteAccessKey" when call.Parameter("AccessKeyId") is { } deleted:
                Change(deleted, now, k => k with { Deleted = true }, null, KeyChange.Deleted);
                break;
        }

        return response;
    }

    private void Change(string accessKeyId, DateTimeOffset at, Func<KnownKey, KnownKey> update, Func<KnownKey>? create, KeyChange change)
    {
        lock (_lock)
        {
            KnownKey key;
            if (_keys.TryGetValue(accessKeyId, out var existing))
            {
                key = update(existing);
            }
            else if (create is not null)
            {
                key = create();
            }
            else
            {
                return; // A key the model never saw: nothing to refuse it for.
            }

            _keys[accessKeyId] = key;
            _events.Add(new KeyEvent(at, key.AccountId, key.UserName, accessKeyId, change));
        }
    }
}
