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
/// Runs keyrot as a child process: the built keyrot.dll on the dotnet host (the test project references the CLI, so it
/// sits beside the tests), or a Native AOT binary. By default with static test credentials and nothing inherited that
/// could point it at a real AWS account; <c>environment</c> overrides those (a null value removes the variable).
/// </summary>
internal static class KeyrotProcess
{
    /// <summary>keyrot.dll beside the tests.</summary>
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "keyrot.dll");

    public static Task<KeyrotRun> RunAsync(params string[] args) => RunAsync(null, null, args);

    /// <summary>Runs <paramref name="binary"/> (null: keyrot.dll on the dotnet host) with <paramref name="environment"/> over the defaults.</summary>
    public static async Task<KeyrotRun> RunAsync(string? binary, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = binary is null ? new ProcessStartInfo("dotnet", [Dll, .. args]) : new ProcessStartInfo(binary, args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k is "ACCOUNTS_USERS_JSON" or "SNS_TOPIC_ARN" or "ROTATION_ROLE_NAME" or "XDG_CACHE_HOME").ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        info.Environment["AWS_REGION"] = "us-east-1";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

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
