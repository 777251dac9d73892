using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Cli.CredentialProcess;

/// <summary>
/// The keys of one secret in a file only the user can read, like ~/.aws/credentials: a directory of mode 0700
/// ($XDG_CACHE_HOME/orgkeyrotation, else ~/.cache/orgkeyrotation) and a file of mode 0600 named by a hash of the
/// region and secret id. Written atomically (a temporary file in the same directory, then a rename), so a reader
/// never sees half a file. A file that cannot be read or written is reported and ignored: the bootstrap source can
/// refill it.
/// </summary>
internal sealed class FileKeyCache(string path, TextWriter warnings) : IKeyCache
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Path { get; } = path;

    /// <summary>The cache file of <paramref name="secretId"/> in <paramref name="region"/>.</summary>
    public static string PathFor(IReadOnlyDictionary<string, string?> environment, string region, string secretId)
    {
        var xdg = environment.GetValueOrDefault("XDG_CACHE_HOME");
        var home = environment.GetValueOrDefault("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var directory = System.IO.Path.Combine(string.IsNullOrWhiteSpace(xdg) ? System.IO.Path.Combine(home, ".cache") : xdg, "orgkeyrotation");
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{region}\n{secretId}")))[..32];
        return System.IO.Path.Combine(directory, $"credential-process-{name}.json");
    }

    public CachedKeys Load()
    {
        if (!File.Exists(Path))
        {
            return CachedKeys.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path));
            var root = document.RootElement;
            var keys = root.GetProperty("keys").EnumerateArray()
                .Select(k => new ConsumerKey(k.GetProperty("accessKeyId").GetString()!, new SensitiveString(k.GetProperty("secretAccessKey").GetString()!)))
                .Take(2)
                .ToList();
            return new CachedKeys(keys, Text(root, "accountId"), Text(root, "userName"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            // The type only: a half-parsed credential file must not reach the terminal.
            warnings.WriteLine($"warning: ignoring the key cache {Path}: it cannot be read ({e.GetType().Name}).");
            return CachedKeys.Empty;
        }
    }

    /// <summary>Writes the keys; a cache that cannot be written is reported, not fatal (the key was read already).</summary>
    public void Save(CachedKeys keys)
    {
        try
        {
            Write(keys);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warnings.WriteLine($"warning: could not write the key cache {Path} ({e.GetType().Name}: {e.Message}); the next run reads with the key it had.");
        }
    }

    private void Write(CachedKeys keys)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
            if ((File.GetUnixFileMode(directory) & ~OwnerOnlyDirectory) != 0)
            {
                File.SetUnixFileMode(directory, OwnerOnlyDirectory);
            }
        }

        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Serialize(keys));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static byte[] Serialize(CachedKeys keys)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("accountId", keys.AccountId);
            writer.WriteString("userName", keys.UserName);
            writer.WriteStartArray("keys");
            foreach (var key in keys.Keys)
            {
                writer.WriteStartObject();
                writer.WriteString("accessKeyId", key.AccessKeyId);
                writer.WriteString("secretAccessKey", key.SecretAccessKey.Reveal());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
