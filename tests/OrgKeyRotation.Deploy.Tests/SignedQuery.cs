using System.Net;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>A Query-protocol response: HTTP status, the AWS error code (null on success) and the XML body.</summary>
internal sealed record QueryResponse(HttpStatusCode Status, string? ErrorCode, XElement Body)
{
    public string Value(string name) =>
        Body.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value
        ?? throw new InvalidOperationException($"The response has no {name}: {Body}");
}

/// <summary>
/// Properly signed Query calls (IAM, STS) with any credentials. MotoSeeder's unsigned calls are refused once moto's
/// authorization is on (it then checks signatures), and the product's AWS layer has no CreateUser or CreateRole.
/// </summary>
internal static class SignedQuery
{
    public static async Task<QueryResponse> PostAsync(Uri endpoint, AWSCredentials credentials, string service, string action, string version, IReadOnlyDictionary<string, string> parameters)
    {
        using var invoker = new HttpMessageInvoker(new SigV4SigningHandler(credentials, RegionEndpoint.USEast1, service, new SocketsHttpHandler()));
        var form = new Dictionary<string, string>(parameters) { ["Action"] = action, ["Version"] = version };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        using var response = await invoker.SendAsync(request, CancellationToken.None);
        var body = XElement.Parse(await response.Content.ReadAsStringAsync());
        var code = response.IsSuccessStatusCode ? null : body.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "(no code)";
        return new QueryResponse(response.StatusCode, code, body);
    }
}
