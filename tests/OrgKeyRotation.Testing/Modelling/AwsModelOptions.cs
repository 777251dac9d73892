namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// The behaviours of <see cref="AwsModel.Create"/>; each is off by default. Tests that need one behaviour compose it
/// themselves (<c>new AwsModel(time).Use(...)</c>); the benchmark and the proxy command lines use this.
/// </summary>
public sealed record AwsModelOptions
{
    /// <summary>Wait per call (<see cref="Modelling.Latency"/>). Default none.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Fraction of calls answered with a throttling error, 0 to 1 (<see cref="Modelling.Throttling"/>). Default 0.</summary>
    public double ThrottleFraction { get; init; }

    /// <summary>Seed of the throttling draw. Default 20261125.</summary>
    public int ThrottleSeed { get; init; } = 20261125;

    /// <summary>
    /// How long a new key is refused (<see cref="NewKeyPropagation"/>). Default null: not modelled. Zero still records
    /// each key's creation and first use (the overshoot) without refusing any request.
    /// </summary>
    public TimeSpan? PropagationDelay { get; init; }

    /// <summary>How late GetAccessKeyLastUsed reports a use (<see cref="Modelling.LastUsedLag"/>). Default null: not modelled.</summary>
    public TimeSpan? LastUsedLag { get; init; }

    /// <summary>Organizations answers State without Status (<see cref="Modelling.OrganizationsStateOnly"/>). Default false.</summary>
    public bool OrganizationsStateOnly { get; init; }

    /// <summary>Accounts whose calls time out (<see cref="Modelling.UnresponsiveAccounts"/>). Default none.</summary>
    public IReadOnlyCollection<string> UnresponsiveAccounts { get; init; } = [];

    /// <summary>How long a call to an unresponsive account hangs; null: until the client gives up. Default null.</summary>
    public TimeSpan? UnresponsiveFor { get; init; }
}
