namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// A network round trip per call: each request waits <paramref name="perCall"/> on the model's clock before it goes
/// on (moto on loopback answers in about a millisecond; an AWS API call from a Lambda takes tens).
/// </summary>
public sealed class Latency(TimeSpan perCall) : AwsBehaviour
{
    public TimeSpan PerCall { get; } = perCall >= TimeSpan.Zero ? perCall : throw new ArgumentOutOfRangeException(nameof(perCall), perCall, "Latency cannot be negative.");

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (PerCall > TimeSpan.Zero)
        {
            await Task.Delay(PerCall, call.Time, cancellationToken);
        }

        return await next(cancellationToken);
    }
}
