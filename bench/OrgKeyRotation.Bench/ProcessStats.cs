using System.Diagnostics;
using System.Globalization;

namespace OrgKeyRotation.Bench;

/// <summary>CPU and memory of the processes under test, from the kernel.</summary>
internal static class ProcessStats
{
    /// <summary>utime + stime of a live process from /proc/&lt;pid&gt;/stat (fields 14 and 15, in ticks of 1/100 s); 0 once gone.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Peak resident set (VmHWM) of a live process in bytes; 0 once gone.</summary>
    public static long PeakRssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process exited between the check and the read.
        }

        return 0;
    }

    /// <summary>
    /// Runs keyrot to the end. Peak RSS and CPU come from the kernel's rusage of the child through GNU time (exact, and
    /// no polling that would spend the driver's CPU during the run); without it, /proc is sampled every 50 ms instead.
    /// </summary>
    public static async Task<(int ExitCode, TimeSpan Wall, long PeakRssBytes, double CpuSeconds, string Stdout, string Stderr)> RunKeyrotAsync(string keyrot, IReadOnlyList<string> arguments)
    {
        const string GnuTime = "/usr/bin/time";
        var rusageFile = File.Exists(GnuTime) ? Path.GetTempFileName() : null;
        // keyrot.dll runs on the dotnet host (JIT); anything else is the Native AOT binary (scripts/publish_cli.sh).
        var managed = keyrot.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        string[] command = [.. managed ? new[] { "dotnet", keyrot } : [keyrot], .. arguments];
        string[] launch = rusageFile is null ? command : [GnuTime, "-f", "%U %S %M", "-o", rusageFile, .. command];
        var info = new ProcessStartInfo(launch[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in launch.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        info.Environment["AWS_REGION"] = "us-east-1";
        info.Environment["DOTNET_TieredPGO"] = "0";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        double cpu = 0;
        if (rusageFile is null)
        {
            while (!process.HasExited)
            {
                peak = Math.Max(peak, PeakRssBytes(process.Id));
                cpu = Math.Max(cpu, CpuSeconds(process.Id));
                await Task.Delay(50);
            }
        }

        await process.WaitForExitAsync();
        watch.Stop();
        if (rusageFile is not null)
        {
            // "user system maxrss_kb" on the file's last line (GNU time writes "Command exited with..." above it on failure).
            var fields = File.ReadAllLines(rusageFile).Last(l => l.Length > 0).Split(' ');
            cpu = double.Parse(fields[0], CultureInfo.InvariantCulture) + double.Parse(fields[1], CultureInfo.InvariantCulture);
            peak = long.Parse(fields[2], CultureInfo.InvariantCulture) * 1024;
            File.Delete(rusageFile);
        }

        return (process.ExitCode, watch.Elapsed, peak, cpu, await stdout, await stderr);
    }
}
