namespace OrgKeyRotation.Aws;

/// <summary>
/// One AWS API operation the product calls. <see cref="Service"/> is the IAM action prefix (iam, secretsmanager, ssm,
/// sns, organizations, sts, sqs), <see cref="Action"/> the API name. <see cref="IamAction"/> is the IAM action that
/// authorizes the call: Service:Action, except where AWS authorizes a batch API through its single form.
/// </summary>
public sealed record AwsOperation(string Service, string Action)
{
    public string IamAction { get; init; } = $"{Service}:{Action}";
}

/// <summary>
/// Every operation production code calls, and nothing else (Aws.Tests proves each client stays inside it). The
/// deployment's IAM grants are tested against this list, and <c>keyrot permissions</c> prints it for operators.
/// </summary>
public static class AwsOperations
{
    public static IReadOnlyList<AwsOperation> All { get; } =
    [
        // Member accounts, through the assumed rotation role.
        new("iam", "ListUsers"),
        new("iam", "GetUser"),

        // The account's users with their tags, 1,000 per call, in place of GetUser per user. Optional: when it is
        // denied (member module bulk_user_read = false, or an older member role) the engine reads users one by one.
        new("iam", "GetAccountAuthorizationDetails"),
        new("iam", "GetGroup"),
        new("iam", "ListAccessKeys"),
        new("iam", "CreateAccessKey"),
        new("iam", "UpdateAccessKey"),
        new("iam", "DeleteAccessKey"),
        new("iam", "GetAccessKeyLastUsed"),

        // Member role (location "member") or the central rotator role, secrets.rotatorArn (location "central").
        new("secretsmanager", "CreateSecret"),
        new("secretsmanager", "DescribeSecret"),
        // Also with the host credentials, on the central secret that holds the GitHub credential (github.credentialsSecretArn).
        new("secretsmanager", "GetSecretValue"),
        new("secretsmanager", "PutSecretValue"),
        new("secretsmanager", "UpdateSecretVersionStage"),
        new("secretsmanager", "PutResourcePolicy"),
        new("secretsmanager", "GetResourcePolicy"),
        new("secretsmanager", "TagResource"),
        new("secretsmanager", "ListSecrets"),

        // AWS also requires lambda:InvokeFunction on the rotation function for RotateSecret (see its API reference).
        new("secretsmanager", "RotateSecret"),

        // Member accounts, through the rotation role: Parameter Store destinations (SecureString, tags in a second call).
        new("ssm", "PutParameter"),
        new("ssm", "AddTagsToResource"),

        // Central account, host credentials.
        // https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html:
        // "sns:Publish grants permission to both publish and publish batch".
        new("sns", "PublishBatch") { IamAction = "sns:Publish" },
        new("organizations", "ListAccounts"),
        new("organizations", "ListAccountsForParent"),
        new("organizations", "ListChildren"),
        new("sts", "AssumeRole"),

        // Needs no permission: AWS allows it to every principal (the key check and the host's own identity).
        new("sts", "GetCallerIdentity"),

        // The fan-out: work items and the delayed digest item on the work queue, account reports on the results queue.
        // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html:
        // the permissions of an action cover its batch form (SendMessage, DeleteMessage, ChangeMessageVisibility).
        new("sqs", "SendMessageBatch") { IamAction = "sqs:SendMessage" },
        new("sqs", "SendMessage"),
        new("sqs", "ReceiveMessage"),
        new("sqs", "DeleteMessageBatch") { IamAction = "sqs:DeleteMessage" },
        new("sqs", "ChangeMessageVisibilityBatch") { IamAction = "sqs:ChangeMessageVisibility" },
        new("sqs", "GetQueueAttributes"),
    ];
}
