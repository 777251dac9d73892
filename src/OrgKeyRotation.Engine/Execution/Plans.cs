using System.Globalization;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Planning;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>The plan the engine acts on for one snapshot: the planner's, with what only the engine can say about the secret.</summary>
internal static class Plans
{
    public static UserPlan For(UserSnapshot snapshot, RotationPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var plan = Planner.Plan(snapshot.Facts, policy, now);

        // The facts present a secret scheduled for deletion as one the rotator may not write (it takes no new value);
        // the planner blocks the user for that, and this says why and what to do instead.
        if (snapshot.Secret is { DeletedDate: { } deleted } && plan.Actions is [{ Kind: PlannedActionKind.Block }])
        {
            var reason = $"secret {snapshot.SecretName} is scheduled for deletion (deleted on {deleted.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}) and takes no new value, so no key is created. "
                + "Restore it (as the rotator role: its resource policy lets no one else change it) or wait until Secrets Manager has deleted it, or change secrets.nameTemplate";
            return plan with { Actions = [new PlannedAction(PlannedActionKind.Block, reason)] };
        }

        return plan;
    }
}
