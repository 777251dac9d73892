using System.Net;
using Amazon.Runtime;
using OrgKeyRotation.Aws.Credentials;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Tests.Credentials;

public class SsoProfileCredentialsTests
{
    [Fact]
    public async Task GetCredentialsAsync_PortalAnswersUnauthorized_SaysToSignInAgain()
    {
        var portal401 = new AmazonServiceException("Session token not found or invalid", ErrorType.Sender, "UnauthorizedException", "req-1", HttpStatusCode.Unauthorized);
        var credentials = new SsoProfileCredentials("ops", new Throwing(portal401));

        var error = await Assert.ThrowsAsync<AwsCredentialsException>(credentials.GetCredentialsAsync);

        Assert.Contains("aws sso login --profile ops", error.Message, StringComparison.Ordinal);
        Assert.Contains("Session token not found or invalid", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SSO Token has expired and can not be refreshed")]
    [InlineData("No valid SSO Token could be found.")]
    public async Task GetCredentialsAsync_TokenExpiredOrMissing_SaysToSignInAgain(string sdkMessage)
    {
        var credentials = new SsoProfileCredentials("ops", new Throwing(new AmazonClientException(sdkMessage)));

        var error = await Assert.ThrowsAsync<AwsCredentialsException>(credentials.GetCredentialsAsync);

        Assert.StartsWith("No AWS credentials from profile 'ops': it uses IAM Identity Center and has no valid sign-in", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Sign in again with: aws sso login --profile ops.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCredentialsAsync_RoleNotAssigned_NamesTheSettingsNotTheSignIn()
    {
        var notFound = new AmazonServiceException("No access", ErrorType.Sender, "ResourceNotFoundException", "req-2", HttpStatusCode.NotFound);
        var credentials = new SsoProfileCredentials("ops", new Throwing(notFound));

        var error = await Assert.ThrowsAsync<AwsCredentialsException>(credentials.GetCredentialsAsync);

        Assert.Contains("sso_role_name", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("aws sso login", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCredentialsAsync_SignedIn_PassesTheSdkCredentialsThrough()
    {
        var session = new ImmutableCredentials("ASIAEXAMPLE", "secret", "token");
        var credentials = new SsoProfileCredentials("ops", new Fixed(session));

        Assert.Same(session, await credentials.GetCredentialsAsync());
    }

    private sealed class Throwing(Exception error) : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => throw error;

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromException<ImmutableCredentials>(error);
    }

    private sealed class Fixed(ImmutableCredentials credentials) : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => credentials;
    }
}
