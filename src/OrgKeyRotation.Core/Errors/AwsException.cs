namespace OrgKeyRotation.Core.Errors;

/// <summary>
/// An AWS call failed: AWS answered with an error (<see cref="AwsServiceException"/>, including an unreadable answer,
/// <see cref="AwsMalformedResponseException"/>), could not be reached (<see cref="AwsTransportException"/>), or the
/// outcome of a non-idempotent call is unknown (<see cref="AmbiguousOutcomeException"/>). Catch this type to treat
/// "the AWS call failed" as one failure mode. Missing credentials (<see cref="AwsCredentialsException"/>) are not an
/// AWS call failing but a host that cannot start, and do not derive from it.
/// </summary>
public abstract class AwsException : Exception
{
    protected AwsException(string service, string operation, string message, Exception? inner = null)
        : base(message, inner)
    {
        Service = service;
        Operation = operation;
    }

    /// <summary>The service's signing name: iam, sns, secretsmanager, organizations, sts, sqs.</summary>
    public string Service { get; }

    /// <summary>The API action, e.g. CreateAccessKey.</summary>
    public string Operation { get; }
}
