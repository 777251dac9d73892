using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.Destinations;

/// <summary>The one alert about a destination that does not hold the user's current key after a write: what failed, and what follows.</summary>
internal static class DestinationAlerts
{
    public static Alert Failed(string sweepId, AlertUser user, DestinationWrite write, string accessKeyId, IReadOnlyList<DestinationSnapshot>? destinations)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(write);
        var name = write.Destination.Name;
        return Alert.AboutUser(AlertEvent.Failed, sweepId, user, $"{name} does not hold the current key of {user.AccountId}/{user.UserName}",
                $"{name} is not recorded as holding key {accessKeyId}: {write.Error}\n\nUntil {name} holds key {accessKeyId}, the key it replaces there stays active (it is deactivated anyway at the forced deadline, maxDeactivationDelayDays), and every sweep writes key {accessKeyId} there again.",
                accessKeyId)
            with { Destinations = destinations };
    }
}
