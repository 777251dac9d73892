using System.Text.Json.Nodes;
using OrgKeyRotation.Deploy.Tests.Tools;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// Requests evaluated against the rendered identity, trust and resource policies as AWS evaluates them, conditions
/// and resource scoping included, by @cloud-copilot/iam-simulate (AGPL-3.0; a test tool, never shipped). The
/// policies are those Terraform renders for the scenarios of <see cref="DeployScenarios"/>; the secret's resource
/// policy is the product's own (ManagedSecret.ResourcePolicy).
/// </summary>
[Trait("Category", "Unit")]
public sealed class PolicySimulationTests
{
    public const string Central = DeployScenarios.CentralAccount;
    public const string Member = DeployScenarios.MemberAccount;
    public const string Org = DeployScenarios.OrganizationId;
    public const string OtherOrg = "o-zzzz999999";
    public const string Alice = "arn:aws:iam::222222222222:user/automation/alice";
    public const string MemberRole = "arn:aws:iam::222222222222:role/IAMKeyRotationRole";
    public const string CentralRole = "arn:aws:iam::111111111111:role/org-key-rotation-lambda";
    private const string MemberSecret = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:iam-key-rotation/222222222222/alice-AbCdEf";
    private const string CentralSecret = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:iam-key-rotation/222222222222/alice-AbCdEf";
    private const string Function = "arn:aws:lambda:eu-west-1:111111111111:function:org-key-rotation";

    private const string Allowed = "Allowed";
    private const string ImplicitlyDenied = "ImplicitlyDenied";
    private const string ExplicitlyDenied = "ExplicitlyDenied";

    private const string SecretsManagerEverything = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}""";
    private const string Administrator = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    /// <summary>A principal as AWS sees it in a request: a role session or a user, with the context keys AWS sets for it.</summary>
    private sealed record Principal(string Arn, string Account, string? OrgId, params string[] IdentityPolicies)
    {
        /// <summary>The role of a session, path included: AWS gives it as aws:PrincipalArn (the session ARN has no path).</summary>
        public string? RoleArn { get; init; }

        public string PrincipalArn => RoleArn ?? Arn;

        /// <summary>aws:username: an IAM user's name; AWS sets it for IAM users only.</summary>
        public string? UserName => Arn.Contains(":user/", StringComparison.Ordinal) ? Arn.Split('/')[^1] : null;

        public static Principal Session(string roleArn, string? orgId, params string[] identityPolicies)
        {
            var account = roleArn.Split(':')[4];
            return new($"arn:aws:sts::{account}:assumed-role/{roleArn.Split('/')[^1]}/orgkeyrotation", account, orgId, identityPolicies) { RoleArn = roleArn };
        }
    }

    private sealed record Request(string Name, Principal Who, string Action, string Resource, string ResourceAccount, string? ResourcePolicy, string Expected, Dictionary<string, string>? Context = null);

    private static string CentralPolicy(string scenario, string output = "execution_policy") =>
        DeployScenarios.Evaluated.Central[scenario].GetProperty(output).GetString()!;

    private static string MemberPolicy(string scenario, string output) =>
        DeployScenarios.Evaluated.Member[scenario].GetProperty(output).GetString()!;

    private static IEnumerable<Request> Table()
    {
        // --- Trust: who may assume the member role (minimal inputs: derived role ARN, ExternalId and PrincipalOrgID on) ---
        var trust = MemberPolicy("minimal", "trust_policy");
        var externalId = DeployScenarios.Evaluated.Central["minimal"].GetProperty("external_id").GetString()!;
        var rotator = Principal.Session(CentralRole, Org, CentralPolicy("list_inline_member"));
        var withId = new Dictionary<string, string> { ["sts:ExternalId"] = externalId, ["aws:ResourceOrgID"] = Org };
        yield return new("trust: the central role with the ExternalId", rotator, "sts:AssumeRole", MemberRole, Member, trust, Allowed, withId);
        yield return new("trust: the central role without the ExternalId", rotator, "sts:AssumeRole", MemberRole, Member, trust, ImplicitlyDenied, new() { ["aws:ResourceOrgID"] = Org });
        yield return new("trust: the central role with another ExternalId", rotator, "sts:AssumeRole", MemberRole, Member, trust, ImplicitlyDenied, new() { ["sts:ExternalId"] = "guessed", ["aws:ResourceOrgID"] = Org });
        yield return new("trust: the same role name in another organization", Principal.Session("arn:aws:iam::999999999999:role/org-key-rotation-lambda", OtherOrg, Administrator), "sts:AssumeRole", MemberRole, Member, trust, ImplicitlyDenied, withId);
        yield return new("trust: another principal of the central account", Principal.Session("arn:aws:iam::111111111111:role/Administrator", Org, Administrator), "sts:AssumeRole", MemberRole, Member, trust, ImplicitlyDenied, withId);
        yield return new("trust: a user of the central account", new Principal("arn:aws:iam::111111111111:user/ops", Central, Org, Administrator), "sts:AssumeRole", MemberRole, Member, trust, ImplicitlyDenied, withId);
        var discoverer = Principal.Session(CentralRole, Org, CentralPolicy("discovery_inline_member"));
        yield return new("discovery: the central role assumes a role inside the organization", discoverer, "sts:AssumeRole", MemberRole, Member, trust, Allowed, withId);
        yield return new("discovery: the central role may not assume the same role name outside it", discoverer, "sts:AssumeRole", "arn:aws:iam::999999999999:role/IAMKeyRotationRole", "999999999999", null, ImplicitlyDenied, new() { ["sts:ExternalId"] = externalId, ["aws:ResourceOrgID"] = OtherOrg });
        yield return new("explicit list: the central role may not assume a role in an unlisted account", rotator, "sts:AssumeRole", "arn:aws:iam::444444444444:role/IAMKeyRotationRole", "444444444444", null, ImplicitlyDenied, withId);

        var memberRotatorWithoutParameters = Principal.Session(MemberRole, Org, MemberPolicy("minimal", "permissions_policy"));

        // --- The member role (user path /automation/): key operations inside the path only, no user or policy management ---
        var role = Principal.Session(MemberRole, Org, MemberPolicy("path_and_key", "permissions_policy"));
        foreach (var action in new[] { "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:GetUser" })
        {
            yield return new($"member role: {action} on a user inside the path", role, action, Alice, Member, null, Allowed);
        }

        yield return new("member role: iam:CreateAccessKey on a user outside the path", role, "iam:CreateAccessKey", "arn:aws:iam::222222222222:user/admins/bob", Member, null, ImplicitlyDenied);
        yield return new("member role: iam:DeleteAccessKey on a user outside the path", role, "iam:DeleteAccessKey", "arn:aws:iam::222222222222:user/bob", Member, null, ImplicitlyDenied);
        yield return new("member role: iam:CreateAccessKey on a user of another account", role, "iam:CreateAccessKey", "arn:aws:iam::333333333333:user/automation/alice", "333333333333", null, ImplicitlyDenied);
        yield return new("member role: iam:ListUsers", role, "iam:ListUsers", "*", Member, null, Allowed);
        yield return new("member role: iam:CreateUser", role, "iam:CreateUser", "arn:aws:iam::222222222222:user/automation/mallory", Member, null, ImplicitlyDenied);
        yield return new("member role: iam:AttachUserPolicy", role, "iam:AttachUserPolicy", Alice, Member, null, ImplicitlyDenied);
        yield return new("member role: iam:PutUserPolicy", role, "iam:PutUserPolicy", Alice, Member, null, ImplicitlyDenied);
        yield return new("member role: iam:CreateRole", role, "iam:CreateRole", "arn:aws:iam::222222222222:role/escape", Member, null, ImplicitlyDenied);

        // The bulk read of users and their tags (member input bulk_user_read, on by default): it takes no resource.
        yield return new("member role: iam:GetAccountAuthorizationDetails by default", role, "iam:GetAccountAuthorizationDetails", "*", Member, null, Allowed);
        var noBulkRead = Principal.Session(MemberRole, Org, MemberPolicy("path_and_key" + DeployScenarios.NoBulkRead, "permissions_policy"));
        yield return new("member role: no iam:GetAccountAuthorizationDetails with bulk_user_read = false", noBulkRead, "iam:GetAccountAuthorizationDetails", "*", Member, null, ImplicitlyDenied);
        yield return new("member role: with bulk_user_read = false, the fallback iam:GetUser on a user inside the path", noBulkRead, "iam:GetUser", Alice, Member, null, Allowed);

        // --- Parameter Store destinations: the member role writes under the granted prefixes only, and never reads ---
        var parameterWriter = Principal.Session(MemberRole, Org, MemberPolicy("ssm_destinations", "permissions_policy"));
        const string Parameter = "arn:aws:ssm:eu-west-1:222222222222:parameter/orgkeyrotation/222222222222/alice";
        const string DefaultKeyPolicyOfTheMember = """{"Version":"2012-10-17","Statement":[{"Sid":"EnableIamPolicies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}""";
        var viaParameterStore = new Dictionary<string, string> { ["kms:ViaService"] = "ssm.eu-west-1.amazonaws.com" };
        yield return new("parameters: the member role puts a parameter under a granted prefix", parameterWriter, "ssm:PutParameter", Parameter, Member, null, Allowed);
        yield return new("parameters: the member role tags a parameter under a granted prefix", parameterWriter, "ssm:AddTagsToResource", Parameter, Member, null, Allowed);
        yield return new("parameters: the member role puts the pair parameter of the granted name", parameterWriter, "ssm:PutParameter", "arn:aws:ssm:eu-west-1:222222222222:parameter/orgkeyrotation-ci/alice/secret-access-key", Member, null, Allowed);
        yield return new("parameters: not a parameter outside the prefixes", parameterWriter, "ssm:PutParameter", "arn:aws:ssm:eu-west-1:222222222222:parameter/app/database-password", Member, null, ImplicitlyDenied);
        yield return new("parameters: not a parameter of another account", parameterWriter, "ssm:PutParameter", Parameter.Replace(":222222222222:", ":333333333333:", StringComparison.Ordinal), "333333333333", null, ImplicitlyDenied);
        yield return new("parameters: the member role never reads one", parameterWriter, "ssm:GetParameter", Parameter, Member, null, ImplicitlyDenied);
        yield return new("parameters: the member role never deletes one", parameterWriter, "ssm:DeleteParameter", Parameter, Member, null, ImplicitlyDenied);
        yield return new("parameters: without ssm_parameter_prefixes no parameter may be written", memberRotatorWithoutParameters, "ssm:PutParameter", Parameter, Member, null, ImplicitlyDenied);
        yield return new("parameters: the member role encrypts with the given key through Parameter Store", parameterWriter, "kms:Encrypt", DeployScenarios.ParameterKeyArn, Member, DefaultKeyPolicyOfTheMember, Allowed, viaParameterStore);
        yield return new("parameters: not with the given key outside Parameter Store", parameterWriter, "kms:Encrypt", DeployScenarios.ParameterKeyArn, Member, DefaultKeyPolicyOfTheMember, ImplicitlyDenied, new() { ["kms:ViaService"] = "s3.eu-west-1.amazonaws.com" });
        yield return new("parameters: the member role may not decrypt with the key", parameterWriter, "kms:Decrypt", DeployScenarios.ParameterKeyArn, Member, DefaultKeyPolicyOfTheMember, ImplicitlyDenied, viaParameterStore);

        // --- The GitHub credential: the central role reads its one secret, and its key through Secrets Manager only ---
        var gitHubReader = Principal.Session(CentralRole, Org, CentralPolicy("destinations"));
        var viaSecretsManagerHere = new Dictionary<string, string> { ["kms:ViaService"] = "secretsmanager.eu-west-1.amazonaws.com" };
        const string DefaultKeyPolicyOfTheCentral = """{"Version":"2012-10-17","Statement":[{"Sid":"EnableIamPolicies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}""";
        yield return new("github: the central role reads the GitHub credential", gitHubReader, "secretsmanager:GetSecretValue", DeployScenarios.GitHubSecretArn, Central, null, Allowed);
        yield return new("github: not another secret of the account", gitHubReader, "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:payments/db-AbCdEf", Central, null, ImplicitlyDenied);
        yield return new("github: the central role may not change the credential", gitHubReader, "secretsmanager:PutSecretValue", DeployScenarios.GitHubSecretArn, Central, null, ImplicitlyDenied);
        yield return new("github: the central role decrypts the credential's key through Secrets Manager", gitHubReader, "kms:Decrypt", DeployScenarios.GitHubKeyArn, Central, DefaultKeyPolicyOfTheCentral, Allowed, viaSecretsManagerHere);
        yield return new("github: not the credential's key outside Secrets Manager", gitHubReader, "kms:Decrypt", DeployScenarios.GitHubKeyArn, Central, DefaultKeyPolicyOfTheCentral, ImplicitlyDenied);
        yield return new("github: without github destinations the credential is not readable", rotator, "secretsmanager:GetSecretValue", DeployScenarios.GitHubSecretArn, Central, null, ImplicitlyDenied);

        // --- The secret in the member account: the user reads, the rotator writes, nobody else does either ---
        var memberSecretPolicy = ManagedSecret.ResourcePolicy(Alice, MemberRole);
        var alice = new Principal(Alice, Member, Org);
        var developer = Principal.Session("arn:aws:iam::222222222222:role/Developer", Org, SecretsManagerEverything);
        var memberRotator = Principal.Session(MemberRole, Org, MemberPolicy("minimal", "permissions_policy"));
        yield return new("member secret: the user reads its secret", alice, "secretsmanager:GetSecretValue", MemberSecret, Member, memberSecretPolicy, Allowed);
        yield return new("member secret: the user describes its secret", alice, "secretsmanager:DescribeSecret", MemberSecret, Member, memberSecretPolicy, Allowed);
        yield return new("member secret: the user may not write it", alice, "secretsmanager:PutSecretValue", MemberSecret, Member, memberSecretPolicy, ExplicitlyDenied);
        foreach (var action in new[] { "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret", "secretsmanager:TagResource" })
        {
            yield return new($"member secret: another principal with secretsmanager:* may not {action}", developer, action, MemberSecret, Member, memberSecretPolicy, ExplicitlyDenied);
        }

        yield return new("member secret: the account's administrator may not read it", Principal.Session("arn:aws:iam::222222222222:role/Administrator", Org, Administrator), "secretsmanager:GetSecretValue", MemberSecret, Member, memberSecretPolicy, ExplicitlyDenied);
        foreach (var action in new[] { "secretsmanager:CreateSecret", "secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:PutResourcePolicy", "secretsmanager:GetResourcePolicy", "secretsmanager:TagResource", "secretsmanager:DescribeSecret" })
        {
            yield return new($"member secret: the rotator may {action}", memberRotator, action, MemberSecret, Member, memberSecretPolicy, Allowed);
        }

        yield return new("member secret: the rotator lists secrets", memberRotator, "secretsmanager:ListSecrets", "*", Member, null, Allowed);
        yield return new("member secret: the rotator may not delete it", memberRotator, "secretsmanager:DeleteSecret", MemberSecret, Member, memberSecretPolicy, ImplicitlyDenied);

        // --- A released secret (keyrot release-secrets, before removal): the account manages it, the user still reads it ---
        var releasedPolicy = ManagedSecret.ReleasedPolicy(Alice);
        var memberAdministrator = Principal.Session("arn:aws:iam::222222222222:role/Administrator", Org, Administrator);
        yield return new("member secret: the account's administrator may not delete it before its release", memberAdministrator, "secretsmanager:DeleteSecret", MemberSecret, Member, memberSecretPolicy, ExplicitlyDenied);
        yield return new("released secret: the account's administrator may delete it", memberAdministrator, "secretsmanager:DeleteSecret", MemberSecret, Member, releasedPolicy, Allowed);
        yield return new("released secret: the account's administrator may cancel its rotation", memberAdministrator, "secretsmanager:CancelRotateSecret", MemberSecret, Member, releasedPolicy, Allowed);
        yield return new("released secret: the account's administrator may still not read it", memberAdministrator, "secretsmanager:GetSecretValue", MemberSecret, Member, releasedPolicy, ExplicitlyDenied);
        yield return new("released secret: the user still reads it", alice, "secretsmanager:GetSecretValue", MemberSecret, Member, releasedPolicy, Allowed);
        yield return new("released secret: without an identity policy nobody else may delete it", Principal.Session("arn:aws:iam::222222222222:role/ReadOnly", Org), "secretsmanager:DeleteSecret", MemberSecret, Member, releasedPolicy, ImplicitlyDenied);

        // --- The secret in the central account: the rotator is the central execution role ---
        var centralSecretPolicy = ManagedSecret.ResourcePolicy(Alice, CentralRole);
        var centralRotator = Principal.Session(CentralRole, Org, CentralPolicy("list_inline_central"));
        foreach (var action in new[] { "secretsmanager:CreateSecret", "secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:PutResourcePolicy", "secretsmanager:GetResourcePolicy", "secretsmanager:TagResource", "secretsmanager:DescribeSecret" })
        {
            yield return new($"central secret: the rotator may {action}", centralRotator, action, CentralSecret, Central, centralSecretPolicy, Allowed);
        }

        yield return new("central secret: the rotator lists secrets", centralRotator, "secretsmanager:ListSecrets", "*", Central, null, Allowed);
        var aliceReadsCentral = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"{{CentralSecret}}"}]}""";
        yield return new("central secret: the user reads it across accounts (its identity policy allows it)", alice with { IdentityPolicies = [aliceReadsCentral] }, "secretsmanager:GetSecretValue", CentralSecret, Central, centralSecretPolicy, Allowed);
        yield return new("central secret: without such an identity policy the user may not", alice, "secretsmanager:GetSecretValue", CentralSecret, Central, centralSecretPolicy, ImplicitlyDenied);
        yield return new("central secret: another central principal with secretsmanager:* may not read it", Principal.Session("arn:aws:iam::111111111111:role/Operator", Org, SecretsManagerEverything), "secretsmanager:GetSecretValue", CentralSecret, Central, centralSecretPolicy, ExplicitlyDenied);
        yield return new("central secret: another central principal with secretsmanager:* may not write it", Principal.Session("arn:aws:iam::111111111111:role/Operator", Org, SecretsManagerEverything), "secretsmanager:PutSecretValue", CentralSecret, Central, centralSecretPolicy, ExplicitlyDenied);
        yield return new("central secret: a member principal with secretsmanager:* may not read it", developer, "secretsmanager:GetSecretValue", CentralSecret, Central, centralSecretPolicy, ExplicitlyDenied);
        yield return new("central secret: the member role has no access to it", memberRotator, "secretsmanager:PutSecretValue", CentralSecret, Central, centralSecretPolicy, ExplicitlyDenied);

        // --- Fan-out: the central role uses its own work and results queues only, and changes visibility only where the digest drains ---
        var fanOut = Principal.Session(CentralRole, Org, CentralPolicy("list_fanout_member"));
        var workQueue = DeployScenarios.WorkQueueArn;
        var resultsQueue = DeployScenarios.ResultsQueueArn;
        foreach (var action in new[] { "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes" })
        {
            yield return new($"fan-out: {action} on the work queue", fanOut, action, workQueue, Central, null, Allowed);
        }

        foreach (var action in new[] { "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility" })
        {
            yield return new($"fan-out: {action} on the results queue", fanOut, action, resultsQueue, Central, null, Allowed);
        }

        yield return new("fan-out: no visibility changes on the work queue (the event source owns its messages)", fanOut, "sqs:ChangeMessageVisibility", workQueue, Central, null, ImplicitlyDenied);
        yield return new("fan-out: the results queue cannot be purged", fanOut, "sqs:PurgeQueue", resultsQueue, Central, null, ImplicitlyDenied);
        yield return new("fan-out: no other queue of the account", fanOut, "sqs:SendMessage", $"arn:aws:sqs:{DeployScenarios.Region}:{Central}:someone-elses-queue", Central, null, ImplicitlyDenied);
        yield return new("fan-out: without it, no results queue", centralRotator, "sqs:SendMessage", resultsQueue, Central, null, ImplicitlyDenied);

        // --- Secrets Manager rotation (central secrets only): the rotator turns rotation on for its secrets ---
        var smRotator = Principal.Session(CentralRole, Org, CentralPolicy("list_inline_central_smrotation"));
        yield return new("rotation: the rotator turns rotation on for its secret", smRotator, "secretsmanager:RotateSecret", CentralSecret, Central, centralSecretPolicy, Allowed);
        yield return new("rotation: RotateSecret may invoke the rotation function", smRotator, "lambda:InvokeFunction", Function, Central, null, Allowed);
        yield return new("rotation: without the option the rotator may not", centralRotator, "secretsmanager:RotateSecret", CentralSecret, Central, centralSecretPolicy, ImplicitlyDenied);
        // --- Central secrets as central-admin deploys them with a created key (central-secrets example) ---
        foreach (var request in CentralSecretsWithTheCreatedKey())
        {
            yield return request;
        }

        // --- Member secrets under a key alias: each account's role uses the key the alias names there, through Secrets Manager ---
        var aliasRole = Principal.Session(MemberRole, Org, MemberPolicy("alias_key", "permissions_policy"));
        const string MemberKey = "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-0000000000aa";
        var viaSecretsManager = new Dictionary<string, string> { ["kms:ViaService"] = "secretsmanager.eu-west-1.amazonaws.com" };
        // A KMS key always has a key policy; the default one lets the account's IAM policies grant its use.
        const string DefaultKeyPolicy = """{"Version":"2012-10-17","Statement":[{"Sid":"EnableIamPolicies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}""";
        yield return new("alias key: the member role encrypts with the key the alias names, through Secrets Manager", aliasRole, "kms:GenerateDataKey", MemberKey, Member, DefaultKeyPolicy, Allowed, new(viaSecretsManager) { ["kms:ResourceAliases"] = "alias/org-key-rotation" });
        yield return new("alias key: not a key another alias names", aliasRole, "kms:GenerateDataKey", MemberKey, Member, DefaultKeyPolicy, ImplicitlyDenied, new(viaSecretsManager) { ["kms:ResourceAliases"] = "alias/payments" });
        yield return new("alias key: not directly, only through Secrets Manager", aliasRole, "kms:Decrypt", MemberKey, Member, DefaultKeyPolicy, ImplicitlyDenied, new() { ["kms:ResourceAliases"] = "alias/org-key-rotation" });
        yield return new("alias key: not a key of another account", aliasRole, "kms:Decrypt", MemberKey.Replace("222222222222", "333333333333", StringComparison.Ordinal), "333333333333", null, ImplicitlyDenied, new(viaSecretsManager) { ["kms:ResourceAliases"] = "alias/org-key-rotation" });

        yield return new("rotation: an operator may not rotate a hand-over secret", Principal.Session("arn:aws:iam::111111111111:role/Operator", Org, SecretsManagerEverything), "secretsmanager:RotateSecret", CentralSecret, Central, centralSecretPolicy, ExplicitlyDenied);
    }

    /// <summary>
    /// Scenario central_created_key: the execution role under /service/, the key central-admin creates with its key
    /// policy, the users' identity policy (output secret_reader_policy) and the secret's own resource policy. A member
    /// user reads and decrypts its own secret through Secrets Manager and nothing else; the rotator writes.
    /// </summary>
    private static IEnumerable<Request> CentralSecretsWithTheCreatedKey()
    {
        const string Scenario = "central_created_key";
        const string Rotator = "arn:aws:iam::111111111111:role/service/org-key-rotation-lambda";
        const string Key = DeployScenarios.CreatedSecretsKeyArn;
        const string BobSecret = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:iam-key-rotation/222222222222/bob-GhIjKl";
        var outputs = DeployScenarios.Evaluated.Central[Scenario];
        Assert.Equal(Rotator, outputs.GetProperty("execution_role_arn").GetString());
        var keyPolicy = CentralPolicy(Scenario, "secrets_key_policy");
        var reader = CentralPolicy(Scenario, "secret_reader_policy");
        var secretPolicy = ManagedSecret.ResourcePolicy(Alice, Rotator);
        var alice = new Principal(Alice, Member, Org, reader);
        var bob = new Principal("arn:aws:iam::222222222222:user/bob", Member, Org, reader);
        var outsider = new Principal("arn:aws:iam::999999999999:user/alice", "999999999999", OtherOrg, reader);
        var rotator = Principal.Session(Rotator, Org, CentralPolicy(Scenario));
        Dictionary<string, string> ViaSecretsManager(string secretArn) => new() { ["kms:ViaService"] = "secretsmanager.eu-west-1.amazonaws.com", ["kms:EncryptionContext:SecretARN"] = secretArn };

        yield return new("central key: the user reads its own secret", alice, "secretsmanager:GetSecretValue", CentralSecret, Central, secretPolicy, Allowed);
        yield return new("central key: the user decrypts its own secret through Secrets Manager", alice, "kms:Decrypt", Key, Central, keyPolicy, Allowed, ViaSecretsManager(CentralSecret));
        yield return new("central key: the user may not decrypt another user's secret", alice, "kms:Decrypt", Key, Central, keyPolicy, ImplicitlyDenied, ViaSecretsManager(BobSecret));
        yield return new("central key: another user of the account may not decrypt the user's secret", bob, "kms:Decrypt", Key, Central, keyPolicy, ImplicitlyDenied, ViaSecretsManager(CentralSecret));
        yield return new("central key: another user of the account may not read the user's secret", bob, "secretsmanager:GetSecretValue", CentralSecret, Central, secretPolicy, ExplicitlyDenied);
        yield return new("central key: the user may not decrypt outside Secrets Manager", alice, "kms:Decrypt", Key, Central, keyPolicy, ImplicitlyDenied, new() { ["kms:EncryptionContext:SecretARN"] = CentralSecret });
        yield return new("central key: a user of another organization may not decrypt", outsider, "kms:Decrypt", Key, Central, keyPolicy, ImplicitlyDenied,
            ViaSecretsManager("arn:aws:secretsmanager:eu-west-1:111111111111:secret:iam-key-rotation/999999999999/alice-AbCdEf"));
        foreach (var action in new[] { "secretsmanager:CreateSecret", "secretsmanager:PutSecretValue", "secretsmanager:PutResourcePolicy", "secretsmanager:GetSecretValue" })
        {
            yield return new($"central key: the rotator (role under a path) may {action}", rotator, action, CentralSecret, Central, secretPolicy, Allowed);
        }

        yield return new("central key: the rotator encrypts through Secrets Manager", rotator, "kms:GenerateDataKey", Key, Central, keyPolicy, Allowed, ViaSecretsManager(CentralSecret));
        yield return new("central key: the rotator decrypts through Secrets Manager", rotator, "kms:Decrypt", Key, Central, keyPolicy, Allowed, ViaSecretsManager(CentralSecret));

        // keyrot run by hand as the rotator: the listed operator role may assume the execution role, no one else.
        var trust = CentralPolicy(Scenario, "lambda_trust_policy");
        yield return new("central key: a listed operator role assumes the rotator's role", Principal.Session(DeployScenarios.OperatorRoleArn, Org, Administrator), "sts:AssumeRole", Rotator, Central, trust, Allowed);
        yield return new("central key: another operator role may not assume it", Principal.Session("arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef", Org, Administrator), "sts:AssumeRole", Rotator, Central, trust, ImplicitlyDenied);
    }

    public static TheoryData<string> Names() => new(Table().Select(r => r.Name));

    [TerraformAndNodeTheory]
    [MemberData(nameof(Names))]
    public void Request_IsDecidedAsExpected(string name)
    {
        var (request, decision, errors) = Decisions.Value[name];

        Assert.True(decision == request.Expected,
            $"{name}: {request.Who.Arn} {request.Action} on {request.Resource}: expected {request.Expected}, AWS's rules give {decision} {errors}");
    }

    /// <summary>All requests in one node run (about 70 simulations).</summary>
    private static readonly Lazy<Dictionary<string, (Request Request, string Decision, string? Errors)>> Decisions = new(() =>
    {
        var requests = Table().ToList();
        var input = new JsonArray(requests.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["simulation"] = Simulation(r) }).ToArray());
        var results = NodeTools.Run("simulate.js", input).EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e, StringComparer.Ordinal);
        return requests.ToDictionary(r => r.Name, r =>
        {
            var result = results[r.Name];
            return (r, result.GetProperty("decision").GetString()!, result.TryGetProperty("errors", out var e) ? e.GetString() : null);
        }, StringComparer.Ordinal);
    });

    private static JsonObject Simulation(Request r)
    {
        var context = new JsonObject
        {
            ["aws:PrincipalArn"] = r.Who.PrincipalArn,
            ["aws:PrincipalAccount"] = r.Who.Account,
        };
        if (r.Who.OrgId is not null)
        {
            context["aws:PrincipalOrgID"] = r.Who.OrgId;
        }

        if (r.Who.UserName is not null)
        {
            context["aws:username"] = r.Who.UserName;
        }

        foreach (var (key, value) in r.Context ?? [])
        {
            context[key] = value;
        }

        var simulation = new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["principal"] = r.Who.Arn,
                ["action"] = r.Action,
                ["resource"] = new JsonObject { ["resource"] = r.Resource, ["accountId"] = r.ResourceAccount },
                ["contextVariables"] = context,
            },
            ["identityPolicies"] = new JsonArray(r.Who.IdentityPolicies.Select((p, i) => (JsonNode)new JsonObject { ["name"] = $"policy{i}", ["policy"] = JsonNode.Parse(p) }).ToArray()),
            ["serviceControlPolicies"] = new JsonArray(),
            ["resourceControlPolicies"] = new JsonArray(),
        };
        if (r.ResourcePolicy is not null)
        {
            simulation["resourcePolicy"] = JsonNode.Parse(r.ResourcePolicy);
        }

        return simulation;
    }
}
