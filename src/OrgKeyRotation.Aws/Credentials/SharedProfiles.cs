using Amazon.Runtime.CredentialManagement;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// The profiles of the shared config and credentials files, found as the AWS CLI finds them: AWS_CONFIG_FILE and
/// AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials
/// (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html).
/// </summary>
internal static class SharedProfiles
{
    public const string DefaultName = "default";

    /// <summary>The profile a host uses when no profile is named: AWS_PROFILE, else "default".</summary>
    public static string SelectedName(Func<string, string?> environment) => NonBlank(environment("AWS_PROFILE")) ?? DefaultName;

    /// <summary>The profile as the SDK reads it from both files; null when neither has it.</summary>
    public static CredentialProfile? Find(string name) => new CredentialProfileStoreChain().TryGetProfile(name, out var profile) ? profile : null;

    public static string? RegionOf(string name) => Find(name)?.Region?.SystemName;

    /// <summary>Where the two files are looked for, for error messages.</summary>
    public static string Locations(Func<string, string?> environment)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var config = NonBlank(environment("AWS_CONFIG_FILE")) ?? Path.Combine(home, ".aws", "config");
        var credentials = NonBlank(environment("AWS_SHARED_CREDENTIALS_FILE")) ?? Path.Combine(home, ".aws", "credentials");
        return $"{config}, {credentials}";
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
