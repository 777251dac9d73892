using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Organizations after the retirement of <c>Account.Status</c> (2026-09-09): <c>ListAccounts</c>,
/// <c>ListAccountsForParent</c> and <c>DescribeAccount</c> carry <c>State</c> (PENDING_ACTIVATION, ACTIVE, SUSPENDED,
/// PENDING_CLOSURE, CLOSED) and no <c>Status</c>. moto 5.2 answers with both; this rewrites its JSON to drop
/// <c>Status</c> (unless told to keep it, as AWS did before the retirement) and to set <c>State</c>, from moto's own
/// value, its <c>Status</c>, or a state set with <see cref="SetState"/> (moto cannot produce PENDING_ACTIVATION or
/// CLOSED).
/// </summary>
public sealed class OrganizationsStateOnly(bool keepStatus = false) : AwsBehaviour
{
    /// <summary>The account states AWS documents.</summary>
    public static readonly IReadOnlySet<string> States = new HashSet<string>(StringComparer.Ordinal) { "PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED" };

    private readonly ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);

    /// <summary>Answers <paramref name="state"/> for <paramref name="accountId"/> from now on, whatever moto says.</summary>
    public OrganizationsStateOnly SetState(string accountId, string state)
    {
        if (!States.Contains(state))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, $"Organizations account states are {string.Join(", ", States)}.");
        }

        _states[accountId] = state;
        return this;
    }

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        var response = await next(cancellationToken);
        if (call.Service != "organizations" || call.Operation is not ("ListAccounts" or "ListAccountsForParent" or "DescribeAccount") || !response.IsSuccessStatusCode)
        {
            return response;
        }

        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var accounts = call.Operation == "DescribeAccount"
            ? new[] { document?["Account"] }
            : (document?["Accounts"] as JsonArray)?.ToArray() ?? [];
        foreach (var account in accounts.OfType<JsonObject>())
        {
            var id = account["Id"]?.GetValue<string>();
            var state = (id is not null ? _states.GetValueOrDefault(id) : null) ?? account["State"]?.GetValue<string>() ?? account["Status"]?.GetValue<string>();
            if (!keepStatus)
            {
                account.Remove("Status");
            }

            account["State"] = state;
        }

        ModelledContent.Replace(response, document!.ToJsonString(), "application/x-amz-json-1.1");
        return response;
    }
}
