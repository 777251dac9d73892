namespace OrgKeyRotation.Testing.Modelling;

/// <summary>Passes the call on to the rest of the pipeline (the next behaviour, and finally moto).</summary>
public delegate Task<HttpResponseMessage> AwsNext(CancellationToken cancellationToken);

/// <summary>
/// One AWS behaviour that moto lacks, modelled on purpose (docs/emulator-limits.md cites AWS for each). A behaviour
/// sees every call of its <see cref="AwsModel"/>, in the order the behaviours were added: it may answer itself
/// (refuse, throttle), wait, or call the next step (<see cref="AwsNext"/>) and change the answer. Implementations are thread-safe.
/// </summary>
public abstract class AwsBehaviour
{
    public abstract Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken);
}
