using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>What one look at a user found in AWS: the planner's facts plus what the executor needs to act on them.</summary>
internal sealed record UserSnapshot(
    UserFacts Facts,
    string SecretName,
    SecretDescription? Secret,
    IamUser User)
{
    public IReadOnlyDictionary<string, string> UserTags => User.Tags;

    /// <summary>
    /// The key's owner: the value of the user tag named <paramref name="ownerTag"/> (alerts.ownerTag; null disables).
    /// An exact key first, then one differing only in case (IAM does not let a user carry both).
    /// </summary>
    public string? OwnerBy(string? ownerTag)
    {
        if (string.IsNullOrEmpty(ownerTag))
        {
            return null;
        }

        var value = UserTags.TryGetValue(ownerTag, out var exact)
            ? exact
            : UserTags.FirstOrDefault(t => string.Equals(t.Key, ownerTag, StringComparison.OrdinalIgnoreCase)).Value;
        return string.IsNullOrEmpty(value) ? null : value;
    }

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
