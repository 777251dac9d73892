using System.Text.Json;
using System.Xml;
using Amazon.Runtime;
using OrgKeyRotation.Aws.Http;

namespace OrgKeyRotation.Aws.Services;

/// <summary>Runs an SDK call and rethrows its exceptions as the layer's types (see <see cref="SdkErrors"/>).</summary>
internal static class SdkCall
{
    public static async Task<T> RunAsync<T>(string service, string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or XmlException or JsonException or FormatException)
        {
            throw SdkErrors.Convert(service, operation, e);
        }
    }
}
