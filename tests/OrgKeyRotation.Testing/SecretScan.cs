using System.Collections.Concurrent;

namespace OrgKeyRotation.Testing;

/// <summary>
/// The suite-wide secret scan. Tests register every secret they create or read and record every text the product
/// produces (log lines, alerts, exception messages, results, CLI output, reports). Each test can assert on its own
/// texts at once; the files under artifacts/secret-scan/ let scripts/test.sh scan the whole suite's output at the end.
/// </summary>
public static class SecretScan
{
    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);
    private static readonly object FileLock = new();
    private static readonly string Directory = Path.Combine(RepositoryRoot(), "artifacts", "secret-scan");
    private static readonly string Id = $"{Environment.ProcessId}-{Guid.NewGuid():N}";

    public static void RegisterSecret(string? secret)
    {
        // Short strings ("testing") would match innocent text; real secret keys are 40 characters.
        if (string.IsNullOrEmpty(secret) || secret.Length < 16 || !Secrets.TryAdd(secret, 0))
        {
            return;
        }

        Append("secrets", secret);
    }

    public static void RegisterSecrets(IEnumerable<string> secrets)
    {
        foreach (var secret in secrets)
        {
            RegisterSecret(secret);
        }
    }

    /// <summary>Records a text the product produced, for the end-of-suite scan.</summary>
    public static void Record(string kind, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            Append("outputs", $"[{kind}] {text.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Fails if any registered secret occurs in any of the texts (and records them).</summary>
    public static void AssertClean(string kind, IEnumerable<string?> texts)
    {
        foreach (var text in texts)
        {
            if (text is null)
            {
                continue;
            }

            Record(kind, text);
            foreach (var secret in Secrets.Keys)
            {
                if (text.Contains(secret, StringComparison.Ordinal))
                {
                    throw new Xunit.Sdk.XunitException($"a secret ({secret[..4]}…) appeared in {kind} output: {text.Replace(secret, "<SECRET>", StringComparison.Ordinal)}");
                }
            }
        }
    }

    private static void Append(string file, string line)
    {
        lock (FileLock)
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.AppendAllText(Path.Combine(Directory, $"{file}-{Id}.txt"), line + "\n");
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Path.GetTempPath();
    }
}
