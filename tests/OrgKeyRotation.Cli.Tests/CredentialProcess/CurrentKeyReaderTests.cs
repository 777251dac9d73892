using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Cli.CredentialProcess;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Cli.Tests.CredentialProcess;

public class CurrentKeyReaderTests
{
    private const string SecretId = "iam-key-rotation/111111111111/alice";
    private static readonly ConsumerKey Old = Key("AKIAOLD0000000000001");
    private static readonly ConsumerKey New = Key("AKIANEW0000000000002");
    private static readonly BootstrapSource Profile = new("alice-bootstrap", "profile 'alice-bootstrap'");
    private readonly FakeTimeProvider _time = new();
    private readonly FakeSecret _secret = new();
    private readonly MemoryCache _cache = new();

    [Fact]
    public async Task ReadAsync_CachedKeyIsCurrent_ReturnsItAndWritesNothing()
    {
        _cache.Keys = new CachedKeys([Old], "111111111111", "alice");
        _secret.Current = Old;

        var key = await Reader(Profile).ReadAsync(SecretId, default);

        Assert.Equal(Old, key);
        Assert.Equal(["AKIAOLD0000000000001"], _secret.Signers);
        Assert.Equal(0, _cache.Saves);
    }

    [Fact]
    public async Task ReadAsync_RotatedSinceLastRun_ReturnsNewKeyAndCachesItBeforeTheReader()
    {
        _cache.Keys = new CachedKeys([Old], "111111111111", "alice");
        _secret.Current = New;

        var key = await Reader(Profile).ReadAsync(SecretId, default);

        Assert.Equal(New, key);
        Assert.Equal([New, Old], _cache.Keys.Keys);
    }

    [Fact]
    public async Task ReadAsync_NothingCachedWithBootstrap_ReadsWithBootstrapAndCachesTheCurrentKey()
    {
        _secret.Current = New;

        var key = await Reader(Profile).ReadAsync(SecretId, default);

        Assert.Equal(New, key);
        Assert.Equal(["bootstrap"], _secret.Signers);
        Assert.Equal([New], _cache.Keys.Keys);
        Assert.Equal(("111111111111", "alice"), (_cache.Keys.AccountId, _cache.Keys.UserName));
    }

    [Fact]
    public async Task ReadAsync_NothingCachedNoBootstrap_FailsSayingHowToBootstrap()
    {
        var error = await Assert.ThrowsAsync<ConsumerCredentialsException>(() => Reader(null).ReadAsync(SecretId, default));

        Assert.Equal(3, error.ExitCode);
        Assert.Contains("--bootstrap-profile", error.Message, StringComparison.Ordinal);
        Assert.Empty(_secret.Signers);
    }

    [Fact]
    public async Task ReadAsync_CachedKeyRefusedOnceThenAccepted_RetriesAfterOneSecond()
    {
        _cache.Keys = new CachedKeys([New], null, null);
        _secret.Current = New;
        _secret.RefuseTimes[New.AccessKeyId] = 1;

        var reading = Reader(Profile).ReadAsync(SecretId, default);
        await WaitForSignersAsync(1);
        Assert.False(reading.IsCompleted);
        _time.Advance(CurrentKeyReader.Backoff[0]);

        Assert.Equal(New, await reading);
        Assert.Equal([New.AccessKeyId, New.AccessKeyId], _secret.Signers);
    }

    [Fact]
    public async Task ReadAsync_NewestKeyRefusedOlderAccepted_FallsBackToTheOlderKey()
    {
        _cache.Keys = new CachedKeys([New, Old], "111111111111", "alice");
        _secret.Current = New;
        _secret.RefuseTimes[New.AccessKeyId] = int.MaxValue;

        var key = await AdvancingAsync(Reader(Profile).ReadAsync(SecretId, default));

        Assert.Equal(New, key);
        Assert.Equal([New.AccessKeyId, New.AccessKeyId, New.AccessKeyId, Old.AccessKeyId], _secret.Signers);
        Assert.Equal([New, Old], _cache.Keys.Keys);
    }

    [Fact]
    public async Task ReadAsync_CachedKeyDeactivated_ReadsWithBootstrapAfterTheBackoff()
    {
        _cache.Keys = new CachedKeys([Old], "111111111111", "alice");
        _secret.Current = New;
        _secret.RefuseTimes[Old.AccessKeyId] = int.MaxValue;

        var key = await AdvancingAsync(Reader(Profile).ReadAsync(SecretId, default));

        Assert.Equal(New, key);
        Assert.Equal(1 + CurrentKeyReader.Backoff.Count, _secret.Signers.Count(s => s == Old.AccessKeyId));
        Assert.Equal("bootstrap", _secret.Signers[^1]);
        Assert.Equal([New], _cache.Keys.Keys);
    }

    [Fact]
    public async Task ReadAsync_CachedAndBootstrapRefused_FailsNamingTheRestoreCommand()
    {
        _cache.Keys = new CachedKeys([New, Old], "111111111111", "alice");
        _secret.RefuseTimes[New.AccessKeyId] = int.MaxValue;
        _secret.RefuseTimes[Old.AccessKeyId] = int.MaxValue;
        _secret.RefuseTimes["bootstrap"] = int.MaxValue;

        var error = await Assert.ThrowsAsync<ConsumerCredentialsException>(() => AdvancingAsync(Reader(Profile).ReadAsync(SecretId, default)));

        Assert.Equal(3, error.ExitCode);
        Assert.Contains("keyrot restore --account 111111111111 --user alice --key AKIANEW0000000000002", error.Message, StringComparison.Ordinal);
        Assert.Contains("profile 'alice-bootstrap'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-of-", error.Message, StringComparison.Ordinal);
        Assert.Equal([New, Old], _cache.Keys.Keys);
    }

    [Fact]
    public async Task ReadAsync_CachedKeyRefusedNoBootstrap_FailsSayingBothAreGone()
    {
        _cache.Keys = new CachedKeys([Old], null, null);
        _secret.RefuseTimes[Old.AccessKeyId] = int.MaxValue;

        var error = await Assert.ThrowsAsync<ConsumerCredentialsException>(() => AdvancingAsync(Reader(null).ReadAsync(SecretId, default)));

        Assert.Contains("no bootstrap source was given", error.Message, StringComparison.Ordinal);
        Assert.Contains("--key AKIAOLD0000000000001", error.Message, StringComparison.Ordinal);
    }

    private static ConsumerKey Key(string id) => new(id, new SensitiveString("secret-of-" + id));

    private CurrentKeyReader Reader(BootstrapSource? bootstrap) => new(_secret, _cache, bootstrap, _time);

    /// <summary>Moves the fake clock past every backoff delay until <paramref name="task"/> ends.</summary>
    private async Task<T> AdvancingAsync<T>(Task<T> task)
    {
        for (var i = 0; i < 100 && !task.IsCompleted; i++)
        {
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        return await task;
    }

    private async Task WaitForSignersAsync(int count)
    {
        for (var i = 0; i < 200 && _secret.Signers.Count < count; i++)
        {
            await Task.Delay(5);
        }
    }

    private sealed class FakeSecret : ISecretReader
    {
        public ConsumerKey? Current { get; set; }

        public Dictionary<string, int> RefuseTimes { get; } = [];

        public List<string> Signers { get; } = [];

        public Task<CurrentKey> ReadCurrentAsync(ConsumerKey? key, CancellationToken cancellationToken)
        {
            var signer = key?.AccessKeyId ?? "bootstrap";
            lock (Signers)
            {
                Signers.Add(signer);
            }

            if (RefuseTimes.TryGetValue(signer, out var left) && left > 0)
            {
                RefuseTimes[signer] = left - 1;
                throw new KeyRefusedException($"{signer}: InvalidClientTokenId");
            }

            return Task.FromResult(new CurrentKey(Current ?? throw new InvalidOperationException("no current key"), "111111111111", "alice"));
        }
    }

    private sealed class MemoryCache : IKeyCache
    {
        public CachedKeys Keys { get; set; } = CachedKeys.Empty;

        public int Saves { get; private set; }

        public CachedKeys Load() => Keys;

        public void Save(CachedKeys keys)
        {
            Keys = keys;
            Saves++;
        }
    }
}
