using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Cli.Tests.EndToEnd;

/// <summary>
/// The Native AOT keyrot under test: the file named by ORGKEYROTATION_KEYROT when set (e.g. the one
/// scripts/publish_cli.sh built), otherwise published once per test run into artifacts/cli/test-publish.
/// </summary>
internal static class KeyrotBinary
{
    private static readonly PublishedBinary Binary = new("ORGKEYROTATION_KEYROT", "OrgKeyRotation.Cli", Path.Combine("cli", "test-publish"), "keyrot", "scripts/publish_cli.sh", "-p:PublishAot=true");

    public static Task<string> GetAsync() => Binary.GetAsync();
}
