using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Aws.Tests.Support;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>
/// Response shapes moto never produces. It pages Organizations (covered in OrganizationsClientTests) but ignores
/// MaxItems on IAM lists and MaxResults on ListSecretVersionIds, so those Marker/NextToken loops run on canned pages;
/// likewise partial PublishBatch failures and "N/A" last-used fields.
/// </summary>
public class CannedResponseTests
{
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
    public async Task ListUserTagsAsync_TwoPages_MergesTags()
    {
        var server = new StubAwsHandler((_, _, call) => StubAwsHandler.Xml(
            $"<ListUserTagsResponse><ListUserTagsResult><Tags><member><Key>k{call}</Key><Value>v{call}</Value></member></Tags>"
            + (call == 1 ? "<IsTruncated>true</IsTruncated><Marker>next</Marker>" : "<IsTruncated>false</IsTruncated>")
            + "</ListUserTagsResult></ListUserTagsResponse>"));

        var tags = await new IamClient(UnitClients.Signed(AwsService.Iam, server, _time), null).ListUserTagsAsync("alice", default);

        Assert.Equal(new Dictionary<string, string> { ["k1"] = "v1", ["k2"] = "v2" }, tags);
    }

    [Fact]
    public async Task ListSecretVersionIdsAsync_TwoPages_FollowsNextToken()
    {
        var server = new StubAwsHandler((_, body, call) => StubAwsHandler.Json(call == 1
            ? """{"Versions":[{"VersionId":"v1","VersionStages":["AWSCURRENT"],"CreatedDate":1767225600.5}],"NextToken":"t1"}"""
            : """{"Versions":[{"VersionId":"v2","VersionStages":["AWSPENDING"]}]}"""));
        var secrets = new SecretsManagerClient(UnitClients.Signed(AwsService.SecretsManager, server, _time), pageSize: 1);

        var versions = await secrets.ListSecretVersionIdsAsync("s", default);

        Assert.Equal(["v1", "v2"], versions.Select(v => v.VersionId));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 500, TimeSpan.Zero), versions[0].CreatedDate);
        Assert.Contains("\"NextToken\":\"t1\"", server.Bodies[1], StringComparison.Ordinal);
        Assert.Contains("\"MaxResults\":1", server.Bodies[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishBatchAsync_FailedEntries_ReturnsTheirIds()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml(
            "<PublishBatchResponse><PublishBatchResult><Successful><member><Id>a</Id><MessageId>1</MessageId></member></Successful><Failed><member><Id>b</Id><Code>InternalError</Code><SenderFault>false</SenderFault></member></Failed></PublishBatchResult></PublishBatchResponse>"));
        var sns = new SnsClient(UnitClients.Signed(AwsService.Sns, server, _time));

        var failed = await sns.PublishBatchAsync("arn:aws:sns:us-east-1:1:t", [new("a", "s", "x", new Dictionary<string, string>()), new("b", "s", "y", new Dictionary<string, string>())], default);

        Assert.Equal(["b"], failed);
        Assert.Contains("PublishBatchRequestEntries.member.2.Id=b", server.Bodies[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessKeyLastUsedAsync_NotApplicableFields_MappedToNull()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml(
            "<GetAccessKeyLastUsedResponse><GetAccessKeyLastUsedResult><UserName>alice</UserName><AccessKeyLastUsed><LastUsedDate>N/A</LastUsedDate><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed></GetAccessKeyLastUsedResult></GetAccessKeyLastUsedResponse>"));

        var used = await new IamClient(UnitClients.Signed(AwsService.Iam, server, _time), null).GetAccessKeyLastUsedAsync("AKIAX", default);

        Assert.Equal(new Core.Model.AccessKeyLastUsed("AKIAX", null, null, null), used);
    }
}
