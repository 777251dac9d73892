using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Ports;

// Narrow seams the engine uses. The AWS adapters in OrgKeyRotation.Aws implement them today over a small
// signed HttpClient layer; the official SDK clients can replace them without touching the engine.
// Every method throws an OrgKeyRotation.Core.Errors.AwsException when the AWS call fails: AwsServiceException (typed
// by Kind; AwsMalformedResponseException for an answer that cannot be read), AwsTransportException, or
// AmbiguousOutcomeException for a non-idempotent call whose outcome is unknown.

/// <summary>IAM for one account (the credentials decide which).</summary>
public interface IIamClient
{
    /// <summary>ListUsers, all pages. <paramref name="pathPrefix"/> "/" means every user.</summary>
    IAsyncEnumerable<IamUser> ListUsersAsync(string pathPrefix, CancellationToken cancellationToken);

    /// <summary>GetUser, with the user's tags.</summary>
    Task<IamUser> GetUserAsync(string userName, CancellationToken cancellationToken);

    /// <summary>
    /// GetAccountAuthorizationDetails with Filter=User, all pages of up to 1,000: every user of the account with its
    /// tags, where GetUser takes one call per user. Throws AccessDenied where the role lacks the grant (it is optional).
    /// </summary>
    IAsyncEnumerable<IamUser> ListUsersWithTagsAsync(CancellationToken cancellationToken);

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
    /// <summary>
    /// CreateSecret; returns the ARN. <see cref="CreateSecretRequest.SecretString"/> may be null: the secret is created
    /// without any version (the token is then not sent: AWS uses it only as the id of an initial version).
    /// </summary>
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

    /// <summary>GetResourcePolicy: the policy JSON as AWS stores it (AWS may reformat it), or null when the secret has none. A missing secret throws (ResourceNotFound).</summary>
    Task<string?> GetResourcePolicyAsync(string secretId, CancellationToken cancellationToken);

    Task TagResourceAsync(string secretId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>
    /// ListSecrets filtered by name prefix, all pages, as descriptions (tags and version stages included), secrets
    /// scheduled for deletion included (their <see cref="SecretDescription.DeletedDate"/> is set).
    /// Eventually consistent on AWS: a secret created minutes ago may be missing.
    /// </summary>
    IAsyncEnumerable<SecretDescription> ListSecretsAsync(string namePrefix, CancellationToken cancellationToken);

    /// <summary>
    /// RotateSecret: turns on the secret's rotation schedule with <paramref name="rotationLambdaArn"/> every
    /// <paramref name="automaticallyAfterDays"/> days (1-1000). With <paramref name="rotateImmediately"/> false, AWS
    /// only runs the function's testSecret step now and rotates on the schedule.
    /// </summary>
    Task RotateSecretAsync(string secretId, string rotationLambdaArn, int automaticallyAfterDays, bool rotateImmediately, CancellationToken cancellationToken);
}

/// <summary>
/// One SNS message. With <paramref name="EmailBody"/> set it is published with MessageStructure=json: email
/// subscriptions receive <paramref name="EmailBody"/>, every other protocol <paramref name="Body"/> (the "default").
/// </summary>
public sealed record SnsMessage(string Id, string Subject, string Body, IReadOnlyDictionary<string, string> Attributes, string? EmailBody = null);

/// <summary>A message SNS did not take, and why (the service's code and message, or the failed call's error).</summary>
public sealed record SnsPublishFailure(string Id, string Reason);

public interface ISnsClient
{
    /// <summary>
    /// PublishBatch in the topic's own region (from its ARN), in requests of at most 10 messages and 256 KB; a body
    /// that alone exceeds 256 KB is cut to fit and says so. Returns the messages that were not published: those SNS
    /// refused and those of a request that failed. A failed request does not stop the ones after it.
    /// </summary>
    Task<IReadOnlyList<SnsPublishFailure>> PublishBatchAsync(string topicArn, IReadOnlyList<SnsMessage> messages, CancellationToken cancellationToken);
}

public interface IOrganizationsClient
{
    IAsyncEnumerable<OrgAccount> ListAccountsAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<OrgAccount> ListAccountsForParentAsync(string parentId, CancellationToken cancellationToken);

    IAsyncEnumerable<OrgChild> ListChildrenAsync(string parentId, OrgChildType childType, CancellationToken cancellationToken);
}

public interface IStsClient
{
    /// <summary>
    /// GetCallerIdentity signed with an explicit key: proves a freshly created key works, in <paramref name="region"/>'s
    /// STS endpoint (null: the home region's). A refused key (InvalidClientTokenId while IAM propagates it, or
    /// AccessDenied) comes back after one request, without delay: the caller owns the poll schedule. Throttling, 5xx
    /// and lost requests are retried like every call.
    /// </summary>
    Task<CallerIdentity> GetCallerIdentityAsync(string accessKeyId, SensitiveString secretAccessKey, string? region, CancellationToken cancellationToken);
}

/// <summary>One received SQS message: its body and the handle that deletes it or changes its visibility.</summary>
public sealed record ReceivedMessage(string MessageId, string ReceiptHandle, string Body);

/// <summary>GetQueueAttributes' approximate message counts (eventually consistent: AWS says they may lag about a minute).</summary>
public sealed record QueueDepth(int Visible, int InFlight, int Delayed)
{
    public int Total => Visible + InFlight + Delayed;
}

/// <summary>The SQS queues of the fan-out: the work queue and the results queue.</summary>
public interface IWorkQueueClient
{
    /// <summary>SendMessageBatch in groups of 10; returns the ids that failed.</summary>
    Task<IReadOnlyList<string>> SendBatchAsync(string queueUrl, IReadOnlyList<(string Id, string Body)> messages, CancellationToken cancellationToken);

    /// <summary>SendMessage, invisible to consumers for <paramref name="delay"/> (0 to 15 minutes, whole seconds).</summary>
    Task SendAsync(string queueUrl, string body, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>
    /// ReceiveMessage: up to 10 messages, each hidden from other consumers for <paramref name="visibilityTimeout"/>;
    /// waits up to <paramref name="wait"/> (long polling, which asks every SQS server) when none is there. Empty when
    /// none came in that time.
    /// </summary>
    Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(string queueUrl, TimeSpan visibilityTimeout, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>DeleteMessageBatch in groups of 10; returns the receipt handles that failed.</summary>
    Task<IReadOnlyList<string>> DeleteBatchAsync(string queueUrl, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken);

    /// <summary>ChangeMessageVisibilityBatch in groups of 10 (0 makes them visible again at once); returns the receipt handles that failed.</summary>
    Task<IReadOnlyList<string>> ChangeVisibilityBatchAsync(string queueUrl, IReadOnlyList<string> receiptHandles, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>GetQueueAttributes: how many messages are waiting, in flight (received, not deleted) and delayed.</summary>
    Task<QueueDepth> GetDepthAsync(string queueUrl, CancellationToken cancellationToken);
}

/// <summary>The clients that act inside one member account, through the assumed rotation role.</summary>
public interface IAccountSession
{
    string AccountId { get; }

    IIamClient Iam { get; }

    /// <summary>Secrets Manager where the user's secrets live (member account by default, or central).</summary>
    ISecretsManagerClient Secrets { get; }

    /// <summary>Parameter Store of the member account, through the rotation role (a destination of the new key).</summary>
    IParameterStoreClient Parameters { get; }

    /// <summary>
    /// ARN of the principal that writes the secrets, which their resource policies name as the rotator: the member
    /// rotation role with location "member", the configured rotator role (path included) with location "central".
    /// </summary>
    string PrincipalArn { get; }
}

/// <summary>
/// Opens sessions into member accounts by sts:AssumeRole (ExternalId when configured), caching credentials
/// per account and session name until shortly before they expire.
/// </summary>
public interface IAccountSessionFactory
{
    /// <summary>
    /// <paramref name="sessionName"/> becomes the RoleSessionName, which CloudTrail shows in the member account: pass
    /// the sweep id. Characters AWS does not allow become '-', and it is cut to 64 characters.
    /// </summary>
    Task<IAccountSession> OpenAsync(string accountId, string sessionName, CancellationToken cancellationToken);

    /// <summary>
    /// With secrets in the central account: null when the host credentials are the configured rotator of the secrets,
    /// otherwise why a run under them must not write the secrets (both principals named). Null with member secrets.
    /// </summary>
    Task<string?> CentralRotatorRefusalAsync(CancellationToken cancellationToken);
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
}
