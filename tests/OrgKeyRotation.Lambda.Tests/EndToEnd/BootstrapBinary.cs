using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Lambda.Tests.EndToEnd;

/// <summary>
/// The Native AOT bootstrap under test: the file named by ORGKEYROTATION_BOOTSTRAP when set (e.g. the one
/// deploy/package_lambda.sh built; a relative path is taken from the repository root), otherwise published once
/// per test run into artifacts/lambda/test-publish.
/// </summary>
internal static class BootstrapBinary
{
    public const string PathVariable = "ORGKEYROTATION_BOOTSTRAP";

    private static readonly PublishedBinary Binary = new(PathVariable, "OrgKeyRotation.Lambda", Path.Combine("lambda", "test-publish"), "bootstrap", "deploy/package_lambda.sh");

    public static Task<string> GetAsync() => Binary.GetAsync();
}
