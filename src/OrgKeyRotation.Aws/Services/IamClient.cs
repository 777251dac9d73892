using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>IAM over the Query protocol (2010-05-08). Lists follow Marker/IsTruncated to the end.</summary>
internal sealed class IamClient(SignedServiceClient client, int? pageSize) : IIamClient
{
    private const string Version = "2010-05-08";

    public async IAsyncEnumerable<IamUser> ListUsersAsync(string pathPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var user in PagesAsync("ListUsers", "Users", [new("PathPrefix", pathPrefix)], User, cancellationToken).ConfigureAwait(false))
        {
            yield return user;
        }
    }

    public Task<IamUser> GetUserAsync(string userName, CancellationToken cancellationToken) =>
        CallAsync("GetUser", [new("UserName", userName)], result => UserWithTags(result.RequiredChild("User")), cancellationToken);

    public async IAsyncEnumerable<IamUser> ListUsersWithTagsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // AWS returns 100 users a page unless asked for more; 1,000 is its maximum.
        await foreach (var user in PagesAsync("GetAccountAuthorizationDetails", "UserDetailList", [new("Filter.member.1", "User")], UserWithTags, cancellationToken, defaultPageSize: 1000).ConfigureAwait(false))
        {
            yield return user;
        }
    }

    public async Task<IReadOnlyList<string>> GetGroupMembersAsync(string groupName, CancellationToken cancellationToken)
    {
        var members = new List<string>();
        try
        {
            await foreach (var member in PagesAsync("GetGroup", "Users", [new("GroupName", groupName)], m => m.Required("UserName"), cancellationToken).ConfigureAwait(false))
            {
                members.Add(member);
            }
        }
        catch (AwsServiceException e) when (e.Kind == AwsErrorKind.NoSuchEntity)
        {
            // No such group in this account: nobody is exempt through it.
        }

        return members;
    }

    public async Task<IReadOnlyList<AccessKeyMetadata>> ListAccessKeysAsync(string userName, CancellationToken cancellationToken)
    {
        var keys = new List<AccessKeyMetadata>();
        await foreach (var key in PagesAsync("ListAccessKeys", "AccessKeyMetadata", [new("UserName", userName)], m => new AccessKeyMetadata(m.Required("AccessKeyId"), m.Text("UserName") ?? userName, Status(m.Required("Status")), m.RequiredDate("CreateDate")), cancellationToken).ConfigureAwait(false))
        {
            keys.Add(key);
        }

        return keys;
    }

    // Not idempotent: a response that cannot be read comes out as AmbiguousOutcomeException (the key may exist).
    public Task<NewAccessKey> CreateAccessKeyAsync(string userName, CancellationToken cancellationToken) =>
        client.QueryAsync("CreateAccessKey", Version, [new("UserName", userName)], idempotent: false, result =>
        {
            var key = result.RequiredChild("AccessKey");
            return new NewAccessKey(key.Required("AccessKeyId"), key.Text("UserName") ?? userName, new SensitiveString(key.Required("SecretAccessKey")), key.RequiredDate("CreateDate"));
        }, cancellationToken);

    public Task UpdateAccessKeyAsync(string userName, string accessKeyId, AccessKeyStatus status, CancellationToken cancellationToken) =>
        client.QueryAsync("UpdateAccessKey", Version, [new("UserName", userName), new("AccessKeyId", accessKeyId), new("Status", status == AccessKeyStatus.Active ? "Active" : "Inactive")], idempotent: true, cancellationToken);

    public Task DeleteAccessKeyAsync(string userName, string accessKeyId, CancellationToken cancellationToken) =>
        client.QueryAsync("DeleteAccessKey", Version, [new("UserName", userName), new("AccessKeyId", accessKeyId)], idempotent: true, cancellationToken);

    public Task<AccessKeyLastUsed> GetAccessKeyLastUsedAsync(string accessKeyId, CancellationToken cancellationToken) =>
        CallAsync("GetAccessKeyLastUsed", [new("AccessKeyId", accessKeyId)], result =>
        {
            var used = result.Child("AccessKeyLastUsed");
            var date = NotApplicableToNull(used?.Text("LastUsedDate"));
            return new AccessKeyLastUsed(
                accessKeyId,
                date is null ? null : QueryXml.Date(date, "LastUsedDate"),
                NotApplicableToNull(used?.Text("ServiceName")),
                NotApplicableToNull(used?.Text("Region")));
        }, cancellationToken);

    private static string? NotApplicableToNull(string? value) => string.IsNullOrEmpty(value) || value == "N/A" ? null : value;

    private static AccessKeyStatus Status(string status) => status switch
    {
        "Active" => AccessKeyStatus.Active,
        "Inactive" => AccessKeyStatus.Inactive,
        _ => throw new ResponseShapeException("<Status> is neither Active nor Inactive"),
    };

    private static IamUser User(XElement user) =>
        new(user.Required("UserName"), user.Required("UserId"), user.Required("Arn"), user.Text("Path") ?? "/", user.RequiredDate("CreateDate"));

    // GetUser's User and GetAccountAuthorizationDetails' UserDetail carry the tags the same way.
    private static IamUser UserWithTags(XElement user)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in user.Members("Tags"))
        {
            tags[member.Required("Key")] = member.Text("Value") ?? string.Empty;
        }

        return User(user) with { Tags = tags };
    }

    private Task<T> CallAsync<T>(string action, KeyValuePair<string, string>[] parameters, Func<XElement, T> read, CancellationToken cancellationToken) =>
        client.QueryAsync(action, Version, parameters, idempotent: true, read, cancellationToken);

    private async IAsyncEnumerable<T> PagesAsync<T>(string action, string listName, KeyValuePair<string, string>[] parameters, Func<XElement, T> map, [EnumeratorCancellation] CancellationToken cancellationToken, int? defaultPageSize = null)
    {
        string? marker = null;
        do
        {
            var request = new List<KeyValuePair<string, string>>(parameters);
            if ((pageSize ?? defaultPageSize) is { } size)
            {
                request.Add(new("MaxItems", size.ToString(CultureInfo.InvariantCulture)));
            }

            if (marker is not null)
            {
                request.Add(new("Marker", marker));
            }

            var page = await CallAsync(action, [.. request], result => (Items: result.Members(listName).Select(map).ToList(), Next: result.NextMarker()), cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            marker = page.Next;
        }
        while (marker is not null);
    }
}
