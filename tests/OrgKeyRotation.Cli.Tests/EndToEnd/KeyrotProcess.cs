using System.Diagnostics;
using System.Text.Json;

namespace OrgKeyRotation.Cli.Tests.EndToEnd;

/// <summary>What one run of the real keyrot process produced.</summary>
internal sealed record KeyrotRun(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json()
    {
        try
        {
            return JsonDocument.Parse(Stdout).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"standard output is not JSON ({ex.Message}). exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the built keyrot.dll as a child process (the test project references the CLI, so it sits beside the tests),
/// with static test credentials and nothing inherited that could point it at a real AWS account.
/// </summary>
internal static class KeyrotProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "keyrot.dll");

    public static async Task<KeyrotRun> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k is "ACCOUNTS_USERS_JSON" or "SNS_TOPIC_ARN" or "ROTATION_ROLE_NAME").ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        info.Environment["AWS_REGION"] = "us-east-1";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["NO_COLOR"] = "1";

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"keyrot {string.Join(' ', args)} did not finish within 90 s");
        }

        return new KeyrotRun(process.ExitCode, await stdout, await stderr);
    }
}
