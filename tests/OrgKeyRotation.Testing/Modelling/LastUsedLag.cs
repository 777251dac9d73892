using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Last-used data reported late: AWS updates what GetAccessKeyLastUsed answers asynchronously ("usually within four
/// hours": the citation and the bound the planner relies on are <c>Planner.LastUsedLagBound</c>), while moto updates
/// it at once. The model remembers every known use of each long-term key (AKIA...) with
/// its time: each request signed by the key that passes through the model, and each LastUsedDate moto reports (uses
/// that bypassed the model). GetAccessKeyLastUsed then answers the latest use at least <see cref="Lag"/> old, or "never
/// used" (no LastUsedDate, ServiceName and Region "N/A") when there is none. That is the worst case AWS allows: a
/// rule that is safe with this answer is safe with any lag up to <see cref="Lag"/>.
/// Place it after <see cref="NewKeyPropagation"/>, so refused requests do not count as uses. moto stamps uses with
/// the real time: a fake clock for the model must start at the real time (tests then advance it past the lag).
/// </summary>
public sealed class LastUsedLag : AwsBehaviour
{
    private readonly ConcurrentDictionary<string, KeyUses> _uses = new(StringComparer.Ordinal);

    public LastUsedLag(TimeSpan lag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lag, TimeSpan.Zero);
        Lag = lag;
    }

    public TimeSpan Lag { get; }

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (call.AccessKeyId is { } signer && signer.StartsWith("AKIA", StringComparison.Ordinal))
        {
            Uses(signer).Add(new KeyUse(call.ArrivedAt, call.Service, call.Region ?? "us-east-1"));
        }

        var response = await next(cancellationToken);
        if (call.Service != "iam" || call.Operation != "GetAccessKeyLastUsed" || !response.IsSuccessStatusCode || call.Parameter("AccessKeyId") is not { } keyId)
        {
            return response;
        }

        var document = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var lastUsed = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "AccessKeyLastUsed");
        if (lastUsed is null)
        {
            return response;
        }

        var ns = lastUsed.Name.Namespace;
        var uses = Uses(keyId);
        if (lastUsed.Element(ns + "LastUsedDate") is { } motoDate)
        {
            uses.Add(new KeyUse(DateTimeOffset.Parse(motoDate.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), lastUsed.Element(ns + "ServiceName")?.Value ?? "N/A", lastUsed.Element(ns + "Region")?.Value ?? "N/A"));
        }

        lastUsed.RemoveNodes();
        if (uses.ReportedAt(call.Time.GetUtcNow() - Lag) is { } reported)
        {
            lastUsed.Add(new XElement(ns + "LastUsedDate", reported.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
            lastUsed.Add(new XElement(ns + "ServiceName", reported.Service));
            lastUsed.Add(new XElement(ns + "Region", reported.Region));
        }
        else
        {
            lastUsed.Add(new XElement(ns + "ServiceName", "N/A"));
            lastUsed.Add(new XElement(ns + "Region", "N/A"));
        }

        ModelledContent.Replace(response, document.ToString(SaveOptions.DisableFormatting), "text/xml");
        return response;
    }

    private KeyUses Uses(string accessKeyId) => _uses.GetOrAdd(accessKeyId, _ => new KeyUses());

    private sealed record KeyUse(DateTimeOffset At, string Service, string Region);

    /// <summary>The uses of one key: the latest one AWS already reports, and the newer ones it does not report yet.</summary>
    private sealed class KeyUses
    {
        private readonly Lock _lock = new();
        private readonly List<KeyUse> _uses = [];

        public void Add(KeyUse use)
        {
            lock (_lock)
            {
                _uses.Add(use);
                _uses.Sort((a, b) => a.At.CompareTo(b.At));
            }
        }

        /// <summary>The latest use at or before <paramref name="cutoff"/>; older ones are dropped (they can never be reported again).</summary>
        public KeyUse? ReportedAt(DateTimeOffset cutoff)
        {
            lock (_lock)
            {
                var latest = _uses.FindLastIndex(u => u.At <= cutoff);
                if (latest < 0)
                {
                    return null;
                }

                _uses.RemoveRange(0, latest);
                return _uses[0];
            }
        }
    }
}
