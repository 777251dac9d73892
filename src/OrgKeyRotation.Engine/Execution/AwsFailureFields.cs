using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// The fields of an AWS failure that a failure's log line carries as structured properties: the error code to filter
/// on (CloudWatch Logs Insights, metric filters), the HTTP status, and the request id AWS Support asks for. Null for a
/// failure that is not an AWS error response.
/// </summary>
internal readonly record struct AwsFailureFields(string? ErrorCode, int? HttpStatus, string? RequestId)
{
    public static AwsFailureFields Of(Exception ex) => ex is AwsServiceException aws
        ? new(aws.ErrorCode, (int)aws.StatusCode, aws.RequestId)
        : default;
}
