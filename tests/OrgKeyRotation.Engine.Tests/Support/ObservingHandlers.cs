using System.Net;
using System.Text;

namespace OrgKeyRotation.Engine.Tests.Support;

/// <summary>
/// Answers an IAM error to one IAM action for one user: AccessDenied by default, as a narrowly missing permission
/// would, or e.g. LimitExceeded (409), as IAM answers a third key.
/// </summary>
internal sealed class RefusingHandler(string action, string userName, string code = "AccessDenied", HttpStatusCode status = HttpStatusCode.Forbidden) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        if (body.Contains($"Action={action}", StringComparison.Ordinal) && body.Contains($"UserName={userName}", StringComparison.Ordinal))
        {
            var error = $"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>refused (injected)</Message></Error><RequestId>refused-1</RequestId></ErrorResponse>";
            return new HttpResponseMessage(status) { Content = new StringContent(error, Encoding.UTF8, "text/xml") };
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
