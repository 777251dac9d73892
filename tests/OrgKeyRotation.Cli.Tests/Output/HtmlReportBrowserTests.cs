using System.Diagnostics;
using System.Text.RegularExpressions;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;

namespace OrgKeyRotation.Cli.Tests.Output;

/// <summary>Renders the HTML report in headless Chromium and reads the DOM after its script ran.</summary>
public class HtmlReportBrowserTests
{
    [ChromiumFact]
    public async Task Report_Html_RendersRowsAndRunsItsScriptInABrowser()
    {
        var path = await WriteReportAsync();

        var dom = await DumpDomAsync(new Uri(path).AbsoluteUri);

        Assert.Equal(4, Regex.Matches(dom, "<tr class=\"key[^\"]*\" data-key=\"AKIA").Count);
        Assert.Contains("4 of 4 keys", dom, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"age-chart\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", dom, StringComparison.Ordinal);
        File.Delete(path);
    }

    [ChromiumFact]
    public async Task Report_Html_FilterFromTheLinkHidesOtherRows()
    {
        var path = await WriteReportAsync();

        var dom = await DumpDomAsync(new Uri(path).AbsoluteUri + "#q=bob");

        Assert.Contains("1 of 4 keys", dom, StringComparison.Ordinal);
        Assert.Matches(new Regex($"data-key=\"{Samples.OldKey}\" hidden"), dom);
        Assert.DoesNotMatch(new Regex($"data-key=\"{Samples.BobKey}\" hidden"), dom);
        File.Delete(path);
    }

    private static async Task<string> WriteReportAsync()
    {
        var cli = new CliHarness();
        var path = Path.Combine(Path.GetTempPath(), $"keyrot-{Guid.NewGuid():N}.html");
        Assert.Equal(ExitCodes.Ok, await cli.RunAsync("report", "--output", "html", "--out", path));
        return path;
    }

    private static async Task<string> DumpDomAsync(string url)
    {
        var profile = Directory.CreateTempSubdirectory("keyrot-chromium-");
        var info = new ProcessStartInfo(ChromiumFactAttribute.Executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", $"--user-data-dir={profile.FullName}", "--dump-dom", url })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        profile.Delete(recursive: true);
        var dom = await stdout;
        Assert.True(dom.Length > 0, $"chromium printed no DOM (exit {process.ExitCode}): {await stderr}");
        return dom;
    }
}

/// <summary>A fact that runs only where Chromium is installed (scripts/lib.sh ensure_chromium), and says so when skipped.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Executable is null)
        {
            Skip = "chromium is not installed: run 'apt-get install -y chromium' (scripts/lib.sh ensure_chromium) to render the HTML report in a browser.";
        }
    }

    public static string? Executable { get; } = new[] { "chromium", "chromium-browser", "google-chrome" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);
}
