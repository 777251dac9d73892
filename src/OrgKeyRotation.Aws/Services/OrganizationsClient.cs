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
            var page = await client.JsonAsync(Target, "ListAccounts", new ListAccountsBody(pageSize, token), Json.ListAccountsBody, Json.ListAccountsResult, idempotent: true, cancellationToken).ConfigureAwait(false);
            foreach (var account in page.Accounts ?? [])
            {
                yield return Account(account);
            }

            token = Next(page.NextToken);
        }
        while (token is not null);
    }

    public async IAsyncEnumerable<OrgAccount> ListAccountsForParentAsync(string parentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await client.JsonAsync(Target, "ListAccountsForParent", new ListAccountsForParentBody(parentId, pageSize, token), Json.ListAccountsForParentBody, Json.ListAccountsResult, idempotent: true, cancellationToken).ConfigureAwait(false);
            foreach (var account in page.Accounts ?? [])
            {
                yield return Account(account);
            }

            token = Next(page.NextToken);
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

    public async Task<OrgAccount> DescribeAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        var result = await client.JsonAsync(Target, "DescribeAccount", new DescribeAccountBody(accountId), Json.DescribeAccountBody, Json.DescribeAccountResult, idempotent: true, cancellationToken).ConfigureAwait(false);
        return Account(result.Account ?? throw new InvalidDataException("Organizations DescribeAccount returned no account."));
    }

    private static string? Next(string? token) => string.IsNullOrEmpty(token) ? null : token;

    private static OrgAccount Account(AccountEntry entry) => new(
        entry.Id ?? throw new InvalidDataException("Organizations returned an account without an id."),
        entry.Arn ?? string.Empty,
        entry.Name ?? string.Empty,
        entry.Email,
        entry.Status switch
        {
            "ACTIVE" => OrgAccountStatus.Active,
            "SUSPENDED" => OrgAccountStatus.Suspended,
            "PENDING_CLOSURE" => OrgAccountStatus.PendingClosure,
            _ => OrgAccountStatus.Other,
        });
}
