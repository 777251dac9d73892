using System.Runtime.CompilerServices;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>Organizations over JSON 1.1 (X-Amz-Target AWSOrganizationsV20161128.*). Lists follow NextToken.</summary>
internal sealed class OrganizationsClient(SignedServiceClient client, int? pageSize) : IOrganizationsClient
{
    private const string Target = "AWSOrganizationsV20161128";
    private static readonly AwsJsonContext Json = AwsJsonContext.Default;

    public async IAsyncEnumerable<OrgAccount> ListAccountsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await client.JsonAsync(Target, "ListAccounts", new ListAccountsBody(pageSize, token), Json.ListAccountsBody, Json.ListAccountsResult, idempotent: true, ReadAccounts, cancellationToken).ConfigureAwait(false);
            foreach (var account in page.Accounts)
            {
                yield return account;
            }

            token = page.Next;
        }
        while (token is not null);
    }

    public async IAsyncEnumerable<OrgAccount> ListAccountsForParentAsync(string parentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await client.JsonAsync(Target, "ListAccountsForParent", new ListAccountsForParentBody(parentId, pageSize, token), Json.ListAccountsForParentBody, Json.ListAccountsResult, idempotent: true, ReadAccounts, cancellationToken).ConfigureAwait(false);
            foreach (var account in page.Accounts)
            {
                yield return account;
            }

            token = page.Next;
        }
        while (token is not null);
    }

    public async IAsyncEnumerable<OrgChild> ListChildrenAsync(string parentId, OrgChildType childType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wireType = childType == OrgChildType.Account ? "ACCOUNT" : "ORGANIZATIONAL_UNIT";
        string? token = null;
        do
        {
            var page = await client.JsonAsync(Target, "ListChildren", new ListChildrenBody(parentId, wireType, pageSize, token), Json.ListChildrenBody, Json.ListChildrenResult, idempotent: true, cancellationToken).ConfigureAwait(false);
            foreach (var child in page.Children ?? [])
            {
                if (child.Id is not null)
                {
                    yield return new OrgChild(child.Id, child.Type == "ACCOUNT" ? OrgChildType.Account : OrgChildType.OrganizationalUnit);
                }
            }

            token = Next(page.NextToken);
        }
        while (token is not null);
    }

    /// <summary>
    /// AWS retired <c>Account.Status</c> on 2026-09-09: lists carry <c>State</c> (PENDING_ACTIVATION, ACTIVE, SUSPENDED,
    /// PENDING_CLOSURE, CLOSED; https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html).
    /// Status is read only when State is absent (older responses, and moto).
    /// </summary>
    internal static OrgAccountState StateOf(AccountEntry entry) => entry.State switch
    {
        "PENDING_ACTIVATION" => OrgAccountState.PendingActivation,
        "ACTIVE" => OrgAccountState.Active,
        "SUSPENDED" => OrgAccountState.Suspended,
        "PENDING_CLOSURE" => OrgAccountState.PendingClosure,
        "CLOSED" => OrgAccountState.Closed,
        null => entry.Status switch
        {
            "ACTIVE" => OrgAccountState.Active,
            "SUSPENDED" => OrgAccountState.Suspended,
            "PENDING_CLOSURE" => OrgAccountState.PendingClosure,
            _ => OrgAccountState.Other,
        },
        _ => OrgAccountState.Other,
    };

    private static (List<OrgAccount> Accounts, string? Next) ReadAccounts(ListAccountsResult page) =>
        ((page.Accounts ?? []).Select(Account).ToList(), Next(page.NextToken));

    private static string? Next(string? token) => string.IsNullOrEmpty(token) ? null : token;

    private static OrgAccount Account(AccountEntry entry) => new(
        entry.Id is { Length: > 0 } id ? id : throw new ResponseShapeException("an account without Id"),
        entry.Arn ?? string.Empty,
        entry.Name ?? string.Empty,
        entry.Email,
        StateOf(entry));
}
