using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>`terraform fmt -check -recursive deploy/terraform`, by the terraform binary itself.</summary>
[Trait("Category", "Unit")]
public sealed class TerraformFormatTests
{
    [TerraformFact]
    public void FmtCheck_DeployTerraform_IsCanonical()
    {
        using var root = new TerraformRoot("fmt");

        var result = root.Fmt(RepositoryPaths.Terraform);

        Assert.True(result.ExitCode == 0, $"terraform fmt -check -recursive deploy/terraform found unformatted files (run terraform fmt -recursive deploy/terraform):\n{result.StandardOutput}{result.StandardError}");
    }
}
