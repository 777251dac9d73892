using System.Net.Http.Headers;
using System.Text;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>
/// Hand-made AWS requests for checking the models' wire answers. moto does not verify signatures, and the models read
/// only the SigV4 credential, so the signature is a placeholder.
/// </summary>
internal static class RawAws
{
    public static HttpRequestMessage Query(Uri endpoint, string accessKeyId, string service, string action, string version, params (string Key, string Value)[] parameters)
    {
        var form = new Dictionary<string, string> { ["Action"] = action, ["Version"] = version };
        foreach (var (key, value) in parameters)
        {
            form[key] = value;
        }

        return Signed(new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) }, accessKeyId, service);
    }

    public static HttpRequestMessage Json(Uri endpoint, string accessKeyId, string service, string target, string body, string contentType = "application/x-amz-json-1.1")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var request = Signed(new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content }, accessKeyId, service);
        request.Headers.Add("X-Amz-Target", target);
        return request;
    }

    private static HttpRequestMessage Signed(HttpRequestMessage request, string accessKeyId, string service)
    {
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0");
        return request;
    }
}
