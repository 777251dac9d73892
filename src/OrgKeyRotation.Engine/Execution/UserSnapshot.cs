using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Destinations;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// What one look at a user found in AWS: the planner's facts plus what the executor needs to act on them, the user's
/// destinations (from the configuration) with what the secret's records say they hold among them.
/// <paramref name="SecretNameProblem"/>: why the user cannot have a secret at all (<c>ManagedSecret.NameProblem</c>);
/// its secret was then not looked up.
/// </summary>
internal sealed record UserSnapshot(
    UserFacts Facts,
    string SecretName,
    SecretDescription? Secret,
    IamUser User,
    UserDestinations Destinations,
    string? SecretNameProblem = null)
{
    /// <summary>
    /// The version of the user's secret that carries AWSPENDING without a value beside another current version: a
    /// Secrets Manager rotation that has not ended (null: none).
    /// </summary>
    public string? EmptyPendingVersion { get; init; }

    /// <summary>The user as alerts name it, with its owner from the tag named <paramref name="ownerTag"/> (alerts.ownerTag).</summary>
    public AlertUser AlertUser(string? ownerTag) => new(Facts.AccountId, Facts.UserName, Alerts.AlertUser.OwnerIn(User.Tags, ownerTag));

    public string? VersionWithStage(string stage) => Secret?.VersionWithStage(stage);
}

/// <summary>
/// One account as the engine works in it: the session, who is exempt there (one GetGroup per account), and the
/// managed secrets found by one ListSecrets (null when the name template has no listable prefix).
/// </summary>
internal sealed record AccountContext(IAccountSession Session, IReadOnlySet<string> ExemptMembers, IReadOnlyDictionary<string, SecretDescription>? ListedSecrets)
{
    public string AccountId => Session.AccountId;
}
