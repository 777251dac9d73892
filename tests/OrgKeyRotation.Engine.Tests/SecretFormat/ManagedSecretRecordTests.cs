using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Tests.SecretFormat;

/// <summary>The attempt and hand-off records (secret tags, docs/design.md "Times") as the facts collector reads them.</summary>
public class ManagedSecretRecordTests
{
    private static SecretDescription With(string tag, string value) =>
        new("arn:aws:secretsmanager:eu-west-1:111111111111:secret:s", "s", null, new Dictionary<string, string> { [tag] = value }, new Dictionary<string, IReadOnlyList<string>>(), null);

    private static readonly SecretDescription NoTags = new("arn", "s", null, new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<string>>(), null);

    [Fact]
    public void ParseAttemptTag_IsoInstantAlone_IsThatUtcInstantWithoutAReplacedKey() =>
        Assert.Equal((new DateTimeOffset(2026, 6, 15, 11, 58, 3, TimeSpan.Zero), null), ManagedSecret.ParseAttemptTag(With("orgkeyrotation:attempt", "2026-06-15T11:58:03Z")));

    [Fact]
    public void ParseAttemptTag_ReplacedKeyAndInstant_AreBothRead() =>
        Assert.Equal((new DateTimeOffset(2026, 6, 15, 11, 58, 3, TimeSpan.Zero), "AKIAOLD0000000000001"), ManagedSecret.ParseAttemptTag(With("orgkeyrotation:attempt", "AKIAOLD0000000000001 2026-06-15T11:58:03Z")));

    [Fact]
    public void AttemptTags_WithTheReplacedKey_ParseBackToBoth()
    {
        var at = new DateTimeOffset(2026, 6, 15, 11, 58, 3, TimeSpan.Zero);
        var tags = ManagedSecret.AttemptTags(at, "AKIAOLD0000000000001", deactivatesReplacedKey: false);

        Assert.Equal((at, "AKIAOLD0000000000001"), ManagedSecret.ParseAttemptTag(With(ManagedSecret.AttemptTag, tags[ManagedSecret.AttemptTag])));
        Assert.False(tags.ContainsKey(ManagedSecret.DeactivatedTag));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-06-15")]
    [InlineData("2026-06-15T11:58:03+02:00")]
    [InlineData(" 2026-06-15T11:58:03Z")]
    [InlineData("AKIAOLD0000000000001 soon")]
    public void ParseAttemptTag_NotTheRecordFormat_IsNoRecord(string value) =>
        Assert.Null(ManagedSecret.ParseAttemptTag(With("orgkeyrotation:attempt", value)));

    [Fact]
    public void ParseAttemptTag_NoTag_IsNoRecord() => Assert.Null(ManagedSecret.ParseAttemptTag(NoTags));

    [Fact]
    public void ParseHandOffTag_KeyAndInstant_AreBothRead()
    {
        var handOff = ManagedSecret.ParseHandOffTag(With("orgkeyrotation:handoff", "AKIANEW0000000000001 2026-06-15T11:58:03Z"));

        Assert.Equal(("AKIANEW0000000000001", new DateTimeOffset(2026, 6, 15, 11, 58, 3, TimeSpan.Zero)), handOff);
    }

    [Theory]
    [InlineData("AKIANEW0000000000001")]
    [InlineData(" 2026-06-15T11:58:03Z")]
    [InlineData("AKIANEW0000000000001 soon")]
    public void ParseHandOffTag_Malformed_IsNoRecord(string value) =>
        Assert.Null(ManagedSecret.ParseHandOffTag(With("orgkeyrotation:handoff", value)));

    [Fact]
    public void ParseHandOffTag_NoTag_IsNoRecord() => Assert.Null(ManagedSecret.ParseHandOffTag(NoTags));

    [Fact]
    public void NameProblem_UserNameWithAComma_SaysWhichCharacterAndWhatToDo()
    {
        var problem = ManagedSecret.NameProblem("iam-key-rotation/111111111111/build,bot", "build,bot");

        Assert.NotNull(problem);
        Assert.Contains("IAM allows ',' in the user name, but Secrets Manager refuses it", problem, StringComparison.Ordinal);
        Assert.Contains("No secret and no key is created", problem, StringComparison.Ordinal);
        Assert.Contains("Rename the user", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iam-key-rotation/111111111111/alice", "alice")]
    [InlineData("iam-key-rotation/111111111111/a+b=c.d_e@f-g", "a+b=c.d_e@f-g")]
    public void NameProblem_NameSecretsManagerTakes_IsNone(string secretName, string userName) =>
        Assert.Null(ManagedSecret.NameProblem(secretName, userName));

    [Fact]
    public void NameProblem_TemplateThatMakesAnInvalidName_SaysTheSecretName() =>
        Assert.Contains("the secret name", ManagedSecret.NameProblem("keys with spaces/alice", "alice"), StringComparison.Ordinal);
}
