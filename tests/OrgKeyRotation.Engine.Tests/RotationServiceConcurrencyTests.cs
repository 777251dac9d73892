using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests;

/// <summary>
/// Two sweeps of the same user at once, their calls put in a chosen order (<see cref="CallOrder"/>) rather than left
/// to the machine's load. Whatever the order, one sweep creates the one new key, the other skips the user, nobody is
/// blocked, nothing fails, and the records left on the secret give the next sweep nothing to alert about.
/// A first rotation creates the secret (its attempt record in CreateSecret's tags) and stores the key as its first
/// version; a steady-state one writes the attempt record with TagResource, stages the key as AWSPENDING and promotes it.
/// </summary>
[Trait("Category", "Integration")]
public class RotationServiceConcurrencyTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>A verification that outlasts a held call.</summary>
    private static readonly EngineOptions Patient = new() { VerificationTimeout = TimeSpan.FromSeconds(30), VerificationPollInterval = TimeSpan.FromMilliseconds(100) };

    /// <summary>
    /// The loser lists the keys once the winner's key exists, reads the secret before the winner stores that key as the
    /// secret's first version, and reads the keys' last use after the winner verified it. Taken together, these reads
    /// show a secret that holds no key beside two active keys, the newer one used: two keys a person must choose
    /// between (rule 7), unless the loser looks again.
    /// </summary>
    [Fact]
    public async Task SweepAsync_LastUseReadAfterTheWinnerVerifiedTheSecretsFirstKey_LoserLooksAgainAndSkips()
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await h.UserWithKeyAsync(AccountA, "alice");
        var order = new CallOrder();
        var winner = order.Engine("winner", new Hold("PutSecretValue", After: "loser:DescribeSecret"));
        var loser = order.Engine("loser", new Hold("ListAccessKeys", After: "winner:CreateAccessKey"), new Hold("GetAccessKeyLastUsed", After: "winner:GetCallerIdentity"));

        var (won, lost) = await RaceAsync(h, winner, loser);

        order.AssertCameAbout();
        var rotate = won.Only(AccountA, "alice", ActionKind.Rotate);
        Assert.Equal(Outcome.Succeeded, rotate.Outcome);
        Assert.All(lost.ActionsOf(AccountA, "alice"), a => Assert.Equal(Outcome.Skipped, a.Outcome));
        // The second look: the secret read again, then the user once more.
        Assert.Equal(2, order.Calls.Count(c => c == "loser:ListAccessKeys"));
        await AssertOneNewKeyAndNothingToAlertAsync(h, old, [won, lost]);
    }

    /// <summary>The other orders that matter, named for what the second sweep (b) sees or does; a is the first.</summary>
    public static TheoryData<string> Orders =>
    [
        "first rotation: b reads the keys and the secret after a verified its key",
        "first rotation: b reads the secret before a stores its key, and the last use before a verifies it",
        "first rotation: b's CreateSecret answers ResourceExists once a's key exists, and b's attempt record replaces a's before a stores the key",
        "first rotation: b checks the policy of a's secret before a puts it, and puts it itself",
        "first rotation: b creates the key in the secret a created, and a's CreateAccessKey is refused",
        "first rotation: b starts staging after a's rotation ended",
        "steady state: b reads the secret before a stores its key, and the last use after a verified it",
        "steady state: b reads a's key staged as AWSPENDING before a promotes it, and completes the rotation too",
        "steady state: b's attempt record replaces a's after a's key exists",
        "steady state: b creates the key after both recorded an attempt, and a's CreateAccessKey is refused",
        "steady state: b starts staging after a promoted its key",
    ];

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task SweepAsync_TwoSweepsInAChosenOrder_OneNewKeyNoBlockNoFailure(string name)
    {
        var (steady, a, b) = name[(name.IndexOf(": ", StringComparison.Ordinal) + 2)..] switch
        {
            "b reads the keys and the secret after a verified its key" =>
                (false, Holds(), Holds(new Hold("ListAccessKeys", "a:CreateAccessKey"), new Hold("DescribeSecret", "a:GetCallerIdentity"))),
            "b reads the secret before a stores its key, and the last use before a verifies it" =>
                (false, Holds(new Hold("PutSecretValue", "b:DescribeSecret"), new Hold("GetCallerIdentity", "b:GetAccessKeyLastUsed#2")), Holds(new Hold("ListAccessKeys", "a:CreateAccessKey"))),
            "b's CreateSecret answers ResourceExists once a's key exists, and b's attempt record replaces a's before a stores the key" =>
                (false, Holds(new Hold("CreateAccessKey", "b:ListAccessKeys"), new Hold("PutSecretValue", "b:TagResource")), Holds(new Hold("CreateSecret", "a:CreateAccessKey"))),
            "b checks the policy of a's secret before a puts it, and puts it itself" =>
                (false, Holds(new Hold("PutResourcePolicy", "b:GetResourcePolicy")), Holds(new Hold("CreateSecret", "a:CreateSecret"))),
            "b creates the key in the secret a created, and a's CreateAccessKey is refused" =>
                (false, Holds(new Hold("CreateAccessKey", "b:CreateAccessKey")), Holds(new Hold("CreateSecret", "a:PutResourcePolicy"))),
            "b starts staging after a's rotation ended" =>
                (false, Holds(new Hold("CreateAccessKey", "b:ListAccessKeys")), Holds(new Hold("CreateSecret", "a:GetCallerIdentity"))),
            "b reads the secret before a stores its key, and the last use after a verified it" =>
                (true, Holds(new Hold("PutSecretValue", "b:DescribeSecret")), Holds(new Hold("ListAccessKeys", "a:CreateAccessKey"), new Hold("GetAccessKeyLastUsed", "a:GetCallerIdentity"))),
            "b reads a's key staged as AWSPENDING before a promotes it, and completes the rotation too" =>
                (true, Holds(new Hold("UpdateSecretVersionStage", "b:DescribeSecret")), Holds(new Hold("ListAccessKeys", "a:PutSecretValue"))),
            "b's attempt record replaces a's after a's key exists" =>
                (true, Holds(new Hold("CreateAccessKey", "b:ListAccessKeys"), new Hold("PutSecretValue", "b:CreateAccessKey")), Holds(new Hold("TagResource", "a:CreateAccessKey"))),
            "b creates the key after both recorded an attempt, and a's CreateAccessKey is refused" =>
                (true, Holds(new Hold("CreateAccessKey", "b:CreateAccessKey")), Holds(new Hold("TagResource", "a:TagResource"))),
            "b starts staging after a promoted its key" =>
                (true, Holds(new Hold("CreateAccessKey", "b:ListAccessKeys")), Holds(new Hold("TagResource", "a:UpdateSecretVersionStage"))),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such order"),
        };
        Assert.Equal(steady, name.StartsWith("steady state", StringComparison.Ordinal));
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = steady ? await SteadyStateUserAsync(h) : await h.UserWithKeyAsync(AccountA, "alice");
        var order = new CallOrder();

        var (first, second) = await RaceAsync(h, order.Engine("a", a), order.Engine("b", b));

        order.AssertCameAbout();
        await AssertOneNewKeyAndNothingToAlertAsync(h, old, [first, second]);
    }

    /// <summary>
    /// A sweep and a Secrets Manager rotation of the same user's secret at once (its schedule came due), named for what
    /// the sweep or the rotation's createSecret sees; Secrets Manager's side (the token's empty AWSPENDING version) is
    /// the model's <see cref="SecretsManagerRotations"/>.
    /// </summary>
    public static TheoryData<string> OrdersWithARotation =>
    [
        "the sweep lists the keys after createSecret's key exists, reads the secret before it is stored, and the last use after testSecret verified it",
        "the sweep reads the key createSecret staged and completes the rotation before testSecret and finishSecret",
        "createSecret reads the user after the sweep's key exists and before the sweep stores it",
        "createSecret plans a key, and the sweep creates the user's key before createSecret's CreateAccessKey",
    ];

    [Theory]
    [MemberData(nameof(OrdersWithARotation))]
    public async Task RunRotationStepAsync_AlongsideASweepInAChosenOrder_OneNewKeyNoBlockNoFailure(string name)
    {
        var h = await EngineHarness.StartAsync(moto.Server);
        var old = await SteadyStateUserAsync(h);
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, "alice"))).GetProperty("ARN").GetString()!;
        var rotations = new SecretsManagerRotations();
        var model = new AwsModel(h.Time).Use(rotations);
        Assert.True(rotations.TryStart(arn, out var token));
        var order = new CallOrder();
        Func<HttpMessageHandler> Engine(string engine, params Hold[] holds) => () => model.CreateHandler(order.Engine(engine, holds)());
        var config = h.Config(policy: RotateNow);
        Task<IReadOnlyList<RotationStepResult>> StepsAsync(Func<HttpMessageHandler> handler, params string[] steps) =>
            RunStepsAsync(h.Service(config, handler, Patient, h.Time, CallOrder.Retry), arn, token, steps);

        SweepResult swept;
        var steps = new List<RotationStepResult>();
        switch (name)
        {
            case "the sweep lists the keys after createSecret's key exists, reads the secret before it is stored, and the last use after testSecret verified it":
            {
                var rotation = StepsAsync(Engine("sm", new Hold("PutSecretValue", "sweep:DescribeSecret")), "createSecret", "testSecret", "finishSecret");
                swept = await SweepAsync(h, config, Engine("sweep", new Hold("ListAccessKeys", "sm:CreateAccessKey"), new Hold("GetAccessKeyLastUsed", "sm:GetCallerIdentity")));
                steps.AddRange(await rotation);
                break;
            }

            case "the sweep reads the key createSecret staged and completes the rotation before testSecret and finishSecret":
                steps.AddRange(await StepsAsync(Engine("sm"), "createSecret"));
                swept = await SweepAsync(h, config, Engine("sweep"));
                steps.AddRange(await StepsAsync(Engine("sm"), "testSecret", "finishSecret"));
                break;
            case "createSecret reads the user after the sweep's key exists and before the sweep stores it":
            {
                // The step describes the secret when it starts, and again with the user's two keys.
                var rotation = StepsAsync(Engine("sm", new Hold("ListAccessKeys", "sweep:CreateAccessKey")), "createSecret", "testSecret", "finishSecret");
                swept = await SweepAsync(h, config, Engine("sweep", new Hold("PutSecretValue", "sm:DescribeSecret#2")));
                steps.AddRange(await rotation);
                break;
            }

            case "createSecret plans a key, and the sweep creates the user's key before createSecret's CreateAccessKey":
            {
                // IAM refuses the step's key (the user holds two): the step needs none, and the rotation ends without one.
                var rotation = StepsAsync(Engine("sm", new Hold("CreateAccessKey", "sweep:CreateAccessKey")), "createSecret", "testSecret", "finishSecret");
                swept = await SweepAsync(h, config, Engine("sweep", new Hold("CreateAccessKey", "sm:ListAccessKeys")));
                steps.AddRange(await rotation);
                Assert.Null(steps[0].AccessKeyId);
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such order");
        }

        order.AssertCameAbout();
        Assert.All(steps, step => Assert.True(step.Outcome == Outcome.Succeeded, $"{step.Step}: {step.Message}"));
        var created = steps.Select(step => step.AccessKeyId).OfType<string>().Where(id => id != old);
        await AssertOneNewKeyAndNothingToAlertAsync(h, old, [swept], created);
    }

    private static async Task<IReadOnlyList<RotationStepResult>> RunStepsAsync(RotationService service, string arn, string token, string[] steps)
    {
        var results = new List<RotationStepResult>();
        foreach (var step in steps)
        {
            results.Add(await service.RunRotationStepAsync(new RotationStepRequest(step, arn, token), default));
        }

        return results;
    }

    private static Hold[] Holds(params Hold[] holds) => holds;

    /// <summary>
    /// A user taken over by a first rotation, its original key gone since: the current key (returned) is due, the second
    /// slot free.
    /// </summary>
    private static async Task<string> SteadyStateUserAsync(EngineHarness h)
    {
        var original = await h.UserWithKeyAsync(AccountA, "alice");
        await h.Service(h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        await h.Seed.DeleteAccessKeyAsync(AccountA, "alice", original);
        return (await h.KeyInSecretAsync(AccountA, "alice"))!;
    }

    private static async Task<(SweepResult First, SweepResult Second)> RaceAsync(EngineHarness h, Func<HttpMessageHandler> first, Func<HttpMessageHandler> second)
    {
        var config = h.Config(policy: RotateNow);
        var results = await Task.WhenAll(SweepAsync(h, config, first), SweepAsync(h, config, second));
        return (results[0], results[1]);
    }

    private static Task<SweepResult> SweepAsync(EngineHarness h, RotationConfig config, Func<HttpMessageHandler> handler) =>
        h.Service(config, handler, Patient, h.Time, CallOrder.Retry).SweepAsync(new SweepRequest(), default);

    /// <summary>
    /// Neither sweep failed or blocked the user; exactly one new key exists beside <paramref name="old"/>, both active,
    /// the new one AWSCURRENT; the next sweep (unordered) finds nothing to alert a person about; no blocked alert went out.
    /// </summary>
    private static async Task AssertOneNewKeyAndNothingToAlertAsync(EngineHarness h, string old, SweepResult[] race, IEnumerable<string>? createdElsewhere = null)
    {
        var next = await SweepAsync(h, h.Config(policy: RotateNow), () => new SocketsHttpHandler());
        foreach (var result in race.Append(next))
        {
            var actions = result.ActionsOf(AccountA, "alice").ToList();
            // Failed counts the blocked users too.
            Assert.True(result.Counts.Failed == 0, string.Join("; ", actions.Select(x => $"{x.Action} {x.Outcome}: {x.Reason} {x.Error}")));
        }

        var created = race.SelectMany(r => r.ActionsOf(AccountA, "alice")).Select(x => x.NewAccessKeyId).OfType<string>().Concat(createdElsewhere ?? []).Distinct().ToList();
        var key = Assert.Single(created);
        Assert.Equal([(old, "Active"), (key, "Active")], (await h.KeysAsync(AccountA, "alice")).OrderBy(k => k.AccessKeyId == key));
        Assert.Equal(key, await h.KeyInSecretAsync(AccountA, "alice"));
        await h.AssertSafeAsync(AccountA, "alice");
        Assert.DoesNotContain(await h.AlertsAsync(), x => x.Attributes["event"] == "blocked");
    }
}
