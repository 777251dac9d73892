using OrgKeyRotation.Cli.CredentialProcess;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Cli.Tests.CredentialProcess;

public sealed class FileKeyCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyrot-cache-").FullName;
    private readonly StringWriter _warnings = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PathFor_XdgCacheHomeSet_UnderItsOrgKeyRotationDirectory()
    {
        var path = FileKeyCache.PathFor(new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = "/x/cache", ["HOME"] = "/home/u" }, "eu-west-1", "s");

        Assert.StartsWith("/x/cache/orgkeyrotation/credential-process-", path, StringComparison.Ordinal);
    }

    [Fact]
    public void PathFor_NoXdgCacheHome_UnderHomeDotCache()
    {
        var path = FileKeyCache.PathFor(new Dictionary<string, string?> { ["HOME"] = "/home/u" }, "eu-west-1", "s");

        Assert.StartsWith("/home/u/.cache/orgkeyrotation/", path, StringComparison.Ordinal);
    }

    [Fact]
    public void PathFor_SameSecretOtherRegion_OtherFile()
    {
        var environment = new Dictionary<string, string?> { ["HOME"] = "/home/u" };

        Assert.NotEqual(FileKeyCache.PathFor(environment, "eu-west-1", "s"), FileKeyCache.PathFor(environment, "us-east-1", "s"));
    }

    [Fact]
    public void Save_ThenLoad_RoundTripsKeysAndOwner()
    {
        var cache = new FileKeyCache(Path.Combine(_dir, "orgkeyrotation", "c.json"), _warnings);
        var keys = new CachedKeys([new("AKIANEW0000000000002", new SensitiveString("new-secret")), new("AKIAOLD0000000000001", new SensitiveString("old-secret"))], "111111111111", "alice");

        cache.Save(keys);
        var loaded = cache.Load();

        Assert.Equal(keys.Keys, loaded.Keys);
        Assert.Equal(("111111111111", "alice"), (loaded.AccountId, loaded.UserName));
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "orgkeyrotation"), "*.tmp", SearchOption.AllDirectories));
    }

    [UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Save_NewDirectoryAndFile_OnlyTheUserCanReadThem()
    {
        var directory = Path.Combine(_dir, "orgkeyrotation");
        var cache = new FileKeyCache(Path.Combine(directory, "c.json"), _warnings);

        cache.Save(new CachedKeys([new("AKIANEW0000000000002", new SensitiveString("new-secret"))], null, null));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cache.Path));
    }

    [UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Save_DirectoryOthersCouldRead_TightensIt()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, "orgkeyrotation")).FullName;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        new FileKeyCache(Path.Combine(directory, "c.json"), _warnings).Save(new CachedKeys([new("AKIANEW0000000000002", new SensitiveString("s"))], null, null));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }

    [Fact]
    public void Save_DirectoryCannotBeCreated_WarnsInsteadOfFailing()
    {
        var notADirectory = Path.Combine(_dir, "a-file");
        File.WriteAllText(notADirectory, "");

        new FileKeyCache(Path.Combine(notADirectory, "orgkeyrotation", "c.json"), _warnings).Save(new CachedKeys([new("AKIANEW0000000000002", new SensitiveString("new-secret"))], null, null));

        Assert.Contains("could not write the key cache", _warnings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("new-secret", _warnings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Missing_Empty()
    {
        Assert.Empty(new FileKeyCache(Path.Combine(_dir, "none.json"), _warnings).Load().Keys);
        Assert.Equal("", _warnings.ToString());
    }

    [Fact]
    public void Load_Corrupt_EmptyWithAWarningThatShowsNoContent()
    {
        var path = Path.Combine(_dir, "c.json");
        File.WriteAllText(path, """{"keys":[{"accessKeyId":"AKIA","secretAccessKey":"half-written-sec""");

        var loaded = new FileKeyCache(path, _warnings).Load();

        Assert.Empty(loaded.Keys);
        Assert.Contains("ignoring the key cache", _warnings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("half-written", _warnings.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>A fact about Unix file modes: skipped, and says so, on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes do not exist on Windows.";
        }
    }
}
