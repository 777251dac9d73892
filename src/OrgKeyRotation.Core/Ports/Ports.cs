using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Ports;

// Narrow seams the engine uses. The AWS adapters in OrgKeyRotation.Aws implement them today over a small
// signed HttpClient layer; the official SDK clients can replace them without touching the engine.
// Every method throws OrgKeyRotation.Core.Errors.AwsServiceException (typed by Kind) on an AWS error.

/// <summary>IAM for one account (the credentials decide which).</summary>
public interface IIamClient
{
    /// <summary>ListUsers, all pages. <paramref name="pathPrefix"/> "/" means every user.</summary>
    IAsyncEnumerable<IamUser> ListUsersAsync(string pathPrefix, CancellationToken cancellationToken);

    /// <summary>GetUser, with the user's tags.</summary>
    Task<IamUser> GetUserAsync(string userName, CancellationToken cancellationToken);

    /// <summary>ListUserTags, all pages.</summary>
    Task<IReadOnlyDictionary<string, string>> ListUserTagsAsync(string userName, CancellationToken cancellationToken);

    /// <summary>ListGroupsForUser, all pages: group names.</summary>
    Task<IReadOnlyList<string>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken);

    /// <summary>GetGroup, all pages: the user names in the group; empty when the group does not exist.</summary>
    Task<IReadOnlyList<string>> GetGroupMembersAsync(string groupName, CancellationToken cancellationToken);

    /// <summary>ListAccessKeys, all pages.</summary>
    Task<IReadOnlyList<AccessKeyMetadata>> ListAccessKeysAsync(string userName, CancellationToken cancellationToken);

    /// <summary>CreateAccessKey. Never retried after an ambiguous failure: throws AmbiguousOutcomeException instead.</summary>
    Task<NewAccessKey> CreateAccessKeyAsync(string userName, CancellationToken cancellationToken);

    Task UpdateAccessKeyAsync(string userName, string accessKeyId, AccessKeyStatus status, CancellationToken cancellationToken);

    Task DeleteAccessKeyAsync(string userName, string accessKeyId, CancellationToken cancellationToken);

    Task<AccessKeyLastUsed> GetAccessKeyLastUsedAsync(string accessKeyId, CancellationToken cancellationToken);
}

/// <summary>Secrets Manager in one account and region.</summary>
public interface ISecretsManagerClient
{
    /// <summary>CreateSecret; returns the ARN. <see cref="CreateSecretRequest.SecretString"/> may be null (metadata only).</summary>
    Task<string> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken);

    /// <summary>DescribeSecret, or null when the secret does not exist.</summary>
    Task<SecretDescription?> DescribeSecretAsync(string secretId, CancellationToken cancellationToken);

    /// <summary>GetSecretValue by version id or stage (pass one); null when that version/stage does not exist.</summary>
    Task<SecretValue?> GetSecretValueAsync(string secretId, string? versionId, string? versionStage, CancellationToken cancellationToken);

    /// <summary>PutSecretValue with an explicit token (idempotent for the same token and value) and stages.</summary>
    Task PutSecretValueAsync(string secretId, string clientRequestToken, SensitiveString secretString, IReadOnlyList<string> versionStages, CancellationToken cancellationToken);

    /// <summary>UpdateSecretVersionStage: moves <paramref name="stage"/> to <paramref name="moveToVersionId"/> (and/or removes it from <paramref name="removeFromVersionId"/>).</summary>
    Task UpdateSecretVersionStageAsync(string secretId, string stage, string? moveToVersionId, string? removeFromVersionId, CancellationToken cancellationToken);

    Task PutResourcePolicyAsync(string secretId, string policyJson, CancellationToken cancellationToken);

    Task TagResourceAsync(string secretId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>
    /// ListSecrets filtered by name prefix, all pages, as descriptions (tags and version stages included).
    /// Eventually consistent on AWS: a secret created minutes ago may be missing.
    /// </summary>
    IAsyncEnumerable<SecretDescription> ListSecretsAsync(string namePrefix, CancellationToken cancellationToken);

    /// <summary>ListSecretVersionIds, all pages.</summary>
    Task<IReadOnlyList<SecretVersion>> ListSecretVersionIdsAsync(string secretId, CancellationToken cancellationToken);
}

/// <summary>One SNS message.</summary>
public sealed record SnsMessage(string Id, string Subject, string Body, IReadOnlyDictionary<string, string> Attributes);

public interface ISnsClient
{
    Task<string> PublishAsync(string topicArn, SnsMessage message, CancellationToken cancellationToken);

    /// <summary>PublishBatch in groups of at most 10; returns the ids that failed.</summary>
    Task<IReadOnlyList<string>> PublishBatchAsync(string topicArn, IReadOnlyList<SnsMessage> messages, CancellationToken cancellationToken);
}

public interface IOrganizationsClient
{
    IAsyncEnumerable<OrgAccount> ListAccountsAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<OrgAccount> ListAccountsForParentAsync(string parentId, CancellationToken cancellationToken);

    IAsyncEnumerable<OrgChild> ListChildrenAsync(string parentId, OrgChildType childType, CancellationToken cancellationToken);

    Task<OrgAccount> DescribeAccountAsync(string accountId, CancellationToken cancellationToken);
}

public interface IStsClient
{
    Task<CallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken);

    /// <summary>GetCallerIdentity signed with an explicit key: proves a freshly created key works.</summary>
    Task<CallerIdentity> GetCallerIdentityAsync(string accessKeyId, SensitiveString secretAccessKey, CancellationToken cancellationToken);
}

/// <summary>SQS work queue for fan-out.</summary>
public interface IWorkQueueClient
{
    /// <summary>SendMessageBatch in groups of 10; returns the ids that failed.</summary>
    Task<IReadOnlyList<string>> SendBatchAsync(string queueUrl, IReadOnlyList<(string Id, string Body)> messages, CancellationToken cancellationToken);
}

/// <summary>The clients that act inside one member account, through the assumed rotation role.</summary>
public interface IAccountSession
{
    string AccountId { get; }

    IIamClient Iam { get; }

    /// <summary>Secrets Manager where the user's secrets live (member account by default, or central).</summary>
    ISecretsManagerClient Secrets { get; }

    /// <summary>ARN of the principal the session acts as (the assumed role), for secret resource policies.</summary>
    string PrincipalArn { get; }
}

/// <summary>
/// Opens sessions into member accounts by sts:AssumeRole (ExternalId when configured), caching credentials
/// per account and role until shortly before they expire.
/// </summary>
public interface IAccountSessionFactory
{
    Task<IAccountSession> OpenAsync(string accountId, CancellationToken cancellationToken);
}

/// <summary>The clients that act from the central (admin) account with the host's own credentials.</summary>
public interface ICentralClients
{
    IStsClient Sts { get; }

    ISnsClient Sns { get; }

    IOrganizationsClient Organizations { get; }

    IWorkQueueClient WorkQueue { get; }

    IAccountSessionFactory Accounts { get; }

    /// <summary>Secrets Manager of the central account (host credentials): where secrets live with location "central".</summary>
    ISecretsManagerClient Secrets { get; }

    /// <summary>AWS partition of the home region: aws, aws-cn or aws-us-gov.</summary>
    string Partition { get; }

    string Region { get; }
}
