using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// moto stamps an access key's CreateDate and last use with the real clock; a model on a simulated clock (days pass in
/// seconds) must show IAM's times on its own clock. This behaviour sees every CreateAccessKey and every signed request
/// that reaches moto, so it knows both on the model's clock, and rewrites the answers that carry them: CreateDate in
/// CreateAccessKey and ListAccessKeys, LastUsedDate in GetAccessKeyLastUsed (moto's use is the latest signed request
/// that reached it: the model's record of that request replaces it; a key the model saw no use of reports none).
/// Place it last, next to moto, so that every behaviour before it (<see cref="LastUsedLag"/> above all) reads model
/// times. Keys seeded straight into moto are made known with <see cref="Register"/>.
/// </summary>
public sealed class ModelTimeStamps : AwsBehaviour
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _created = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastUse = new(StringComparer.Ordinal);

    /// <summary>Makes a key created outside the model known, with its creation on the model's clock.</summary>
    public void Register(string accessKeyId, DateTimeOffset createdAt) => _created[accessKeyId] = createdAt;

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (call.AccessKeyId is { } signer && signer.StartsWith("AKIA", StringComparison.Ordinal))
        {
            _lastUse.AddOrUpdate(signer, call.ArrivedAt, (_, seen) => seen > call.ArrivedAt ? seen : call.ArrivedAt);
        }

        var response = await next(cancellationToken);
        if (call.Service != "iam" || !response.IsSuccessStatusCode || call.Operation is not ("CreateAccessKey" or "ListAccessKeys" or "GetAccessKeyLastUsed"))
        {
            return response;
        }

        var document = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        if (call.Operation == "GetAccessKeyLastUsed")
        {
            RestampLastUse(document, call.Parameter("AccessKeyId"));
        }
        else
        {
            RestampCreation(document, call);
        }

        ModelledContent.Replace(response, document.ToString(SaveOptions.DisableFormatting), "text/xml");
        return response;
    }

    private void RestampCreation(XDocument document, AwsCall call)
    {
        foreach (var created in document.Descendants().Where(e => e.Name.LocalName == "CreateDate").ToList())
        {
            if (created.Parent?.Elements().FirstOrDefault(e => e.Name.LocalName == "AccessKeyId")?.Value is not { } id)
            {
                continue;
            }

            var at = call.Operation == "CreateAccessKey" ? _created.GetOrAdd(id, call.Time.GetUtcNow()) : _created.GetValueOrDefault(id, call.Time.GetUtcNow());
            created.Value = Stamp(at);
        }
    }

    private void RestampLastUse(XDocument document, string? accessKeyId)
    {
        var lastUsed = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "AccessKeyLastUsed");
        var date = lastUsed?.Elements().FirstOrDefault(e => e.Name.LocalName == "LastUsedDate");
        if (date is null || accessKeyId is null)
        {
            return;
        }

        if (_lastUse.TryGetValue(accessKeyId, out var used))
        {
            date.Value = Stamp(used);
        }
        else
        {
            date.Remove();
        }
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
