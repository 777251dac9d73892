using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>IAM over the Query protocol (2010-05-08). Lists follow Marker/IsTruncated to the end.</summary>
internal sealed class IamClient(SignedServiceClient client, int? pageSize) : IIamClient
{
    private const string Version = "2010-05-08";

    public async IAsyncEnumerable<IamUser> ListUsersAsync(string pathPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var member in PagesAsync("ListUsers", "Users", [new("PathPrefix", pathPrefix)], cancellationToken).ConfigureAwait(false))
        {
            yield return User(member);
        }
    }

    public async Task<IamUser> GetUserAsync(string userName, CancellationToken cancellationToken)
    {
        var result = await CallAsync("GetUser", [new("UserName", userName)], cancellationToken).ConfigureAwait(false);
        var user = result.Child("User") ?? throw new InvalidDataException("IAM GetUser response lacks <User>.");
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in user.Members("Tags"))
        {
            tags[member.Required("Key")] = member.Text("Value") ?? string.Empty;
        }

        return User(user) with { Tags = tags };
    }

    public async Task<IReadOnlyList<string>> GetGroupMembersAsync(string groupName, CancellationToken cancellationToken)
    {
        var members = new List<string>();
        try
        {
            await foreach (var member in PagesAsync("GetGroup", "Users", [new("GroupName", groupName)], cancellationToken).ConfigureAwait(false))
            {
                members.Add(member.Required("UserName"));
            }
        }
        catch (Core.Errors.AwsServiceException e) when (e.Kind == Core.Errors.AwsErrorKind.NoSuchEntity)
        {
            // No such group in this account: nobody is exempt through it.
        }

        return members;
    }

    public async Task<IReadOnlyDictionary<string, string>> ListUserTagsAsync(string userName, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var member in PagesAsync("ListUserTags", "Tags", [new("UserName", userName)], cancellationToken).ConfigureAwait(false))
        {
            tags[member.Required("Key")] = member.Text("Value") ?? string.Empty;
        }

        return tags;
    }

    public async Task<IReadOnlyList<string>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken)
    {
        var groups = new List<string>();
        await foreach (var member in PagesAsync("ListGroupsForUser", "Groups", [new("UserName", userName)], cancellationToken).ConfigureAwait(false))
        {
            groups.Add(member.Required("GroupName"));
        }

        return groups;
    }

    public async Task<IReadOnlyList<AccessKeyMetadata>> ListAccessKeysAsync(string userName, CancellationToken cancellationToken)
    {
        var keys = new List<AccessKeyMetadata>();
        await foreach (var member in PagesAsync("ListAccessKeys", "AccessKeyMetadata", [new("UserName", userName)], cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new AccessKeyMetadata(member.Required("AccessKeyId"), member.Text("UserName") ?? userName, Status(member.Required("Status")), QueryXml.Date(member.Required("CreateDate"))));
        }

        return keys;
    }

    public async Task<NewAccessKey> CreateAccessKeyAsync(string userName, CancellationToken cancellationToken)
    {
        var result = await client.QueryAsync("CreateAccessKey", Version, [new("UserName", userName)], idempotent: false, cancellationToken).ConfigureAwait(false);
        var key = result.Child("AccessKey") ?? throw new InvalidDataException("IAM CreateAccessKey response lacks <AccessKey>.");
        return new NewAccessKey(key.Required("AccessKeyId"), key.Text("UserName") ?? userName, new SensitiveString(key.Required("SecretAccessKey")), QueryXml.Date(key.Required("CreateDate")));
    }

    public Task UpdateAccessKeyAsync(string userName, string accessKeyId, AccessKeyStatus status, CancellationToken cancellationToken) =>
        CallAsync("UpdateAccessKey", [new("UserName", userName), new("AccessKeyId", accessKeyId), new("Status", status == AccessKeyStatus.Active ? "Active" : "Inactive")], cancellationToken);

    public Task DeleteAccessKeyAsync(string userName, string accessKeyId, CancellationToken cancellationToken) =>
        CallAsync("DeleteAccessKey", [new("UserName", userName), new("AccessKeyId", accessKeyId)], cancellationToken);

    public async Task<AccessKeyLastUsed> GetAccessKeyLastUsedAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        var result = await CallAsync("GetAccessKeyLastUsed", [new("AccessKeyId", accessKeyId)], cancellationToken).ConfigureAwait(false);
        var used = result.Child("AccessKeyLastUsed");
        var date = NotApplicableToNull(used?.Text("LastUsedDate"));
        return new AccessKeyLastUsed(
            accessKeyId,
            date is null ? null : QueryXml.Date(date),
            NotApplicableToNull(used?.Text("ServiceName")),
            NotApplicableToNull(used?.Text("Region")));
    }

    private static string? NotApplicableToNull(string? value) => string.IsNullOrEmpty(value) || value == "N/A" ? null : value;

    private static AccessKeyStatus Status(string status) => status switch
    {
        "Active" => AccessKeyStatus.Active,
        "Inactive" => AccessKeyStatus.Inactive,
        _ => throw new InvalidDataException($"IAM returned an unknown access key status '{status}'."),
    };

    private static IamUser User(XElement user) =>
        new(user.Required("UserName"), user.Required("UserId"), user.Required("Arn"), user.Text("Path") ?? "/", QueryXml.Date(user.Required("CreateDate")));

    private Task<XElement> CallAsync(string action, KeyValuePair<string, string>[] parameters, CancellationToken cancellationToken) =>
        client.QueryAsync(action, Version, parameters, idempotent: true, cancellationToken);

    private async IAsyncEnumerable<XElement> PagesAsync(string action, string listName, KeyValuePair<string, string>[] parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? marker = null;
        do
        {
            var page = new List<KeyValuePair<string, string>>(parameters);
            if (pageSize is { } size)
            {
                page.Add(new("MaxItems", size.ToString(CultureInfo.InvariantCulture)));
            }

            if (marker is not null)
            {
                page.Add(new("Marker", marker));
            }

            var result = await client.QueryAsync(action, Version, page, idempotent: true, cancellationToken).ConfigureAwait(false);
            foreach (var member in result.Members(listName))
            {
                yield return member;
            }

            marker = result.NextMarker();
        }
        while (marker is not null);
    }
}
