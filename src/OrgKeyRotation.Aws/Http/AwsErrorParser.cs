using System.Net;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Http;

/// <summary>Turns an AWS error response (Query XML or JSON 1.1) into <see cref="AwsServiceException"/>. Bodies never reach a message.</summary>
internal static class AwsErrorParser
{
    public static AwsServiceException Parse(string service, string operation, HttpStatusCode status, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        string? code = null;
        string? message = null;
        string? requestId = headers.GetValueOrDefault("x-amzn-RequestId") ?? headers.GetValueOrDefault("x-amz-request-id");

        var first = FirstNonWhitespace(body);
        if (first == (byte)'<')
        {
            (code, message, var bodyRequestId) = ParseXml(body);
            requestId ??= bodyRequestId;
        }
        else if (first == (byte)'{')
        {
            (code, message) = ParseJson(body);
        }

        code = NormalizeCode(code) ?? NormalizeCode(headers.GetValueOrDefault("x-amzn-ErrorType"));
        code ??= status switch
        {
            HttpStatusCode.TooManyRequests => "TooManyRequestsException",
            >= HttpStatusCode.InternalServerError => "InternalFailure",
            _ => "HTTP" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new AwsServiceException(service, operation, code, KindOf(code, status), status, requestId, message);
    }

    /// <summary>Strips the namespace and type suffix of JSON error codes: "com.amazonaws.x#Name" and "Name:http://..." become "Name".</summary>
    public static string? NormalizeCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        code = code.Trim();
        return code.Length == 0 ? null : code;
    }

    public static AwsErrorKind KindOf(string code, HttpStatusCode status) => code switch
    {
        "NoSuchEntity" or "NoSuchEntityException" => AwsErrorKind.NoSuchEntity,
        "LimitExceeded" or "LimitExceededException" or "ParameterLimitExceeded" or "ParameterMaxVersionLimitExceeded" or "TooManyTagsError"
            or "HierarchyLevelLimitExceededException" => AwsErrorKind.LimitExceeded,
        "EntityAlreadyExists" or "EntityAlreadyExistsException" => AwsErrorKind.EntityAlreadyExists,
        "AccessDenied" or "AccessDeniedException" or "UnauthorizedOperation" or "AuthorizationError" => AwsErrorKind.AccessDenied,
        "ResourceNotFoundException" or "NotFound" or "NotFoundException" or "AccountNotFoundException"
            or "ParentNotFoundException" or "ChildNotFoundException" or "TargetNotFoundException"
            or "NonExistentQueue" or "AWS.SimpleQueueService.NonExistentQueue" or "QueueDoesNotExist"
            or "ParameterNotFound" or "InvalidResourceId" => AwsErrorKind.ResourceNotFound,
        "ResourceExistsException" or "ParameterAlreadyExists" => AwsErrorKind.ResourceExists,
        "InvalidRequestException" or "InvalidParameterException" or "InvalidParameterValue" or "InvalidParameterValueException"
            or "InvalidParameter" or "InvalidInput" or "InvalidInputException" or "ValidationError" or "ValidationException"
            or "MalformedPolicyDocument" or "MalformedPolicyDocumentException" or "MissingParameter"
            or "InvalidParameterCombination" or "InvalidKeyId" or "HierarchyTypeMismatchException" or "ParameterPatternMismatchException"
            or "UnsupportedParameterType" or "InvalidResourceType" => AwsErrorKind.InvalidRequest,
        "Throttling" or "ThrottlingException" or "TooManyRequestsException" or "RequestLimitExceeded"
            or "ThrottledException" or "RequestThrottled" or "RequestThrottledException" or "SlowDown"
            or "TooManyUpdates" => AwsErrorKind.Throttling,
        "InternalFailure" or "InternalError" or "InternalErrorException" or "InternalServerError" or "InternalServiceError" or "InternalServiceErrorException"
            or "ServiceUnavailable" or "ServiceUnavailableException" or "ServiceFailure" or "ServiceFailureException" => AwsErrorKind.ServiceFailure,
        "InvalidClientTokenId" or "SignatureDoesNotMatch" or "ExpiredToken" or "ExpiredTokenException"
            or "UnrecognizedClientException" or "InvalidAccessKeyId" or "IncompleteSignature" => AwsErrorKind.InvalidCredentials,
        _ when status == HttpStatusCode.TooManyRequests => AwsErrorKind.Throttling,
        _ when (int)status >= 500 => AwsErrorKind.ServiceFailure,
        _ => AwsErrorKind.Other,
    };

    private static byte FirstNonWhitespace(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF))
            {
                return b;
            }
        }

        return 0;
    }

    private static (string? Code, string? Message, string? RequestId) ParseXml(ReadOnlySpan<byte> body)
    {
        try
        {
            using var stream = new MemoryStream(body.ToArray());
            var root = XElement.Load(stream);
            var error = root.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName == "Error") ?? root;
            return (Child(error, "Code"), Child(error, "Message"), root.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName is "RequestId" or "RequestID")?.Value);
        }
        catch (XmlException)
        {
            return (null, null, null);
        }
    }

    private static string? Child(XElement element, string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static (string? Code, string? Message) ParseJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? code = null;
            string? message = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                if (property.NameEquals("__type") || (code is null && property.NameEquals("code")))
                {
                    code = property.Value.GetString();
                }
                else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase))
                {
                    message = property.Value.GetString();
                }
            }

            return (code, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
