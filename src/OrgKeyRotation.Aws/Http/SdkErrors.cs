using System.Text.Json;
using System.Xml;
using Amazon.Runtime;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Http;

/// <summary>Converts exceptions of the official SDK clients (STS, SQS) into the layer's own types, so retries and callers see one model.</summary>
internal static class SdkErrors
{
    public static Exception Convert(string service, string operation, Exception exception)
    {
        // Before AmazonServiceException, which it derives from. Its message quotes the response body, which for
        // AssumeRole holds credentials: only the position the SDK reached goes on.
        if (exception is AmazonUnmarshallingException unreadable)
        {
            return new AwsMalformedResponseException(service, operation, $"the SDK could not unmarshal it at '{unreadable.LastKnownLocation}'", unreadable.RequestId);
        }

        // The SDK's own parsers fail with these on a body that is not XML/JSON, or a value of the wrong form.
        if (exception is XmlException or JsonException or FormatException)
        {
            return new AwsMalformedResponseException(service, operation, $"the SDK could not parse it ({exception.GetType().Name})");
        }

        if (exception is AmazonServiceException ase)
        {
            if (ase.InnerException is HttpRequestException or IOException && (int)ase.StatusCode == 0)
            {
                return ase.InnerException;
            }

            var code = AwsErrorParser.NormalizeCode(ase.ErrorCode) ?? "HTTP" + ((int)ase.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new AwsServiceException(service, operation, code, AwsErrorParser.KindOf(code, ase.StatusCode), ase.StatusCode, ase.RequestId, ase.Message);
        }

        if (exception is AmazonClientException { InnerException: HttpRequestException or IOException } ace)
        {
            return ace.InnerException!;
        }

        return exception;
    }
}
