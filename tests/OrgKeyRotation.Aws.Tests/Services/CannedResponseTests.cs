using System.Net;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>
/// Response shapes moto never produces. It pages Organizations (covered in OrganizationsClientTests) but ignores
/// MaxItems on IAM lists, so those Marker loops run on canned pages; likewise partial PublishBatch failures, "N/A"
/// last-used fields, and Organizations' State-only accounts (moto still sends Status only).
/// </summary>
public class CannedResponseTests
{
    private static readonly Dictionary<string, string> NoAttributes = [];
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ListUsersAsync_ThreePages_FollowsMarkerToTheEnd()
    {
        var server = new StubAwsHandler((_, body, call) => StubAwsHandler.Xml(
            $"<ListUsersResponse><ListUsersResult><Users><member><UserName>u{call}</UserName><UserId>ID{call}</UserId><Arn>arn:aws:iam::1:user/u{call}</Arn><Path>/</Path><CreateDate>2026-01-0{call}T00:00:00Z</CreateDate></member></Users>"
            + (call < 3 ? $"<IsTruncated>true</IsTruncated><Marker>m{call}</Marker>" : "<IsTruncated>false</IsTruncated>")
            + "</ListUsersResult></ListUsersResponse>"));
        var iam = new IamClient(UnitClients.Signed(AwsService.Iam, server, _time), pageSize: 1);

        var users = await iam.ListUsersAsync("/", default).ToListAsync();

        Assert.Equal(["u1", "u2", "u3"], users.Select(u => u.UserName));
        Assert.DoesNotContain("Marker", server.Bodies[0], StringComparison.Ordinal);
        Assert.Contains("Marker=m1", server.Bodies[1], StringComparison.Ordinal);
        Assert.Contains("Marker=m2", server.Bodies[2], StringComparison.Ordinal);
        Assert.All(server.Bodies, b => Assert.Contains("MaxItems=1", b, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListUsersWithTagsAsync_TwoPages_AsksForUsersOnlyInPagesOf1000AndKeepsTags()
    {
        var server = new StubAwsHandler((_, _, call) => StubAwsHandler.Xml(
            $"<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><UserDetailList><member><Path>/svc/</Path><UserName>u{call}</UserName><UserId>ID{call}</UserId><Arn>arn:aws:iam::1:user/svc/u{call}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate>"
            + $"<UserPolicyList/><GroupList/><AttachedManagedPolicies/><Tags><member><Key>owner</Key><Value>team-{call}</Value></member></Tags></member></UserDetailList><GroupDetailList/><RoleDetailList/><Policies/>"
            + (call == 1 ? "<IsTruncated>true</IsTruncated><Marker>next</Marker>" : "<IsTruncated>false</IsTruncated>")
            + "</GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>"));

        var users = await new IamClient(UnitClients.Signed(AwsService.Iam, server, _time), null).ListUsersWithTagsAsync(default).ToListAsync();

        Assert.Equal(["u1", "u2"], users.Select(u => u.UserName));
        Assert.Equal(["team-1", "team-2"], users.Select(u => u.Tags["owner"]));
        Assert.All(users, u => Assert.Equal("/svc/", u.Path));
        Assert.All(server.Bodies, b => Assert.Contains("Filter.member.1=User", b, StringComparison.Ordinal));
        Assert.All(server.Bodies, b => Assert.Contains("MaxItems=1000", b, StringComparison.Ordinal));
        Assert.Contains("Marker=next", server.Bodies[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetGroupMembersAsync_TwoPages_MergesMembers()
    {
        var server = new StubAwsHandler((_, _, call) => StubAwsHandler.Xml(
            $"<GetGroupResponse><GetGroupResult><Group><GroupName>g</GroupName></Group><Users><member><UserName>u{call}</UserName><UserId>ID{call}</UserId><Arn>arn:aws:iam::1:user/u{call}</Arn><Path>/</Path><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></Users>"
            + (call == 1 ? "<IsTruncated>true</IsTruncated><Marker>next</Marker>" : "<IsTruncated>false</IsTruncated>")
            + "</GetGroupResult></GetGroupResponse>"));

        var members = await new IamClient(UnitClients.Signed(AwsService.Iam, server, _time), null).GetGroupMembersAsync("g", default);

        Assert.Equal(["u1", "u2"], members);
        Assert.Contains("Marker=next", server.Bodies[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListSecretsAsync_TwoPages_FollowsNextTokenAndAsksForSecretsPlannedForDeletion()
    {
        var server = new StubAwsHandler((_, _, call) => StubAwsHandler.Json(call == 1
            ? """{"SecretList":[{"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:p/a-x","Name":"p/a","DeletedDate":1767225600.5}],"NextToken":"t1"}"""
            : """{"SecretList":[{"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:p/b-x","Name":"p/b"}]}"""));
        var secrets = new SecretsManagerClient(UnitClients.Signed(AwsService.SecretsManager, server, _time), pageSize: 1);

        var listed = await secrets.ListSecretsAsync("p/", default).ToListAsync();

        Assert.Equal(["p/a", "p/b"], listed.Select(s => s.Name));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 500, TimeSpan.Zero), listed[0].DeletedDate);
        Assert.Null(listed[1].DeletedDate);
        Assert.Contains("\"NextToken\":\"t1\"", server.Bodies[1], StringComparison.Ordinal);
        Assert.All(server.Bodies, b => Assert.Contains("\"IncludePlannedDeletion\":true", b, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublishBatchAsync_FailedEntries_ReturnsTheirIdsAndReasons()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml(
            "<PublishBatchResponse><PublishBatchResult><Successful><member><Id>a</Id><MessageId>1</MessageId></member></Successful><Failed><member><Id>b</Id><Code>InternalError</Code><Message>try later</Message><SenderFault>false</SenderFault></member></Failed></PublishBatchResult></PublishBatchResponse>"));
        var sns = new SnsClient(_ => UnitClients.Signed(AwsService.Sns, server, _time));

        var failed = await sns.PublishBatchAsync("arn:aws:sns:us-east-1:111122223333:t", [new("a", "s", "x", NoAttributes), new("b", "s", "y", NoAttributes)], default);

        Assert.Equal([new SnsPublishFailure("b", "InternalError: try later")], failed);
        Assert.Contains("PublishBatchRequestEntries.member.2.Id=b", server.Bodies[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishBatchAsync_FirstRequestRefused_LaterRequestsStillSent()
    {
        var server = new StubAwsHandler((_, _, call) => call == 1
            ? StubAwsHandler.Xml("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>bad entry</Message></Error><RequestId>r1</RequestId></ErrorResponse>", HttpStatusCode.BadRequest)
            : StubAwsHandler.Xml("<PublishBatchResponse><PublishBatchResult><Successful/><Failed/></PublishBatchResult></PublishBatchResponse>"));
        var sns = new SnsClient(_ => UnitClients.Signed(AwsService.Sns, server, _time));
        var messages = Enumerable.Range(1, 25).Select(i => new SnsMessage($"m{i}", "s", "b", NoAttributes)).ToList();

        var failed = await sns.PublishBatchAsync("arn:aws:sns:us-east-1:111122223333:t", messages, default);

        Assert.Equal(3, server.Calls("PublishBatch"));
        Assert.Equal(messages.Take(10).Select(m => m.Id), failed.Select(f => f.Id));
        Assert.All(failed, f => Assert.Contains("InvalidParameter", f.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetAccessKeyLastUsedAsync_NotApplicableFields_MappedToNull()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml(
            "<GetAccessKeyLastUsedResponse><GetAccessKeyLastUsedResult><UserName>alice</UserName><AccessKeyLastUsed><LastUsedDate>N/A</LastUsedDate><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed></GetAccessKeyLastUsedResult></GetAccessKeyLastUsedResponse>"));

        var used = await new IamClient(UnitClients.Signed(AwsService.Iam, server, _time), null).GetAccessKeyLastUsedAsync("AKIAX", default);

        Assert.Equal(new AccessKeyLastUsed("AKIAX", null, null, null), used);
    }

    // AWS retired Account.Status on 2026-09-09; ListAccounts and ListAccountsForParent carry State only
    // (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html). moto still sends Status.
    [Fact]
    public async Task ListAccountsAsync_StateOnlyShape_EveryStateMapped()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("""
            {"Accounts":[
              {"Id":"111111111111","Arn":"arn:aws:organizations::999999999999:account/o-abc/111111111111","Name":"a","Email":"a@example.com","State":"ACTIVE"},
              {"Id":"222222222222","Name":"b","State":"SUSPENDED"},
              {"Id":"333333333333","Name":"c","State":"PENDING_CLOSURE"},
              {"Id":"444444444444","Name":"d","State":"CLOSED"},
              {"Id":"555555555555","Name":"e","State":"PENDING_ACTIVATION"},
              {"Id":"666666666666","Name":"f","State":"SOMETHING_NEW"}]}
            """));
        var organizations = new OrganizationsClient(UnitClients.Signed(AwsService.Organizations, server, _time), null);

        var accounts = await organizations.ListAccountsAsync(default).ToListAsync();

        Assert.Equal(
            [OrgAccountState.Active, OrgAccountState.Suspended, OrgAccountState.PendingClosure, OrgAccountState.Closed, OrgAccountState.PendingActivation, OrgAccountState.Other],
            accounts.Select(a => a.State));
        Assert.Equal("a@example.com", accounts[0].Email);
    }

    [Fact]
    public async Task ListAccountsForParentAsync_StateOnlyShape_ActiveAccountFound()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("""{"Accounts":[{"Id":"111111111111","Name":"a","State":"ACTIVE"}]}"""));
        var organizations = new OrganizationsClient(UnitClients.Signed(AwsService.Organizations, server, _time), null);

        var account = Assert.Single(await organizations.ListAccountsForParentAsync("ou-abcd-12345678", default).ToListAsync());

        Assert.Equal(OrgAccountState.Active, account.State);
    }

    [Theory]
    [InlineData("SUSPENDED", "ACTIVE", OrgAccountState.Suspended)]
    [InlineData(null, "ACTIVE", OrgAccountState.Active)]
    [InlineData(null, "PENDING_CLOSURE", OrgAccountState.PendingClosure)]
    [InlineData(null, null, OrgAccountState.Other)]
    public void StateOf_StateAndStatus_StateWinsStatusIsTheFallback(string? state, string? status, OrgAccountState expected) =>
        Assert.Equal(expected, OrganizationsClient.StateOf(new("111111111111", null, null, null, state, status)));

    // RotateSecret API reference: RotationLambdaARN, RotationRules.AutomaticallyAfterDays, RotateImmediately. moto would
    // invoke the function in a container, so the request is checked here.
    [Fact]
    public async Task RotateSecretAsync_Schedule_SentWithoutImmediateRotationAndWithOneTokenAcrossRetries()
    {
        var server = new StubAwsHandler((_, _, call) => call == 1
            ? StubAwsHandler.Json("""{"__type":"ThrottlingException","message":"slow down"}""", HttpStatusCode.BadRequest)
            : StubAwsHandler.Json("""{"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:s-x","Name":"s"}"""));
        var secrets = new SecretsManagerClient(UnitClients.Signed(AwsService.SecretsManager, server, _time), null);

        await _time.DriveAsync(secrets.RotateSecretAsync("s", "arn:aws:lambda:us-east-1:111122223333:function:rotator", 90, rotateImmediately: false, default));

        Assert.Equal(2, server.Calls("RotateSecret"));
        Assert.Equal(server.Bodies[0], server.Bodies[1]);
        using var body = System.Text.Json.JsonDocument.Parse(server.Bodies[0]);
        Assert.Equal("arn:aws:lambda:us-east-1:111122223333:function:rotator", body.RootElement.GetProperty("RotationLambdaARN").GetString());
        Assert.Equal(90, body.RootElement.GetProperty("RotationRules").GetProperty("AutomaticallyAfterDays").GetInt32());
        Assert.False(body.RootElement.GetProperty("RotateImmediately").GetBoolean());
        Assert.True(Guid.TryParse(body.RootElement.GetProperty("ClientRequestToken").GetString(), out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task RotateSecretAsync_DaysOutsideAwsRange_RefusedWithoutACall(int days)
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("{}"));
        var secrets = new SecretsManagerClient(UnitClients.Signed(AwsService.SecretsManager, server, _time), null);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => secrets.RotateSecretAsync("s", "arn:aws:lambda:us-east-1:111122223333:function:rotator", days, rotateImmediately: false, default));

        Assert.Equal(0, server.Calls("RotateSecret"));
    }
}
