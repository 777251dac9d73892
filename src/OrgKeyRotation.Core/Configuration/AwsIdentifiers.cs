using System.Text.RegularExpressions;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// The shape of every AWS identifier the product accepts, each written once, as the AWS API references define it.
/// The configuration, the CLI, the engine, the Lambda event parser and the AWS layer all check input here.
/// Each <c>…Pattern</c> is the body of a regular expression that .NET and ECMA-262 (the JSON schema) read alike;
/// <see cref="SchemaPattern"/> anchors it for the schema, the checks here anchor it with <c>\z</c> so that a trailing
/// newline is not accepted (<c>$</c> would allow one in .NET).
/// </summary>
public static partial class AwsIdentifiers
{
    // Organizations Account.Id: "^\d{12}$" (Organizations API reference, Account).
    public const string AccountIdPattern = "[0-9]{12}";
    public const string AccountIdRule = "exactly 12 digits";

    // IAM AccessKey.AccessKeyId: pattern [\w]+, length 16-128 (IAM API reference, AccessKey). \w is ASCII there.
    // Real ids start AKIA (user keys) or ASIA (temporary); the prefix is not part of the contract, so it is not checked.
    public const string AccessKeyIdPattern = "[A-Za-z0-9_]{16,128}";
    public const string AccessKeyIdRule = "16-128 letters, digits or underscores";

    // IAM User.UserName and Role.RoleName: [\w+=,.@-]+, 1-64; Group.GroupName: the same, 1-128 (IAM API reference).
    public const string UserNamePattern = "[A-Za-z0-9_+=,.@-]{1,64}";
    public const string RoleNamePattern = "[A-Za-z0-9_+=,.@-]{1,64}";
    public const string GroupNamePattern = "[A-Za-z0-9_+=,.@-]{1,128}";
    public const string NameRule64 = "1-64 of letters, digits and +=,.@_-";
    public const string NameRule128 = "1-128 of letters, digits and +=,.@_-";

    // STS AssumeRole ExternalId: [\w+=,.@:\/-]*, 2-1224 (STS API reference, AssumeRole).
    public const string ExternalIdPattern = "[A-Za-z0-9_+=,.@:/-]{2,1224}";
    public const string ExternalIdRule = "2-1224 characters of letters, digits and +=,.@:/-";

    // IAM Tag.Key: [\p{L}\p{Z}\p{N}_.:/=+\-@]+, 1-128 (IAM API reference, Tag).
    public const string TagKeyPattern = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}";
    public const string TagKeyRule = "1-128 characters of letters, digits, spaces and _.:/=+-@";

    // Organizations OrganizationalUnit.Id ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$ and Root.Id ^r-[0-9a-z]{4,32}$.
    public const string OuOrRootIdPattern = "(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})";

    // IAM path: (\u002F)|(\u002F[\u0021-\u007E]+\u002F), 1-512 (IAM API reference, User.Path).
    public const string IamPathPattern = "/([\\x21-\\x7E]{1,510}/)?";

    // Secrets Manager secret names: letters, digits and /_+=.@-, 1-512 (CreateSecret, Name).
    public const string SecretNamePattern = "[A-Za-z0-9_/+=.@-]{1,512}";
    public const string SecretNameRule = "1-512 characters of letters, digits and /_+=.@-";

    // Secrets Manager tag values: letters, spaces and numbers representable in UTF-8 and + - = . _ : / @, 0-256
    // (TagResource, "Generally allowed characters"; Tag.Value up to 256).
    public const string SecretTagValuePattern = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}";
    public const string SecretTagValueRule = "letters, digits, spaces and _.:/=+-@";

    // KMS key id, key ARN, alias name or alias ARN, or a multi-Region key id (KMS API reference, KeyId).
    public const string KmsKeyPattern = "(arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9_/+=,.@-]+|alias/[A-Za-z0-9_/+=,.@-]+|[0-9a-fA-F-]{36}|mrk-[0-9a-f]{32})";

    private const string Partition = "arn:aws(-cn|-us-gov)?";

    // Region codes: two letters, an optional -gov, a direction or area word, a digit (us-east-1, us-gov-west-1, ap-southeast-5).
    public const string RegionPattern = "[a-z]{2}(-gov)?-[a-z]+-[0-9]";
    public const string RegionRule = "a region code such as us-east-1 or eu-west-1";
    private const string Region = RegionPattern;

    // SNS topic names: letters, digits, _ and -, 1-256; FIFO topics end in .fifo (SNS API reference, CreateTopic).
    public const string SnsTopicArnPattern = Partition + ":sns:" + Region + ":[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?";

    // Lambda function names: letters, digits, - and _, up to 64; an optional version or alias qualifier
    // (Lambda API reference, FunctionName; arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]).
    public const string LambdaFunctionArnPattern = Partition + ":lambda:" + Region + ":[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:(\\$LATEST|[A-Za-z0-9_-]{1,128}))?";

    // IAM role ARN with its path: arn:<partition>:iam::<account>:role<path><name>, the path "/" or "/a/b/" (IAM
    // identifiers: path 1-512 characters \u0021-\u007E; role name [\w+=,.@-]{1,64}).
    public const string RoleArnPattern = Partition + ":iam::[0-9]{12}:role/([\\x21-\\x7E]{1,510}/)?" + RoleNamePattern;

    // Secrets Manager secret ARN: arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>
    // (Secrets Manager user guide, "Secret ARN"); the suffix is not checked, since a name may contain '-'.
    public const string SecretArnPattern = Partition + ":secretsmanager:" + Region + ":[0-9]{12}:secret:" + SecretNamePattern;

    /// <summary>An SQS queue URL is an absolute http(s) URL; the schema's form of <see cref="IsQueueUrl"/>.</summary>
    public const string QueueUrlPattern = "https?://[^\\s]+";

    public static bool IsAccountId(string? value) => value is not null && AccountId().IsMatch(value);

    public static bool IsAccessKeyId(string? value) => value is not null && AccessKeyId().IsMatch(value);

    public static bool IsUserName(string? value) => value is not null && UserName().IsMatch(value);

    public static bool IsRoleName(string? value) => value is not null && RoleName().IsMatch(value);

    public static bool IsGroupName(string? value) => value is not null && GroupName().IsMatch(value);

    public static bool IsExternalId(string? value) => value is not null && ExternalId().IsMatch(value);

    public static bool IsTagKey(string? value) => value is not null && TagKey().IsMatch(value);

    public static bool IsOuOrRootId(string? value) => value is not null && OuOrRootId().IsMatch(value);

    public static bool IsIamPath(string? value) => value is not null && IamPath().IsMatch(value);

    public static bool IsSecretName(string? value) => value is not null && SecretName().IsMatch(value);

    public static bool IsSecretTagValue(string? value) => value is not null && SecretTagValue().IsMatch(value);

    public static bool IsRegion(string? value) => value is not null && RegionCode().IsMatch(value);

    public static bool IsKmsKey(string? value) => value is not null && KmsKey().IsMatch(value);

    public static bool IsSnsTopicArn(string? value) => value is not null && SnsTopicArn().IsMatch(value);

    public static bool IsLambdaFunctionArn(string? value) => value is not null && LambdaFunctionArn().IsMatch(value);

    public static bool IsRoleArn(string? value) => value is not null && RoleArn().IsMatch(value);

    public static bool IsSecretArn(string? value) => value is not null && SecretArn().IsMatch(value);

    public static bool IsQueueUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>A pattern body anchored for JSON Schema (ECMA-262).</summary>
    public static string SchemaPattern(string pattern) => "^" + pattern + "$";

    [GeneratedRegex("^" + AccountIdPattern + @"\z")]
    private static partial Regex AccountId();

    [GeneratedRegex("^" + AccessKeyIdPattern + @"\z")]
    private static partial Regex AccessKeyId();

    [GeneratedRegex("^" + UserNamePattern + @"\z")]
    private static partial Regex UserName();

    [GeneratedRegex("^" + RoleNamePattern + @"\z")]
    private static partial Regex RoleName();

    [GeneratedRegex("^" + GroupNamePattern + @"\z")]
    private static partial Regex GroupName();

    [GeneratedRegex("^" + ExternalIdPattern + @"\z")]
    private static partial Regex ExternalId();

    [GeneratedRegex("^" + TagKeyPattern + @"\z")]
    private static partial Regex TagKey();

    [GeneratedRegex("^" + OuOrRootIdPattern + @"\z")]
    private static partial Regex OuOrRootId();

    [GeneratedRegex("^" + IamPathPattern + @"\z")]
    private static partial Regex IamPath();

    [GeneratedRegex("^" + SecretNamePattern + @"\z")]
    private static partial Regex SecretName();

    [GeneratedRegex("^" + SecretTagValuePattern + @"\z")]
    private static partial Regex SecretTagValue();

    [GeneratedRegex("^" + RegionPattern + @"\z")]
    private static partial Regex RegionCode();

    [GeneratedRegex("^" + KmsKeyPattern + @"\z")]
    private static partial Regex KmsKey();

    [GeneratedRegex("^" + SnsTopicArnPattern + @"\z")]
    private static partial Regex SnsTopicArn();

    [GeneratedRegex("^" + LambdaFunctionArnPattern + @"\z")]
    private static partial Regex LambdaFunctionArn();

    [GeneratedRegex("^" + RoleArnPattern + @"\z")]
    private static partial Regex RoleArn();

    [GeneratedRegex("^" + SecretArnPattern + @"\z")]
    private static partial Regex SecretArn();
}
