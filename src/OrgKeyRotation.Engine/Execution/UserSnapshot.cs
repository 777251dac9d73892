using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>What one look at a user found in AWS: the planner's facts plus what the executor needs to act on them.</summary>
internal sealed record UserSnapshot(
    UserFacts Facts,
    string SecretName,
    SecretDescription? Secret,
    IReadOnlyDictionary<string, string> UserTags)
{
    public string? Owner => UserTags.TryGetValue("owner", out var owner) ? owner : null;

    public string? VersionWithStage(string stage) => Secret?.VersionWithStage(stage);
}
