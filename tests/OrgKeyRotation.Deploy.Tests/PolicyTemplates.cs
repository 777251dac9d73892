namespace OrgKeyRotation.Deploy.Tests;

/// <summary>Inputs of central-execution.json.tftpl, named as the central-admin module passes them.</summary>
public sealed record CentralExecutionInputs
{
    public string Partition { get; init; } = "aws";
    public string Region { get; init; } = "eu-west-1";
    public string AccountId { get; init; } = "111111111111";
    public string RoleName { get; init; } = "IAMKeyRotationRole";
    public bool DiscoverOrganization { get; init; }
    public string OrganizationId { get; init; } = "o-abcd123456";
    public IReadOnlyList<string> MemberAccountIds { get; init; } = ["222222222222"];
    public bool EnableFanout { get; init; }
    public bool CentralSecrets { get; init; }
    public string SecretNamePrefix { get; init; } = "iam-key-rotation/";
    public IReadOnlyList<string> KmsKeyArns { get; init; } = ["arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001"];
}

/// <summary>
/// The IAM policies exactly as Terraform renders them from deploy/terraform/policies/*.json.tftpl (the single source
/// of truth), for static checks and for least-privilege tests that load them into an emulator.
/// </summary>
public static class PolicyTemplates
{
    public const string MemberPermissions = "member-role-permissions.json.tftpl";
    public const string MemberTrust = "member-role-trust.json.tftpl";
    public const string CentralExecution = "central-execution.json.tftpl";
    public const string LambdaTrust = "lambda-trust.json.tftpl";
    public const string TopicKeyPolicy = "topic-key-policy.json.tftpl";

    public static IReadOnlyList<string> All { get; } = [MemberPermissions, MemberTrust, CentralExecution, LambdaTrust, TopicKeyPolicy];

    public static string Source(string templateFile)
    {
        var path = Path.Combine(RepositoryPaths.Policies, templateFile);
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"Policy template {templateFile} is not in deploy/terraform/policies.", path);
    }

    public static string Render(string templateFile, IReadOnlyDictionary<string, object?> variables) =>
        TemplateRenderer.Render(Source(templateFile), variables);

    /// <summary>The member role's permission policy, as the member-account module renders it for one account.</summary>
    public static string RenderMemberPermissions(
        string accountId,
        string userPath = "/",
        string secretNamePrefix = "iam-key-rotation/",
        string? secretKmsKeyArn = null,
        string partition = "aws") =>
        Render(MemberPermissions, new Dictionary<string, object?>
        {
            ["partition"] = partition,
            ["account_id"] = accountId,
            ["user_path"] = userPath,
            ["secret_name_prefix"] = secretNamePrefix,
            ["has_secret_kms_key"] = secretKmsKeyArn is not null,
            ["secret_kms_key_arn"] = secretKmsKeyArn ?? "none",
        });

    /// <summary>The member role's trust policy, as the member-account module renders it.</summary>
    public static string RenderMemberTrust(string trustedPrincipalArn, string? externalId = null, string? organizationId = null) =>
        Render(MemberTrust, new Dictionary<string, object?>
        {
            ["trusted_principal_arn"] = trustedPrincipalArn,
            ["has_external_id"] = externalId is not null,
            ["external_id"] = externalId ?? "none",
            ["has_organization_id"] = organizationId is not null,
            ["organization_id"] = organizationId ?? "none",
        });

    /// <summary>The central Lambda's execution policy, as the central-admin module renders it.</summary>
    public static string RenderCentralExecution(CentralExecutionInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var arnPrefix = $"arn:{inputs.Partition}";
        return Render(CentralExecution, new Dictionary<string, object?>
        {
            ["partition"] = inputs.Partition,
            ["region"] = inputs.Region,
            ["account_id"] = inputs.AccountId,
            ["role_name"] = inputs.RoleName,
            ["organization_id"] = inputs.OrganizationId,
            ["member_role_arns"] = inputs.MemberAccountIds.Order(StringComparer.Ordinal).Select(a => $"{arnPrefix}:iam::{a}:role/{inputs.RoleName}").ToList(),
            ["discover_organization"] = inputs.DiscoverOrganization,
            ["enable_fanout"] = inputs.EnableFanout,
            ["work_queue_arn"] = inputs.EnableFanout ? $"{arnPrefix}:sqs:{inputs.Region}:{inputs.AccountId}:org-key-rotation-work" : "",
            ["central_secrets"] = inputs.CentralSecrets,
            ["secret_name_prefix"] = inputs.SecretNamePrefix,
            ["topic_arn"] = $"{arnPrefix}:sns:{inputs.Region}:{inputs.AccountId}:org-key-rotation-alerts",
            ["kms_key_arns"] = inputs.KmsKeyArns,
            ["log_group_arn"] = $"{arnPrefix}:logs:{inputs.Region}:{inputs.AccountId}:log-group:/aws/lambda/org-key-rotation",
        });
    }

    public static string RenderLambdaTrust() => Render(LambdaTrust, new Dictionary<string, object?>());

    public static string RenderTopicKeyPolicy(string accountId, string lambdaRoleArn, string partition = "aws") =>
        Render(TopicKeyPolicy, new Dictionary<string, object?>
        {
            ["partition"] = partition,
            ["account_id"] = accountId,
            ["lambda_role_arn"] = lambdaRoleArn,
        });
}
