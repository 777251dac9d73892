using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;

namespace OrgKeyRotation.Testing.GitHub;

/// <summary>
/// The independent sealed-box implementation the contract server trusts: npm's libsodium-wrappers in a node process
/// (Oracle/sealed-box-oracle.js, installed from Oracle/package-lock.json by scripts/lib.sh ensure_node_tools). It makes
/// the server's X25519 key pairs and opens every sealed secret; the product's sealing code never runs on this side.
/// </summary>
public sealed class SodiumOracle : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SodiumOracle(Process process) => _process = process;

    /// <summary>Why the oracle cannot run here, or null when it can.</summary>
    public static string? Missing { get; } = FindMissing();

    public static string Directory => Path.Combine(RepositoryRoot(), "tests", "OrgKeyRotation.GitHub.Tests", "Oracle");

    public static async Task<SodiumOracle> StartAsync()
    {
        if (Missing is not null)
        {
            throw new InvalidOperationException(Missing);
        }

        var info = new ProcessStartInfo("node", [Path.Combine(Directory, "sealed-box-oracle.js")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("node could not be started.");
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready is null || !ready.Contains("ready", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The sealed-box oracle did not start: {await process.StandardError.ReadToEndAsync()}");
        }

        return new SodiumOracle(process);
    }

    /// <summary>A fresh X25519 key pair (crypto_box_keypair), Base64.</summary>
    public async Task<(string PublicKey, string PrivateKey)> KeyPairAsync()
    {
        var answer = await AskAsync(new JsonObject { ["op"] = "keypair" });
        return (answer["publicKey"]!.GetValue<string>(), answer["privateKey"]!.GetValue<string>());
    }

    /// <summary>crypto_box_seal_open: the plaintext bytes, or null when the box does not open with this key pair.</summary>
    public async Task<byte[]?> OpenAsync(string sealedBase64, string publicKey, string privateKey)
    {
        var answer = await AskAsync(new JsonObject { ["op"] = "open", ["sealed"] = sealedBase64, ["publicKey"] = publicKey, ["privateKey"] = privateKey });
        return answer["ok"]!.GetValue<bool>() ? Convert.FromBase64String(answer["value"]!.GetValue<string>()) : null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _gate.Dispose();
        await Task.CompletedTask;
    }

    private async Task<JsonObject> AskAsync(JsonObject request)
    {
        await _gate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(request.ToJsonString());
            await _process.StandardInput.FlushAsync();
            var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException("The sealed-box oracle exited.");
            return JsonNode.Parse(line)!.AsObject();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Path.Combine(Directory, "node_modules", "libsodium-wrappers", "package.json")))
        {
            return $"the independent sealed-box oracle is not installed: run (cd {Directory} && npm ci) or scripts/test.sh (needs Node.js 20+ and npm).";
        }

        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", ["--version"]) { RedirectStandardOutput = true, UseShellExecute = false });
            node?.WaitForExit(10_000);
            return node is { ExitCode: 0 } ? null : "node is not usable: install Node.js 20+ for the GitHub contract tests.";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "node is not installed: install Node.js 20+ for the GitHub contract tests.";
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrgKeyRotation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OrgKeyRotation.sln not found above the test directory.");
    }
}

/// <summary>A [Fact] skipped, with the reason, when the independent sealed-box oracle cannot run.</summary>
public sealed class OracleFactAttribute : FactAttribute
{
    public OracleFactAttribute() => Skip = SodiumOracle.Missing;
}

/// <summary>A [Theory] skipped, with the reason, when the independent sealed-box oracle cannot run.</summary>
public sealed class OracleTheoryAttribute : TheoryAttribute
{
    public OracleTheoryAttribute() => Skip = SodiumOracle.Missing;
}

/// <summary>One oracle process per test class (class fixture); each test starts its own contract server.</summary>
public sealed class OracleFixture : IAsyncLifetime
{
    private SodiumOracle? _oracle;

    public SodiumOracle Oracle => _oracle ?? throw new InvalidOperationException(SodiumOracle.Missing ?? "The oracle is not started.");

    public async Task InitializeAsync()
    {
        if (SodiumOracle.Missing is null)
        {
            _oracle = await SodiumOracle.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_oracle is not null)
        {
            await _oracle.DisposeAsync();
        }
    }
}
