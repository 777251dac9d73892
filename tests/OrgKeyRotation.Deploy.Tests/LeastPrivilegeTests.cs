using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Deploy.Tests.Tools;
using OrgKeyRotation.Engine;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// The member role's permission and trust policies, as Terraform renders them (member-policies, evaluated by the
/// terraform binary), loaded into moto with IAM authorization on, and the engine run under them with the credentials of
/// a central "rotator host" user: the policies suffice for a real sweep, Parameter Store destinations included when
/// their prefix is granted (and only then).
///
/// moto's authorization evaluates actions only: it never matches an Allow whose Resource is scoped (and ignores
/// conditions), so the loaded copy of the permission policy has every Resource widened to "*". Scoping and conditions
/// are evaluated as AWS does by PolicySimulationTests (iam-simulate). moto also evaluates a trust policy only when the role is in the
/// caller's own account (cross-account AssumeRole is never refused), so the trust tests put one rotation role in the
/// central account 123456789012, where the principal and sts:ExternalId are really checked.
///
/// The authorization switch is server-wide: this class has its own moto server (its class fixture) and no other class
/// may use it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LeastPrivilegeTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string CentralAccount = MotoSeeder.DefaultAccount;
    private const string MemberAccount = "111111111111";
    private const string RoleName = "IAMKeyRotationRole";
    private const string ExternalId = "orgkeyrotation-lp-test";
    private const string OrganizationId = "o-abcd123456";
    private const string HostUser = "rotator-host";

    // What the central execution role needs for an explicit-accounts sweep with alerts. AssumeRole is scoped to the
    // role name: moto matches an STS resource pattern (the RoleArn is its resource), unlike IAM and SNS resources.
    // On AWS, PublishBatch is authorized by sns:Publish (the central template grants only that); moto asks for
    // sns:PublishBatch, so the emulated host policy names both.
    private static readonly string HostPolicy = $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Sid": "AssumeRotationRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/{{RoleName}}" },
            { "Sid": "PublishAlerts", "Effect": "Allow", "Action": ["sns:Publish", "sns:PublishBatch"], "Resource": "*" }
          ]
        }
        """;

    [TerraformFact]
    public async Task SweepAsync_UnderTheMemberRolePolicies_RotatesInEveryAccount()
    {
        var env = await ArrangeAsync(new() { [CentralAccount] = ExternalId, [MemberAccount] = ExternalId });

        var result = await env.SweepWithAuthorizationAsync();

        foreach (var account in new[] { CentralAccount, MemberAccount })
        {
            var accountResult = result.Accounts.Single(a => a.AccountId == account);
            Assert.True(
                accountResult.Outcome == Outcome.Succeeded,
                $"{account}: {accountResult.Outcome} {accountResult.Error} {string.Join("; ", accountResult.Users.SelectMany(u => u.Actions).Select(a => $"{a.Action} {a.Outcome} {a.Error}"))}");
            var rotate = accountResult.Users.Single(u => u.UserName == "alice").Actions.Single(a => a.Action == ActionKind.Rotate);
            Assert.True(rotate.Outcome == Outcome.Succeeded, $"{account}: {rotate.Outcome} {rotate.Error}");
            Assert.Equal(env.AliceKeys[account], rotate.AccessKeyId);
            Assert.Equal(rotate.NewAccessKeyId, await env.KeyInSecretAsync(account));
            var keys = await env.Seed.ListAccessKeysAsync(account, "alice");
            Assert.Equal(new[] { env.AliceKeys[account], rotate.NewAccessKeyId! }.Order(StringComparer.Ordinal), keys.Select(k => k.AccessKeyId).Order(StringComparer.Ordinal));
            Assert.All(keys, k => Assert.Equal("Active", k.Status));
            var resourcePolicy = await env.Seed.GetResourcePolicyAsync(account, SecretName(account));
            Assert.Contains($"arn:aws:iam::{account}:user/alice", resourcePolicy, StringComparison.Ordinal);
        }

        Assert.Equal(2, result.Counts.Rotated);
        var alerts = await env.AlertsAsync();
        Assert.Equal([MemberAccount, CentralAccount], alerts.Where(a => a.Attributes["event"] == "rotated").Select(a => a.Attributes["accountId"]).Order(StringComparer.Ordinal));
        env.AssertNoSecretsIn(result);
    }

    [TerraformTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SweepAsync_TwoUsersWithOrWithoutTheBulkReadGrant_RotatesBoth(bool bulkUserRead)
    {
        var env = await ArrangeAsync(new() { [MemberAccount] = ExternalId }, bulkUserRead, users: ["alice", "bob"]);

        var result = await env.SweepWithAuthorizationAsync();

        Assert.True(result.Counts.Rotated == 2, string.Join("; ", result.Accounts.SelectMany(a => a.Users).SelectMany(u => u.Actions).Select(a => $"{a.Action} {a.Outcome} {a.Error}")));
        Assert.Equal(0, result.Counts.Failed);
        // With the grant the users' tags come from one bulk read; without it moto refuses that call (authorization on)
        // and the engine says so once and reads each user with GetUser.
        var fellBack = env.Log.Lines.Where(l => l.Message.Contains("GetAccountAuthorizationDetails is denied", StringComparison.Ordinal)).ToList();
        Assert.Equal(bulkUserRead ? 0 : 1, fellBack.Count);
        env.AssertNoSecretsIn(result);
    }

    /// <summary>An ssm destination of every user, under the prefix central-admin outputs for it (ssm_parameter_prefixes).</summary>
    private static readonly DestinationsConfig ParameterDestination = new() { Defaults = [new SsmDestinationConfig("/orgkeyrotation/{accountId}/{userName}")] };

    [TerraformFact]
    public async Task SweepAsync_ParameterDestinationGrantedByTheRenderedPrefix_WritesTheNewKeyThere()
    {
        var env = await ArrangeAsync(new() { [MemberAccount] = ExternalId }, ssmParameterPrefixes: ["/orgkeyrotation/"]);

        var result = await env.SweepWithAuthorizationAsync(ParameterDestination);

        var actions = result.Accounts.Single().Users.Single().Actions;
        var rotate = actions.Single(a => a.Action == ActionKind.Rotate);
        Assert.True(rotate.Outcome == Outcome.Succeeded && result.Counts.Failed == 0, string.Join("; ", actions.Select(a => $"{a.Action} {a.Outcome} {a.Error}")));
        var parameter = await env.Seed.ParameterAsync(MemberAccount, $"/orgkeyrotation/{MemberAccount}/alice");
        Assert.Contains($"\"AccessKeyId\":\"{rotate.NewAccessKeyId}\"", parameter!.Value.Value, StringComparison.Ordinal);
        Assert.True(result.Accounts.Single().Users.Single().Destinations!.Single().HoldsCurrentKey);
        env.AssertNoSecretsIn(result);
    }

    [TerraformFact]
    public async Task SweepAsync_ParameterDestinationWithoutThePrefixGrant_IsDeniedAndOnlyThatDestinationFails()
    {
        var env = await ArrangeAsync(new() { [MemberAccount] = ExternalId });

        var result = await env.SweepWithAuthorizationAsync(ParameterDestination);

        var actions = result.Accounts.Single().Users.Single().Actions;
        Assert.Equal(Outcome.Succeeded, actions.Single(a => a.Action == ActionKind.Rotate).Outcome);
        var failed = actions.Single(a => a.Action == ActionKind.SyncDestinations);
        Assert.Equal(Outcome.Failed, failed.Outcome);
        Assert.Null(await env.Seed.ParameterAsync(MemberAccount, $"/orgkeyrotation/{MemberAccount}/alice"));
        var alert = Assert.Single(await env.AlertsAsync(), a => a.Attributes.GetValueOrDefault("userName") == "alice");
        Assert.Contains("AccessDenied", alert.Body, StringComparison.Ordinal);
        Assert.Contains("ssm_parameter_prefixes", alert.Body, StringComparison.Ordinal);
        Assert.Equal(2, (await env.Seed.ListAccessKeysAsync(MemberAccount, "alice")).Count(k => k.Status == "Active"));
    }

    [TerraformFact]
    public async Task MemberRoleSession_UserRoleOrPolicyManagement_IsDenied()
    {
        var env = await ArrangeAsync(new() { [MemberAccount] = ExternalId });
        var denied = new Dictionary<string, string?>(StringComparer.Ordinal);

        await moto.Server.SetAuthorizationAsync(true);
        try
        {
            var session = await env.AssumeRotationRoleAsync(MemberAccount);

            // Control: the same session may do what rotation needs, so a denial below is the policy, not the session.
            var allowed = await Iam(session, "ListAccessKeys", new() { ["UserName"] = "alice" });
            Assert.True(allowed.ErrorCode is null, $"ListAccessKeys with the role session failed: {allowed.ErrorCode}");

            denied["CreateUser"] = (await Iam(session, "CreateUser", new() { ["UserName"] = "mallory" })).ErrorCode;
            denied["AttachUserPolicy"] = (await Iam(session, "AttachUserPolicy", new() { ["UserName"] = "alice", ["PolicyArn"] = "arn:aws:iam::aws:policy/AdministratorAccess" })).ErrorCode;
            denied["PutUserPolicy"] = (await Iam(session, "PutUserPolicy", new() { ["UserName"] = "alice", ["PolicyName"] = "escalate", ["PolicyDocument"] = AdminPolicy })).ErrorCode;
            denied["CreateRole"] = (await Iam(session, "CreateRole", new() { ["RoleName"] = "escape", ["AssumeRolePolicyDocument"] = DeployScenarios.RenderMemberPolicies(MemberAccount, env.HostArn, ExternalId, OrganizationId).Trust })).ErrorCode;
            denied["DeleteUser"] = (await Iam(session, "DeleteUser", new() { ["UserName"] = "alice" })).ErrorCode;
        }
        finally
        {
            await moto.Server.SetAuthorizationAsync(false);
        }

        Assert.Equal(
            new Dictionary<string, string?>(StringComparer.Ordinal) { ["CreateUser"] = "AccessDenied", ["AttachUserPolicy"] = "AccessDenied", ["PutUserPolicy"] = "AccessDenied", ["CreateRole"] = "AccessDenied", ["DeleteUser"] = "AccessDenied" },
            denied);
        Assert.Single(await env.Seed.ListAccessKeysAsync(MemberAccount, "alice"));

        Task<QueryResponse> Iam(AWSCredentials session, string action, Dictionary<string, string> parameters) =>
            SignedQuery.PostAsync(moto.Endpoint, session, "iam", action, "2010-05-08", parameters);
    }

    [TerraformFact]
    public async Task SweepAsync_RoleTrustsAnotherExternalId_FailsThatAccountOnly()
    {
        // The central account's role is the one moto really checks (see the class comment); the rotation in the first
        // test, through the same kind of role with the right external id, is the control.
        var env = await ArrangeAsync(new() { [CentralAccount] = "another-deployment", [MemberAccount] = ExternalId });

        var result = await env.SweepWithAuthorizationAsync();

        var refused = result.Accounts.Single(a => a.AccountId == CentralAccount);
        Assert.Equal(Outcome.Failed, refused.Outcome);
        Assert.Contains(CentralAccount, refused.Error, StringComparison.Ordinal);
        Assert.Contains("sts:AssumeRole failed with AccessDenied", refused.Error, StringComparison.Ordinal);
        Assert.Single(await env.Seed.ListAccessKeysAsync(CentralAccount, "alice"));
        Assert.Null(await env.KeyInSecretAsync(CentralAccount));

        var rotated = result.Accounts.Single(a => a.AccountId == MemberAccount);
        Assert.Equal(Outcome.Succeeded, rotated.Outcome);
        Assert.Equal(Outcome.Succeeded, rotated.Users.Single().Actions.Single(a => a.Action == ActionKind.Rotate).Outcome);
        Assert.Equal(1, result.Counts.Rotated);
        var alerts = await env.AlertsAsync();
        Assert.Contains(alerts, a => a.Attributes["event"] == "failed" && a.Attributes.GetValueOrDefault("accountId") == CentralAccount);
        Assert.DoesNotContain(alerts, a => a.Attributes["event"] == "failed" && a.Attributes.GetValueOrDefault("accountId") == MemberAccount);
        env.AssertNoSecretsIn(result);
    }

    [TerraformFact]
    public async Task AssumeRole_AnotherPrincipalOrExternalId_IsRefused()
    {
        // In the central account, where moto evaluates the trust policy (see the class comment).
        var env = await ArrangeAsync(new() { [CentralAccount] = ExternalId });
        await env.Seed.CreateUserAsync(CentralAccount, "intruder");
        await env.Seed.PutUserPolicyAsync(CentralAccount, "intruder", "same-as-host", HostPolicy);
        var (intruderKeyId, intruderSecret) = await env.Seed.CreateAccessKeyAsync(CentralAccount, "intruder");
        SecretScan.RegisterSecret(intruderSecret);
        var intruder = new BasicAWSCredentials(intruderKeyId, intruderSecret);
        var outcomes = new Dictionary<string, string?>(StringComparer.Ordinal);

        await moto.Server.SetAuthorizationAsync(true);
        try
        {
            outcomes["host, right external id"] = (await env.AssumeRoleAsync(env.HostCredentials, CentralAccount, ExternalId)).ErrorCode;
            outcomes["host, wrong external id"] = (await env.AssumeRoleAsync(env.HostCredentials, CentralAccount, "another-deployment")).ErrorCode;
            outcomes["other principal, right external id"] = (await env.AssumeRoleAsync(intruder, CentralAccount, ExternalId)).ErrorCode;
        }
        finally
        {
            await moto.Server.SetAuthorizationAsync(false);
        }

        Assert.Equal(
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["host, right external id"] = null,
                ["host, wrong external id"] = "AccessDenied",
                ["other principal, right external id"] = "AccessDenied",
            },
            outcomes);
    }

    private const string AdminPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    private static string SecretName(string account) => $"iam-key-rotation/{account}/alice";

    /// <summary>moto never matches a resource-scoped Allow, so the loaded copy allows the same actions on "*".</summary>
    private static string WidenResources(string policyJson)
    {
        var policy = JsonNode.Parse(policyJson)!;
        foreach (var statement in policy["Statement"]!.AsArray())
        {
            statement!["Resource"] = "*";
        }

        return policy.ToJsonString();
    }

    /// <summary>
    /// With authorization off: the host user (policy + key) in the central account, the alert topic, and in each
    /// account the rotation role trusting the host with the given external id, plus alice with one key.
    /// </summary>
    private async Task<Arrangement> ArrangeAsync(Dictionary<string, string> trustedExternalIdByAccount, bool bulkUserRead = true, string[]? users = null, IReadOnlyList<string>? ssmParameterPrefixes = null)
    {
        users ??= ["alice"];
        await moto.Server.SetAuthorizationAsync(false);
        await moto.Server.ResetAsync();
        var seed = new MotoSeeder(moto.Endpoint);
        var hostArn = await seed.CreateUserAsync(CentralAccount, HostUser);
        await seed.PutUserPolicyAsync(CentralAccount, HostUser, "rotator-host", HostPolicy);
        var (hostKeyId, hostSecret) = await seed.CreateAccessKeyAsync(CentralAccount, HostUser);
        var (topic, queue) = await seed.CreateTopicWithQueueAsync("alerts");

        var aliceKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (account, trustedExternalId) in trustedExternalIdByAccount)
        {
            var (trust, permissions) = DeployScenarios.RenderMemberPolicies(account, hostArn, trustedExternalId, OrganizationId, bulkUserRead, ssmParameterPrefixes);
            await seed.CreateRoleAsync(account, RoleName, trust);
            await seed.PutRolePolicyAsync(account, RoleName, "rotation", WidenResources(permissions));
            foreach (var user in users)
            {
                await seed.CreateUserAsync(account, user);
                var key = (await seed.CreateAccessKeyAsync(account, user)).AccessKeyId;
                if (user == "alice")
                {
                    aliceKeys[account] = key;
                }
            }
        }

        SecretScan.RegisterSecrets(seed.SecretsSeen);
        return new Arrangement(moto.Server, seed, hostArn, new BasicAWSCredentials(hostKeyId, hostSecret), topic, queue, aliceKeys, users);
    }

    private sealed record Arrangement(
        MotoServer Moto,
        MotoSeeder Seed,
        string HostArn,
        AWSCredentials HostCredentials,
        string TopicArn,
        string AlertQueueUrl,
        IReadOnlyDictionary<string, string> AliceKeys,
        IReadOnlyList<string> Users)
    {
        public CapturingLogger Log { get; } = new();

        /// <summary>One sweep (every key due: maxKeyAgeDays 0) with authorization on; off again afterwards for the assertions.</summary>
        public async Task<SweepResult> SweepWithAuthorizationAsync(DestinationsConfig? destinations = null)
        {
            var config = new RotationConfig
            {
                Accounts = AliceKeys.Keys.ToDictionary(a => a, _ => Users, StringComparer.Ordinal),
                RoleName = RoleName,
                ExternalId = ExternalId,
                Policy = new RotationPolicy { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 30 },
                Alerts = new AlertsConfig { SnsTopicArn = TopicArn },
                Destinations = destinations ?? new DestinationsConfig(),
            };
            var clients = AwsClients.Create(
                new AwsOptions { Region = "us-east-1", EndpointUrl = Moto.Endpoint, Credentials = HostCredentials, RoleName = RoleName, ExternalId = ExternalId },
                TimeProvider.System);

            // A minute ahead of the real clock: moto stamps keys with the real time.
            var service = new RotationService(config, clients, new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1)), Log,
                new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(2), VerificationPollInterval = TimeSpan.FromMilliseconds(100) });
            await Moto.SetAuthorizationAsync(true);
            try
            {
                return await service.SweepAsync(new SweepRequest(), CancellationToken.None);
            }
            finally
            {
                await Moto.SetAuthorizationAsync(false);
            }
        }

        public Task<QueryResponse> AssumeRoleAsync(AWSCredentials caller, string account, string externalId) =>
            SignedQuery.PostAsync(Moto.Endpoint, caller, "sts", "AssumeRole", "2011-06-15", new Dictionary<string, string>
            {
                ["RoleArn"] = $"arn:aws:iam::{account}:role/{RoleName}",
                ["RoleSessionName"] = "least-privilege-test",
                ["ExternalId"] = externalId,
            });

        /// <summary>AssumeRole as the host, the way the engine does (same role name and external id).</summary>
        public async Task<AWSCredentials> AssumeRotationRoleAsync(string account)
        {
            var response = await AssumeRoleAsync(HostCredentials, account, ExternalId);
            Assert.True(response.ErrorCode is null, $"AssumeRole into {account} failed: {response.ErrorCode}");
            var secret = response.Value("SecretAccessKey");
            var token = response.Value("SessionToken");
            SecretScan.RegisterSecrets([secret, token]);
            return new SessionAWSCredentials(response.Value("AccessKeyId"), secret, token);
        }

        /// <summary>The key id in the secret's AWSCURRENT version (registering its secret half with the scan).</summary>
        public async Task<string?> KeyInSecretAsync(string account)
        {
            var value = await Seed.CurrentSecretValueAsync(account, SecretName(account));
            if (value is null)
            {
                return null;
            }

            using var doc = JsonDocument.Parse(value);
            SecretScan.RegisterSecret(doc.RootElement.GetProperty("SecretAccessKey").GetString());
            return doc.RootElement.GetProperty("AccessKeyId").GetString();
        }

        public async Task<IReadOnlyList<QueueMessage>> AlertsAsync()
        {
            var alerts = await Seed.ReceiveAllAsync(AlertQueueUrl);
            SecretScan.AssertClean("alert", alerts.Select(a => a.Body + " " + string.Join(' ', a.Attributes.Values)));
            return alerts;
        }

        public void AssertNoSecretsIn(SweepResult result)
        {
            SecretScan.RegisterSecrets(Seed.SecretsSeen);
            SecretScan.AssertClean("result", [JsonSerializer.Serialize(result, EngineJsonContext.Default.SweepResult)]);
            SecretScan.AssertClean("log", Log.Lines.Select(l => l.ToString()));
        }
    }
}
