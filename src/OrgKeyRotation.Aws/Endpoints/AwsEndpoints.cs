namespace OrgKeyRotation.Aws.Endpoints;

/// <summary>The services this layer calls, with their SigV4 signing names and endpoint environment variables.</summary>
internal enum AwsService
{
    Iam,
    Sns,
    SecretsManager,
    Organizations,
    Sts,
    Sqs,
    Ssm,
}

/// <summary>Where to send a call and which region to sign it for.</summary>
internal sealed record ServiceEndpoint(Uri Url, string SigningRegion, string SigningName);

/// <summary>
/// Endpoint resolution, pure: explicit option &gt; AWS_ENDPOINT_URL_&lt;SERVICE&gt; &gt; AWS_ENDPOINT_URL &gt; the real
/// endpoint for the region's partition. Global services (IAM, Organizations) always sign for their home region,
/// also behind an override, because that is what the real service expects.
/// </summary>
internal static class AwsEndpoints
{
    public const string GlobalOverrideVariable = "AWS_ENDPOINT_URL";

    public static string PartitionOf(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";

    public static string DnsSuffixOf(string partition) => partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";

    public static string SigningName(AwsService service) => service switch
    {
        AwsService.Iam => "iam",
        AwsService.Sns => "sns",
        AwsService.SecretsManager => "secretsmanager",
        AwsService.Organizations => "organizations",
        AwsService.Sts => "sts",
        AwsService.Sqs => "sqs",
        AwsService.Ssm => "ssm",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };

    /// <summary>The standard per-service variable (AWS CLI / SDK "service-specific endpoints").</summary>
    public static string OverrideVariable(AwsService service) => service switch
    {
        AwsService.Iam => "AWS_ENDPOINT_URL_IAM",
        AwsService.Sns => "AWS_ENDPOINT_URL_SNS",
        AwsService.SecretsManager => "AWS_ENDPOINT_URL_SECRETS_MANAGER",
        AwsService.Organizations => "AWS_ENDPOINT_URL_ORGANIZATIONS",
        AwsService.Sts => "AWS_ENDPOINT_URL_STS",
        AwsService.Sqs => "AWS_ENDPOINT_URL_SQS",
        AwsService.Ssm => "AWS_ENDPOINT_URL_SSM",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };

    public static ServiceEndpoint Resolve(AwsService service, string region, Uri? explicitEndpoint, Func<string, string?> environment)
    {
        var partition = PartitionOf(region);
        var (realUrl, signingRegion) = RealEndpoint(service, region, partition);
        var overrideUrl = explicitEndpoint
            ?? ParseOverride(environment(OverrideVariable(service)), OverrideVariable(service))
            ?? ParseOverride(environment(GlobalOverrideVariable), GlobalOverrideVariable);
        return new ServiceEndpoint(overrideUrl ?? realUrl, signingRegion, SigningName(service));
    }

    private static (Uri Url, string SigningRegion) RealEndpoint(AwsService service, string region, string partition)
    {
        var suffix = DnsSuffixOf(partition);
        return service switch
        {
            AwsService.Iam => partition switch
            {
                "aws-cn" => (new Uri("https://iam.cn-north-1.amazonaws.com.cn"), "cn-north-1"),
                "aws-us-gov" => (new Uri("https://iam.us-gov.amazonaws.com"), "us-gov-west-1"),
                _ => (new Uri("https://iam.amazonaws.com"), "us-east-1"),
            },
            AwsService.Organizations => partition switch
            {
                "aws-cn" => (new Uri("https://organizations.cn-northwest-1.amazonaws.com.cn"), "cn-northwest-1"),
                "aws-us-gov" => (new Uri("https://organizations.us-gov-west-1.amazonaws.com"), "us-gov-west-1"),
                _ => (new Uri("https://organizations.us-east-1.amazonaws.com"), "us-east-1"),
            },
            _ => (new Uri($"https://{SigningName(service)}.{region}.{suffix}"), region),
        };
    }

    private static Uri? ParseOverride(string? value, string variable)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"{variable}='{value}' is not an absolute http(s) URL. Fix or unset it.", variable);
    }
}
