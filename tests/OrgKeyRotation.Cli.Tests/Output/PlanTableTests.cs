using OrgKeyRotation.Cli.Output;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Tests.Output;

public class PlanTableTests
{
    [Fact]
    public void WritePlan_LastUseNotRead_ShowsADashNotNever()
    {
        var user = new UserResult(Samples.AccountA, "alice",
            [
                new KeySnapshot("AKIAAAAAAAAAAAAAAAA1", "Active", Samples.Now.AddDays(-100), null, KeyRole.Current, LastUsedKnown: false),
                new KeySnapshot("AKIAAAAAAAAAAAAAAAA2", "Active", Samples.Now.AddDays(-10), null, KeyRole.Untracked),
            ],
            []);
        var sweep = new SweepResult("sweep-1", DryRun: false, Samples.Now, Samples.Now, new SweepCounts(1, 1, 0, 0, 0, 0, 0, 0, 0), [new AccountResult(Samples.AccountA, Outcome.Succeeded, null, [user])], []);
        using var writer = new StringWriter();

        Renderers.WritePlan(writer, PlanView.From(sweep), OutputFormat.Table, color: false);

        var lines = writer.ToString().Split('\n');
        Assert.Matches(@"AKIAAAAAAAAAAAAAAAA1\s+Active\s+100\s+-\s", lines.Single(l => l.Contains("AKIAAAAAAAAAAAAAAAA1", StringComparison.Ordinal)));
        Assert.Matches(@"AKIAAAAAAAAAAAAAAAA2\s+Active\s+10\s+never\s", lines.Single(l => l.Contains("AKIAAAAAAAAAAAAAAAA2", StringComparison.Ordinal)));
    }
}
