namespace OrgKeyRotation.Deploy.Tests;

/// <summary>Where the Terraform lives, found from the test assembly by walking up to the solution file.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string Terraform => Path.Combine(Root, "deploy", "terraform");

    /// <summary>The policy templates of a module: each module keeps the ones it renders.</summary>
    public static string Policies(string module) => Path.Combine(Terraform, "modules", module, "policies");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"OrgKeyRotation.sln was not found above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}
