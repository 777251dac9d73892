using System.Net;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Execution;

/// <summary>
/// The AWS calls one rotated user costs, pinned by operation: per-account calls (AssumeRole, GetGroup,
/// ListSecrets, GetAccountAuthorizationDetails) and the sweep's alert batches are left out. docs/design.md ("Calls per
/// rotated user") lists the same.
/// </summary>
[Trait("Category", "Integration")]
public class CallsPerUserTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const int Users = 3;
    private static readonly RotationPolicy RotateNow = new() { MaxKeyAgeDays = 0, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true };
    private static readonly RotationPolicy RetireAtOnce = RotateNow with { DeactivateAfterDays = 0, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 0 };
    private static readonly string[] PerAccountOrSweep = ["AssumeRole", "GetGroup", "ListSecrets", "GetAccountAuthorizationDetails", "PublishBatch"];

    [Fact]
    public async Task SweepAsync_FirstRotation_CostsSixCallsPerUser()
    {
        var (h, config) = await UsersAsync(RotateNow);
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Users, result.Counts.Rotated);
        // The users' tags come from one GetAccountAuthorizationDetails for the account, not a GetUser each.
        Assert.Equal(1, calls.Count("GetAccountAuthorizationDetails"));
        AssertPerUser(calls, "ListAccessKeys", "CreateSecret", "PutResourcePolicy", "CreateAccessKey", "PutSecretValue", "GetCallerIdentity");
    }

    [Fact]
    public async Task SweepAsync_FirstRotationWithImmediateDeactivation_AddsOnlyUpdateAccessKey()
    {
        var (h, config) = await UsersAsync(RetireAtOnce);
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Users, result.Counts.Deactivated);
        AssertPerUser(calls, "ListAccessKeys", "CreateSecret", "PutResourcePolicy", "CreateAccessKey", "PutSecretValue", "GetCallerIdentity", "UpdateAccessKey");
    }

    [Fact]
    public async Task SweepAsync_SteadyStateRotation_CostsSevenCallsPerUser()
    {
        var (h, config) = await RotatedOnceAsync();
        var calls = new CallCountingHandler();
        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Users, result.Counts.Rotated);
        // The ownership check (GetResourcePolicy) and the attempt record (TagResource) ride on no other call:
        // DescribeSecret and ListSecrets do not return the policy, and PutSecretValue takes no tags.
        AssertPerUser(calls, "ListAccessKeys", "GetResourcePolicy", "TagResource", "CreateAccessKey", "PutSecretValue", "GetCallerIdentity", "UpdateSecretVersionStage");
    }

    [Fact]
    public async Task SweepAsync_SteadyStateRotationWithAParameterDestination_AddsItsTwoCallsAndOneRecord()
    {
        var (h, config) = await RotatedOnceAsync();
        config = config with { Destinations = new DestinationsConfig { Defaults = [new SsmDestinationConfig("/keys/{userName}")] } };
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Users, result.Counts.Rotated);
        // The attempt record and the destination's record are two TagResource calls: one before the key exists, one after the write.
        Assert.All(["ListAccessKeys", "GetResourcePolicy", "CreateAccessKey", "PutSecretValue", "GetCallerIdentity", "UpdateSecretVersionStage", "PutParameter", "AddTagsToResource"],
            operation => Assert.Equal(Users, calls.Count(operation)));
        Assert.Equal(2 * Users, calls.Count("TagResource"));
    }

    [Fact]
    public async Task SweepAsync_DestinationAddedToRotatedUsers_CostsOneSecretReadTheWritesAndOneRecord()
    {
        var (h, config) = await RotatedOnceAsync();
        config = config with { Policy = config.Policy with { MaxKeyAgeDays = 90 }, Destinations = new DestinationsConfig { Defaults = [new SsmDestinationConfig("/keys/{userName}")] } };
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.All(result.Accounts[0].Users, u => Assert.True(u.Destinations!.Single().HoldsCurrentKey));
        AssertPerUser(calls, "ListAccessKeys", "GetResourcePolicy", "GetSecretValue", "PutParameter", "AddTagsToResource", "TagResource");
    }

    [Fact]
    public async Task SweepAsync_BulkUserReadDenied_ReadsEachUserWithGetUserAndStillRotates()
    {
        var (h, config) = await UsersAsync(RotateNow);
        var denied = new AnsweringHandler("GetAccountAuthorizationDetails", HttpStatusCode.Forbidden, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized (injected)</Message></Error><RequestId>denied-1</RequestId></ErrorResponse>", "text/xml");
        var calls = new CallCountingHandler(denied);

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(Users, result.Counts.Rotated);
        Assert.Equal(0, result.Counts.Failed);
        Assert.Equal(1, calls.Count("GetAccountAuthorizationDetails"));
        AssertPerUser(calls, "ListAccessKeys", "GetUser", "CreateSecret", "PutResourcePolicy", "CreateAccessKey", "PutSecretValue", "GetCallerIdentity");
        var line = Assert.Single(h.Log.Lines, l => l.Message.Contains("GetAccountAuthorizationDetails is denied", StringComparison.Ordinal));
        Assert.Equal(AccountA, line.Values["AccountId"]);
    }

    [Fact]
    public async Task SweepAsync_OneConfiguredUser_ReadsItWithGetUserNotTheWholeAccount()
    {
        var (h, config) = await UsersAsync(RotateNow);
        config = config with { Accounts = new Dictionary<string, IReadOnlyList<string>> { [AccountA] = ["user1"] } };
        var calls = new CallCountingHandler();

        var result = await h.Service(config, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(1, result.Counts.Rotated);
        Assert.Equal(0, calls.Count("GetAccountAuthorizationDetails"));
        Assert.Equal(1, calls.Count("GetUser"));
    }

    [Fact]
    public async Task SweepAsync_NothingDue_CostsOneCallPerUser()
    {
        var (h, config) = await RotatedOnceAsync();
        var calls = new CallCountingHandler();

        var result = await h.Service(config with { Policy = RotateNow with { MaxKeyAgeDays = 90 } }, () => calls).SweepAsync(new SweepRequest(), default);

        Assert.Equal(0, result.Counts.Rotated + result.Counts.Failed);
        AssertPerUser(calls, "ListAccessKeys");
    }

    /// <summary>Users rotated once whose previous key has gone through its lifecycle: one key and its secret each, the state every later rotation starts from.</summary>
    private async Task<(EngineHarness Harness, RotationConfig Config)> RotatedOnceAsync()
    {
        var (h, config) = await UsersAsync(RotateNow);
        var first = await h.Service(config).SweepAsync(new SweepRequest(), default);
        var session = await h.Clients(config).Accounts.OpenAsync(AccountA, "test-setup", default);
        foreach (var user in config.Accounts[AccountA])
        {
            await session.Iam.DeleteAccessKeyAsync(user, first.Only(AccountA, user, ActionKind.Rotate).AccessKeyId!, default);
        }

        return (h, config);
    }

    private async Task<(EngineHarness Harness, RotationConfig Config)> UsersAsync(RotationPolicy policy)
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var users = Enumerable.Range(1, Users).Select(i => $"user{i}").ToList();
        foreach (var user in users)
        {
            await h.UserWithKeyAsync(AccountA, user);
        }

        return (h, h.Config(new() { [AccountA] = users }, policy));
    }

    /// <summary>Each operation exactly once per user, and no other per-user call.</summary>
    private static void AssertPerUser(CallCountingHandler calls, params string[] operations)
    {
        var perUser = calls.Calls.Where(c => !PerAccountOrSweep.Contains(c.Operation)).GroupBy(c => c.Operation).ToDictionary(g => g.Key, g => g.Count());
        var expected = operations.ToDictionary(o => o, _ => Users);
        Assert.True(
            expected.Count == perUser.Count && expected.All(e => perUser.GetValueOrDefault(e.Key) == e.Value),
            $"per {Users} users expected {string.Join(", ", expected.Select(e => $"{e.Key} {e.Value}"))}; made {string.Join(", ", perUser.Select(e => $"{e.Key} {e.Value}"))}");
    }
}
