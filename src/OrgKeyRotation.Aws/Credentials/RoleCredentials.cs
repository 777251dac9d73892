using Amazon.Runtime;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>Credentials of an assumed role with their expiry.</summary>
internal sealed record RoleCredentials(ImmutableCredentials Credentials, DateTimeOffset Expiration)
{
    public override string ToString() => $"RoleCredentials {{ AccessKeyId = {Credentials.AccessKey}, Expiration = {Expiration:O} }}";
}
