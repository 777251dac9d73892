using System.Diagnostics;
using System.Text.Json;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Cli.Tests.Demo;

/// <summary>scripts/demo_seed.py against a real moto server: the demo's organization and the configuration it writes.</summary>
[Trait("Category", "Integration")]
public class DemoSeedTests
{
    [Fact]
    public async Task DemoSeed_FreshEmulator_WritesAConfigWithFourMemberAccountsEveryKeyDueAndAParameterDestination()
    {
        await using var moto = await MotoServer.StartAsync();
        var configPath = Path.Combine(Path.GetTempPath(), $"keyrot-demo-{Guid.NewGuid():N}.json");

        var (code, stderr) = await RunSeedAsync(moto.Endpoint, configPath);

        Assert.True(code == 0, $"demo_seed.py exited with {code}: {stderr}");
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(configPath));
        File.Delete(configPath);
        var root = config.RootElement;
        Assert.Equal("IAMKeyRotationRole", root.GetProperty("roleName").GetString());
        Assert.Equal(0, root.GetProperty("policy").GetProperty("maxKeyAgeDays").GetInt32());
        Assert.Equal("key-rotation-exempt", root.GetProperty("exemptions").GetProperty("group").GetString());
        Assert.StartsWith("arn:aws:sns:us-east-1:", root.GetProperty("alerts").GetProperty("snsTopicArn").GetString(), StringComparison.Ordinal);
        var accounts = root.GetProperty("accounts").EnumerateObject().ToList();
        Assert.Equal(4, accounts.Count);
        Assert.All(accounts, a =>
        {
            Assert.Matches("^[0-9]{12}$", a.Name);
            Assert.InRange(a.Value.GetArrayLength(), 3, 5);
        });
        Assert.Contains(accounts, a => a.Value.EnumerateArray().Any(u => u.GetString() == "break-glass"));
        Assert.Contains(accounts, a => a.Value.EnumerateArray().Any(u => u.GetString() == "ci-deployer"));
        var payments = accounts.Single(a => a.Value.EnumerateArray().Any(u => u.GetString() == "ci-deployer")).Name;
        var destination = Assert.Single(root.GetProperty("destinations").GetProperty("accounts").GetProperty(payments).GetProperty("users").GetProperty("ci-deployer").EnumerateArray());
        Assert.Equal(("ssm", "/orgkeyrotation/{accountId}/{userName}"), (destination.GetProperty("type").GetString(), destination.GetProperty("name").GetString()));
    }

    private static async Task<(int Code, string Stderr)> RunSeedAsync(Uri endpoint, string configPath)
    {
        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(RepositoryRoot(), "scripts", "demo_seed.py"), "--endpoint", endpoint.ToString().TrimEnd('/'), "--config-out", configPath })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        info.Environment["AWS_REGION"] = "us-east-1";
        info.Environment.Remove("AWS_PROFILE");
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"OrgKeyRotation.sln not found above {AppContext.BaseDirectory}");
    }
}
