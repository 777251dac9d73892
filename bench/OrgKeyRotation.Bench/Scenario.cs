using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Bench;

/// <summary>
/// The seeded organisation of one run: N member accounts of U users, each user with one key, and an alert topic. The
/// same for both modes, so single-process and fan-out runs do the same work.
/// </summary>
internal sealed class Scenario
{
    private readonly ConcurrentDictionary<(string Account, string User), string> _oldKeys = new();

    private Scenario(IReadOnlyList<string> accounts, IReadOnlyList<string> users, string topicArn)
    {
        Accounts = accounts;
        Users = users;
        TopicArn = topicArn;
    }

    public IReadOnlyList<string> Accounts { get; }

    public IReadOnlyList<string> Users { get; }

    public string TopicArn { get; private set; }

    public double SeedSeconds { get; private set; }

    public int UserCount => Accounts.Count * Users.Count;

    /// <summary>The product's policy for the run: every key is due now (moto cannot back-date keys), the old key is kept.</summary>
    public static JsonObject Policy() => new() { ["maxKeyAgeDays"] = 0, ["deactivateAfterDays"] = 7, ["deleteAfterDays"] = 7 };

    /// <summary>Seeds through the proxy's direct port (no latency, not counted).</summary>
    public static async Task<Scenario> SeedAsync(BenchOptions options, Uri direct)
    {
        var accounts = Enumerable.Range(1, options.Accounts).Select(i => (100000000000L + i).ToString(CultureInfo.InvariantCulture)).ToList();
        var users = Enumerable.Range(1, options.Users).Select(i => $"svc-{i:000}").ToList();
        var scenario = new Scenario(accounts, users, "");
        var seeder = new MotoSeeder(direct);
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (account, _) =>
        {
            foreach (var user in users)
            {
                await seeder.CreateUserAsync(account, user);
                scenario._oldKeys[(account, user)] = (await seeder.CreateAccessKeyAsync(account, user)).AccessKeyId;
            }
        });
        // No subscription: moto's SNS-to-SQS delivery slows down as the queue grows (2.4 s per PublishBatch at 5,000
        // queued messages), which real SNS does not; the alerts are still published and counted.
        scenario.TopicArn = await seeder.CreateTopicAsync("bench");
        scenario.SeedSeconds = watch.Elapsed.TotalSeconds;
        return scenario;
    }

    /// <summary>
    /// After the first rotation, deletes each user's seeded key through the direct port (not counted), so every user
    /// has one key and its secret: the state of a steady-state rotation.
    /// </summary>
    public async Task RetireSeededKeysAsync(Uri direct)
    {
        var seeder = new MotoSeeder(direct);
        await Parallel.ForEachAsync(_oldKeys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (entry, _) =>
            await seeder.DeleteAccessKeyAsync(entry.Key.Account, entry.Key.User, entry.Value));
    }

    /// <summary>
    /// Checks the end state in moto itself for every user (a sample of 200 in large runs): a new key, active, in
    /// AWSCURRENT, the old key kept; and that the promoted key signed an accepted request through the model before the
    /// run ended (a key never verified would have none).
    /// </summary>
    public async Task<(int Checked, int Failures, int PromotedUnverified)> VerifyAsync(Uri direct, NewKeyPropagation propagation)
    {
        var seeder = new MotoSeeder(direct);
        var all = _oldKeys.Keys.OrderBy(k => k).ToList();
        var sample = all.Where((_, i) => all.Count <= 400 || i % (all.Count / 200) == 0).ToList();
        var failures = 0;
        var unverified = 0;
        foreach (var (account, user) in sample)
        {
            var value = await seeder.CurrentSecretValueAsync(account, $"iam-key-rotation/{account}/{user}");
            var keys = await seeder.ListAccessKeysAsync(account, user);
            var current = value is null ? null : JsonDocument.Parse(value).RootElement.GetProperty("AccessKeyId").GetString();
            if (current is null || current == _oldKeys[(account, user)] || keys.Count != 2 || !keys.Any(k => k.AccessKeyId == current && k.Status == "Active"))
            {
                failures++;
            }
            else if (propagation.Key(current)?.FirstAcceptedAt is null)
            {
                unverified++;
            }
        }

        return (sample.Count, failures, unverified);
    }
}
