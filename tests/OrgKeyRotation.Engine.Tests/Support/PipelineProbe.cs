using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Engine.Tests.Support;

internal enum ProbeEventKind
{
    /// <summary>CreateAccessKey answered: Detail is the new key id.</summary>
    KeyCreated,

    /// <summary>GetCallerIdentity signed by a key was accepted and answered: Detail is the key id.</summary>
    KeyVerified,

    /// <summary>UpdateSecretVersionStage moved AWSCURRENT: Detail is the version it moved to.</summary>
    Promoted,
}

internal sealed record ProbeEvent(ProbeEventKind Kind, string? AccountId, string Detail);

/// <summary>
/// Watches a sweep from inside the AWS model (added after <see cref="NewKeyPropagation"/>, so it sees only the requests
/// AWS would accept): how many IAM and Secrets Manager calls each account has in flight at once (the account comes
/// from the layer's <see cref="AwsRequestInfo"/>), and the order in which keys are created, verified and promoted.
/// Each IAM and Secrets Manager call is held for <paramref name="callDelay"/>, as a remote service would, so that
/// calls that may overlap do.
/// </summary>
internal sealed partial class PipelineProbe(TimeSpan callDelay) : AwsBehaviour
{
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _peak = new(StringComparer.Ordinal);
    private readonly List<ProbeEvent> _events = [];

    public IReadOnlyList<ProbeEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The most IAM and Secrets Manager calls of <paramref name="accountId"/> that were in flight at once.</summary>
    public int PeakInFlight(string accountId) => _peak.GetValueOrDefault(accountId);

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        var account = call.Request.Options.TryGetValue(AwsRequestInfo.OptionKey, out var info) ? info.AccountId : null;
        var bounded = account is not null && call.Service is "iam" or "secretsmanager";
        if (bounded)
        {
            var now = _inFlight.AddOrUpdate(account!, 1, (_, n) => n + 1);
            _peak.AddOrUpdate(account!, now, (_, peak) => Math.Max(peak, now));
        }

        try
        {
            if (bounded)
            {
                await Task.Delay(callDelay, cancellationToken);
            }

            var response = await next(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await RecordAsync(call, account, response, cancellationToken);
            }

            return response;
        }
        finally
        {
            if (bounded)
            {
                _inFlight.AddOrUpdate(account!, 0, (_, n) => n - 1);
            }
        }
    }

    private async Task RecordAsync(AwsCall call, string? account, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        switch (call.Operation)
        {
            case "CreateAccessKey":
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                var created = AccessKeyIdPattern().Match(await response.Content.ReadAsStringAsync(cancellationToken));
                Add(new ProbeEvent(ProbeEventKind.KeyCreated, account, created.Groups[1].Value));
                break;
            case "GetCallerIdentity" when call.AccessKeyId is { } signer:
                Add(new ProbeEvent(ProbeEventKind.KeyVerified, null, signer));
                break;
            case "UpdateSecretVersionStage":
                using (var body = JsonDocument.Parse(Encoding.UTF8.GetString(call.Body)))
                {
                    Add(new ProbeEvent(ProbeEventKind.Promoted, account, body.RootElement.GetProperty("MoveToVersionId").GetString()!));
                }

                break;
        }
    }

    private void Add(ProbeEvent probeEvent)
    {
        lock (_events)
        {
            _events.Add(probeEvent);
        }
    }

    [GeneratedRegex("<AccessKeyId>([A-Z0-9]+)</AccessKeyId>")]
    private static partial Regex AccessKeyIdPattern();
}

/// <summary>
/// Never answers requests made in one account (IAM and Secrets Manager calls carrying that account in
/// <see cref="AwsRequestInfo"/>): each waits until the layer's attempt timeout cancels it, as for an account whose
/// endpoint stopped answering.
/// </summary>
internal sealed class StallingHandler(string accountId) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(AwsRequestInfo.OptionKey, out var info) && info.AccountId == accountId)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// The real clock, a minute ahead: moto stamps keys with the real time (a rotation due "now" needs a clock that is
/// not behind it), and the engine's waits (verification polling, deadlines) must really pass.
/// </summary>
internal sealed class AheadOfRealTime(TimeSpan ahead) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
}
