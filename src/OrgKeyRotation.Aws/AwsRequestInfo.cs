namespace OrgKeyRotation.Aws;

/// <summary>
/// What the layer knows about an outgoing request, attached to <see cref="HttpRequestMessage.Options"/> so inner
/// handlers (call counting, fault injection) can see the service, operation, account and attempt without parsing.
/// STS and SQS calls go through the SDK and do not carry it.
/// </summary>
/// <param name="Service">Signing name: iam, sns, secretsmanager, organizations.</param>
/// <param name="Operation">API action, e.g. CreateAccessKey.</param>
/// <param name="AccountId">Member account of an assumed-role session; null for the host's own credentials.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, ...</param>
public sealed record AwsRequestInfo(string Service, string Operation, string? AccountId, int Attempt)
{
    public static readonly HttpRequestOptionsKey<AwsRequestInfo> OptionKey = new("OrgKeyRotation.AwsRequestInfo");
}
