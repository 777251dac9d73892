using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Cli.Tests.EndToEnd;

/// <summary>
/// The real keyrot process against moto: exit codes, parsed JSON/CSV output and the state left in moto.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeyrotEndToEndTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime, IDisposable
{
    private const string Account = "111111111111";
    private const string User = "alice";
    private const string SecretName = $"iam-key-rotation/{Account}/{User}";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly MotoSeeder _seeder = new(moto.Endpoint);
    private readonly string _dir = Directory.CreateTempSubdirectory("keyrot-e2e-").FullName;

    public Task InitializeAsync() => moto.Server.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Plan_DueKey_ListsRotateAndChangesNothing()
    {
        var key = await SeedUserWithKeyAsync();
        var config = await WriteConfigAsync(new() { [Account] = [User] });

        var run = await KeyrotAsync("plan", "--config", config, "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.True(json.GetProperty("dryRun").GetBoolean());
        var row = Assert.Single(json.GetProperty("rows").EnumerateArray());
        Assert.Equal(User, row.GetProperty("userName").GetString());
        Assert.Equal(key, row.GetProperty("accessKeyId").GetString());
        Assert.Equal("Rotate", row.GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("newAccessKeyId").ValueKind);
        Assert.Equal([(key, "Active")], await _seeder.ListAccessKeysAsync(Account, User));
        Assert.Null(await SecretValueAsync());
        AssertClean(run);
    }

    [Fact]
    public async Task Rotate_DueKey_RotatesAndSecretHoldsTheNewKey()
    {
        var old = await SeedUserWithKeyAsync();
        var config = await WriteConfigAsync(new() { [Account] = [User] });

        var run = await KeyrotAsync("rotate", "--config", config, "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(1, json.GetProperty("counts").GetProperty("rotated").GetInt32());
        Assert.Equal(0, json.GetProperty("counts").GetProperty("failed").GetInt32());
        var row = Assert.Single(json.GetProperty("rows").EnumerateArray());
        Assert.Equal("Succeeded", row.GetProperty("outcome").GetString());
        var newKey = row.GetProperty("newAccessKeyId").GetString();
        Assert.NotNull(newKey);
        Assert.NotEqual(old, newKey);
        var keys = await _seeder.ListAccessKeysAsync(Account, User);
        Assert.Equal(2, keys.Count);
        Assert.Contains(keys, k => k.AccessKeyId == newKey && k.Status == "Active");
        Assert.Equal(newKey, SecretKeyId(await SecretValueAsync()));
        AssertClean(run);
    }

    [Fact]
    public async Task Report_AfterRotation_ListsManagedUserWithKeyRolesAsJsonAndCsv()
    {
        var old = await SeedUserWithKeyAsync();
        var config = await WriteConfigAsync(new() { [Account] = [User] });
        var rotate = await KeyrotAsync("rotate", "--config", config, "--output", "json");
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        var newKey = rotate.Json().GetProperty("rows")[0].GetProperty("newAccessKeyId").GetString();
        await SecretValueAsync();

        var json = await KeyrotAsync("report", "--config", config, "--output", "json");
        var csv = await KeyrotAsync("report", "--config", config, "--output", "csv");

        Assert.True(json.ExitCode == 0, json.ToString());
        var report = json.Json();
        Assert.Equal(1, report.GetProperty("summary").GetProperty("managedUsers").GetInt32());
        Assert.Equal(0, report.GetProperty("summary").GetProperty("unmanagedUsers").GetInt32());
        var roles = report.GetProperty("keys").EnumerateArray()
            .ToDictionary(k => k.GetProperty("accessKeyId").GetString()!, k => (k.GetProperty("role").GetString(), k.GetProperty("managed").GetBoolean()));
        Assert.Equal(("Previous", true), roles[old]);
        Assert.Equal(("Current", true), roles[newKey!]);

        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        Assert.Equal(3, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(
            c => c[Array.IndexOf(header, "access_key_id")],
            c => (c[Array.IndexOf(header, "user")], c[Array.IndexOf(header, "role")], c[Array.IndexOf(header, "managed")]));
        Assert.Equal((User, "Previous", "true"), rows[old]);
        Assert.Equal((User, "Current", "true"), rows[newKey!]);
        AssertClean(rotate, json, csv);
    }

    [Fact]
    public async Task Restore_InactiveKey_ActiveAgain()
    {
        var key = await SeedUserWithKeyAsync();
        await _seeder.SetAccessKeyStatusAsync(Account, User, key, active: false);
        var config = await WriteConfigAsync(new() { [Account] = [User] });

        var run = await KeyrotAsync("restore", "--config", config, "--account", Account, "--user", User, "--key", key, "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal("Reactivate", json.GetProperty("action").GetString());
        Assert.Equal("Succeeded", json.GetProperty("outcome").GetString());
        Assert.Equal(key, json.GetProperty("accessKeyId").GetString());
        Assert.Equal([(key, "Active")], await _seeder.ListAccessKeysAsync(Account, User));
        AssertClean(run);
    }

    [Fact]
    public async Task RotationStep_FourStepsOnManagedSecret_MovesAwsCurrent()
    {
        var old = await SeedUserWithKeyAsync();
        var config = await WriteConfigAsync(new() { [Account] = [User] });
        var rotate = await KeyrotAsync("rotate", "--config", config, "--output", "json");
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        var before = SecretKeyId(await SecretValueAsync());
        // IAM allows two keys per user: make room as the engine would once the old key is deleted.
        await DeleteAccessKeyAsync(old);
        var arn = (await _seeder.DescribeSecretAsync(Account, SecretName)).GetProperty("ARN").GetString()!;
        var token = Guid.NewGuid().ToString();

        var runs = new List<KeyrotRun>();
        string? staged = null;
        foreach (var step in new[] { "createSecret", "setSecret", "testSecret", "finishSecret" })
        {
            var run = await KeyrotAsync("rotation-step", "--config", config, "--secret-id", arn, "--token", token, "--step", step, "--output", "json");
            runs.Add(run);
            Assert.True(run.ExitCode == 0, $"{step}: {run}");
            var json = run.Json();
            Assert.Equal(step, json.GetProperty("step").GetString());
            Assert.Equal(token, json.GetProperty("clientRequestToken").GetString());
            Assert.Equal("Succeeded", json.GetProperty("outcome").GetString());
            if (step == "createSecret")
            {
                staged = json.GetProperty("accessKeyId").GetString();
                Assert.Equal(staged, SecretKeyId(await SecretValueAsync("AWSPENDING")));
            }
        }

        var after = SecretKeyId(await SecretValueAsync());
        Assert.NotNull(staged);
        Assert.NotEqual(before, after);
        Assert.Equal(staged, after);
        Assert.Contains(await _seeder.ListAccessKeysAsync(Account, User), k => k.AccessKeyId == staged && k.Status == "Active");
        AssertClean([rotate, .. runs]);
    }

    [Fact]
    public async Task ValidateConfigAndRotate_ElevenDigitAccount_ExitTwoNamesThePathAndTouchesNothing()
    {
        var key = await SeedUserWithKeyAsync();
        var config = await WriteConfigAsync(new() { ["11111111111"] = [User] });

        var validate = await KeyrotRawAsync("validate-config", "--config", config, "--output", "json");
        var rotate = await KeyrotAsync("rotate", "--config", config, "--output", "json");

        Assert.True(validate.ExitCode == 2, validate.ToString());
        var problem = Assert.Single(validate.Json().GetProperty("problems").EnumerateArray());
        Assert.Equal("$.accounts.11111111111", problem.GetProperty("path").GetString());
        Assert.True(rotate.ExitCode == 2, rotate.ToString());
        Assert.Contains("$.accounts.11111111111", rotate.Stderr, StringComparison.Ordinal);
        Assert.Equal([(key, "Active")], await _seeder.ListAccessKeysAsync(Account, User));
        Assert.Null(await SecretValueAsync());
        AssertClean(validate, rotate);
    }

    [Fact]
    public async Task Restore_MalformedKeyId_ExitTwoAndKeyStaysInactive()
    {
        var key = await SeedUserWithKeyAsync();
        await _seeder.SetAccessKeyStatusAsync(Account, User, key, active: false);
        var config = await WriteConfigAsync(new() { [Account] = [User] });
        var malformed = key[..4] + "-" + key[4..]; // a hyphen is outside the IAM API's [\w]+ for key ids

        var run = await KeyrotAsync("restore", "--config", config, "--account", Account, "--user", User, "--key", malformed);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(malformed, run.Stderr, StringComparison.Ordinal);
        Assert.Equal([(key, "Inactive")], await _seeder.ListAccessKeysAsync(Account, User));
        AssertClean(run);
    }

    [Fact]
    public async Task Plan_OneUserMissing_ExitOneAndPublishesNothing()
    {
        await SeedUserWithKeyAsync();
        var (topic, queue) = await _seeder.CreateTopicWithQueueAsync("keyrot-e2e-plan");
        var config = await WriteConfigAsync(new() { [Account] = [User, "ghost"] }, topic);

        var run = await KeyrotAsync("plan", "--config", config, "--output", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var rows = run.Json().GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("userName").GetString()!);
        Assert.Equal("Rotate", rows[User].GetProperty("action").GetString());
        Assert.Equal("Failed", rows["ghost"].GetProperty("outcome").GetString());
        Assert.Single(await _seeder.ListAccessKeysAsync(Account, User));
        Assert.Empty(await _seeder.ReceiveAllAsync(queue));
        AssertClean(run);
    }

    [Fact]
    public async Task Rotate_OneUserMissing_ExitOneRotatesTheOtherAndNamesTheFailure()
    {
        var old = await SeedUserWithKeyAsync();
        var (topic, queue) = await _seeder.CreateTopicWithQueueAsync("keyrot-e2e");
        var config = await WriteConfigAsync(new() { [Account] = [User, "ghost"] }, topic);

        var run = await KeyrotAsync("rotate", "--config", config, "--output", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var json = run.Json();
        Assert.Equal(1, json.GetProperty("counts").GetProperty("rotated").GetInt32());
        Assert.Equal(1, json.GetProperty("counts").GetProperty("failed").GetInt32());
        var rows = json.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("userName").GetString()!);
        Assert.Equal("Succeeded", rows[User].GetProperty("outcome").GetString());
        Assert.Equal("Failed", rows["ghost"].GetProperty("outcome").GetString());
        Assert.Contains("ghost", rows["ghost"].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("ghost", run.Stderr, StringComparison.Ordinal);
        var newKey = rows[User].GetProperty("newAccessKeyId").GetString();
        Assert.Equal(2, (await _seeder.ListAccessKeysAsync(Account, User)).Count);
        Assert.Equal(newKey, SecretKeyId(await SecretValueAsync()));
        Assert.NotEqual(old, newKey);
        var alerts = await _seeder.ReceiveAllAsync(queue);
        Assert.Contains(alerts, a => a.Body.Contains("ghost", StringComparison.Ordinal));
        AssertClean(run);
        SecretScan.AssertClean("cli", alerts.Select(a => a.Body));
    }

    [Fact]
    public async Task Rotate_UnreachableEndpoint_ExitThreeNamesTheEndpoint()
    {
        var config = await WriteConfigAsync(new() { [Account] = [User] });
        var endpoint = $"http://127.0.0.1:{ClosedPort().ToString(CultureInfo.InvariantCulture)}";

        var run = await KeyrotRawAsync("rotate", "--config", config, "--endpoint-url", endpoint, "--output", "json");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains(endpoint, run.Stderr, StringComparison.Ordinal);
        AssertClean(run);
    }

    [Fact]
    public async Task Restore_UnreachableEndpoint_ExitThreeNamesTheEndpoint()
    {
        var config = await WriteConfigAsync(new() { [Account] = [User] });
        var endpoint = $"http://127.0.0.1:{ClosedPort().ToString(CultureInfo.InvariantCulture)}";

        var run = await KeyrotRawAsync("restore", "--config", config, "--endpoint-url", endpoint, "--account", Account, "--user", User, "--key", "AKIAIOSFODNN7EXAMPLE");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains(endpoint, run.Stderr, StringComparison.Ordinal);
        AssertClean(run);
    }

    private Task<KeyrotRun> KeyrotAsync(params string[] args) => KeyrotRawAsync([.. args, "--endpoint-url", moto.Endpoint.ToString()]);

    private static Task<KeyrotRun> KeyrotRawAsync(params string[] args) => KeyrotProcess.RunAsync(args);

    private async Task<string> SeedUserWithKeyAsync()
    {
        await _seeder.CreateUserAsync(Account, User);
        var (key, _) = await _seeder.CreateAccessKeyAsync(Account, User);
        SecretScan.RegisterSecrets(_seeder.SecretsSeen);
        return key;
    }

    private async Task<string> WriteConfigAsync(Dictionary<string, string[]> accounts, string? topicArn = null)
    {
        var config = new Dictionary<string, object?>
        {
            ["accounts"] = accounts,
            ["policy"] = new Dictionary<string, int> { ["maxKeyAgeDays"] = 0 },
            ["alerts"] = new Dictionary<string, string?> { ["snsTopicArn"] = topicArn },
        };
        var path = Path.Combine(_dir, $"config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config));
        return path;
    }

    /// <summary>The secret's value at a stage (null when there is no secret), its secret key registered for the scan.</summary>
    private async Task<string?> SecretValueAsync(string stage = "AWSCURRENT")
    {
        var value = await _seeder.CurrentSecretValueAsync(Account, SecretName, stage);
        if (value is not null)
        {
            using var doc = JsonDocument.Parse(value);
            SecretScan.RegisterSecret(doc.RootElement.GetProperty("SecretAccessKey").GetString());
        }

        return value;
    }

    private static string? SecretKeyId(string? secretValue)
    {
        Assert.NotNull(secretValue);
        using var doc = JsonDocument.Parse(secretValue);
        return doc.RootElement.GetProperty("AccessKeyId").GetString();
    }

    /// <summary>MotoSeeder has no DeleteAccessKey: the same unsigned query moto accepts for arranging.</summary>
    private async Task DeleteAccessKeyAsync(string accessKeyId)
    {
        var callerKey = await _seeder.AccessKeyForAccountAsync(Account);
        using var request = new HttpRequestMessage(HttpMethod.Post, moto.Endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "DeleteAccessKey",
                ["Version"] = "2010-05-08",
                ["UserName"] = User,
                ["AccessKeyId"] = accessKeyId,
            }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={callerKey}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void AssertClean(params KeyrotRun[] runs)
    {
        SecretScan.AssertClean("cli", runs.SelectMany(r => new[] { r.Stdout, r.Stderr }));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
