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
/// Quiet email by default, with SNS's own filter semantics: the filter policies Terraform renders for the email
/// subscriptions (central-settings' email_filter_policy) are set, unchanged, on SQS queues subscribed to a topic in
/// moto, and a real sweep publishes to it. What each queue receives is what that subscriber would: the default lets the
/// digest and the failures through but not the routine per-user messages; "all" lets everything through; a team's
/// filter on its owner name gets its own users' messages.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EmailFilterPolicyTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string Account = "111111111111";

    private static string? RenderedPolicy(string scenario)
    {
        var policy = DeployScenarios.Evaluated.Central[scenario].GetProperty("email_filter_policy");
        return policy.ValueKind == System.Text.Json.JsonValueKind.Null ? null : policy.GetString();
    }

    [TerraformFact]
    public async Task RenderedFilterPolicies_OnASweep_EachSubscriberGetsWhatItsPolicySays()
    {
        await moto.Server.ResetAsync();
        var seed = new MotoSeeder(moto.Endpoint);
        var topic = await seed.CreateTopicAsync("alerts");
        var quiet = await seed.SubscribeQueueAsync(topic, "email-default", RenderedPolicy("minimal"));
        var everything = await seed.SubscribeQueueAsync(topic, "email-all", RenderedPolicy("email_every_event"));
        var team = await seed.SubscribeQueueAsync(topic, "team-payments", RenderedPolicy("email_owner_filter"));
        await seed.CreateUserAsync(Account, "alice", tags: new Dictionary<string, string> { ["owner"] = "team-payments" });
        await seed.CreateUserAsync(Account, "bob", tags: new Dictionary<string, string> { ["owner"] = "team-identity" });
        await seed.CreateAccessKeyAsync(Account, "alice");
        await seed.CreateAccessKeyAsync(Account, "bob");
        SecretScan.RegisterSecrets(seed.SecretsSeen);

        // alice and bob rotate (routine); "ghost" does not exist (a failure a person must act on).
        var result = await SweepAsync(new RotationConfig
        {
            Accounts = new Dictionary<string, IReadOnlyList<string>> { [Account] = ["alice", "bob", "ghost"] },
            Policy = new RotationPolicy { MaxKeyAgeDays = 0 },
            Alerts = new AlertsConfig { SnsTopicArn = topic },
        });
        var quietGot = await ReceiveAsync(seed, quiet);
        var everythingGot = await ReceiveAsync(seed, everything);
        var teamGot = await ReceiveAsync(seed, team);

        Assert.Equal(2, result.Counts.Rotated);
        Assert.Equal(["digest", "failed"], quietGot.Select(m => m.Attributes["event"]).Order(StringComparer.Ordinal));
        Assert.Equal("ghost", quietGot.Single(m => m.Attributes["event"] == "failed").Attributes["userName"]);
        Assert.Equal(["alice", "bob", "ghost"], everythingGot.Where(m => m.Attributes.ContainsKey("userName")).Select(m => m.Attributes["userName"]).Order(StringComparer.Ordinal));
        Assert.Single(everythingGot, m => m.Attributes["event"] == "digest");
        var alice = Assert.Single(teamGot);
        Assert.Equal(("alice", "rotated", "team-payments"), (alice.Attributes["userName"], alice.Attributes["event"], alice.Attributes["owner"]));
    }

    private static async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(MotoSeeder seed, string queue)
    {
        var messages = await seed.ReceiveAllAsync(queue);
        SecretScan.AssertClean("alert", messages.Select(m => m.Body + " " + string.Join(' ', m.Attributes.Values)));
        AlertSchema.AssertValid(messages.Select(m => m.Body));
        return messages;
    }

    private async Task<SweepResult> SweepAsync(RotationConfig config)
    {
        var clients = AwsClients.Create(
            new AwsOptions { Region = "us-east-1", EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials("testing", "testing"), RoleName = config.RoleName },
            TimeProvider.System);
        // A minute ahead of the real clock: moto stamps keys with the real time.
        var service = new RotationService(config, clients, new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1)), new CapturingLogger(),
            new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(2), VerificationPollInterval = TimeSpan.FromMilliseconds(100) });
        return await service.SweepAsync(new SweepRequest(), CancellationToken.None);
    }
}
