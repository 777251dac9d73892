using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Credentials;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Tests.Credentials;

public class ProfileRoleCredentialsTests
{
    private static readonly ProfileRole Role = new("ops-role", "arn:aws:iam::123456789012:role/operator", "keyrot-1", "ext-1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly BasicAWSCredentials _source = new("AKIASOURCE", "source-secret");
    private readonly List<(AWSCredentials Source, ProfileRole Role)> _calls = [];

    [Fact]
    public async Task GetCredentialsAsync_TwiceWithinTheSession_AssumesOnceWithTheSourceCredentials()
    {
        var credentials = new ProfileRoleCredentials(_source, Role, AssumeAsync, _time);

        var first = await credentials.GetCredentialsAsync();
        _time.Advance(TimeSpan.FromMinutes(50));
        var second = await credentials.GetCredentialsAsync();

        Assert.Same(first, second);
        var call = Assert.Single(_calls);
        Assert.Same(_source, call.Source);
        Assert.Equal(Role, call.Role);
    }

    [Fact]
    public async Task GetCredentialsAsync_NearExpiry_AssumesAgain()
    {
        var credentials = new ProfileRoleCredentials(_source, Role, AssumeAsync, _time);

        await credentials.GetCredentialsAsync();
        _time.Advance(TimeSpan.FromMinutes(56));
        await credentials.GetCredentialsAsync();

        Assert.Equal(2, _calls.Count);
    }

    [Fact]
    public async Task GetCredentialsAsync_TrustRefuses_NamesProfileAndRole()
    {
        AssumeRoleWith refused = (_, _, _) => throw new AwsServiceException("sts", "AssumeRole", "AccessDenied", AwsErrorKind.AccessDenied, System.Net.HttpStatusCode.Forbidden, "req-1", "not trusted");
        var credentials = new ProfileRoleCredentials(_source, Role, refused, _time);

        var error = await Assert.ThrowsAsync<AwsCredentialsException>(credentials.GetCredentialsAsync);

        Assert.Contains("profile 'ops-role'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Role.RoleArn, error.Message, StringComparison.Ordinal);
        Assert.Contains("trust policy", error.Message, StringComparison.Ordinal);
    }

    private Task<RoleCredentials> AssumeAsync(AWSCredentials source, ProfileRole role, CancellationToken cancellationToken)
    {
        _calls.Add((source, role));
        return Task.FromResult(new RoleCredentials(new ImmutableCredentials($"ASIA{_calls.Count}", "session-secret", "token"), _time.GetUtcNow().AddHours(1)));
    }
}
