using System.Net.Http.Headers;
using System.Text;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>Swaps a response body for the model's, keeping moto's content type.</summary>
internal static class ModelledContent
{
    public static void Replace(HttpResponseMessage response, string body, string fallbackContentType)
    {
        var contentType = response.Content.Headers.ContentType?.ToString() ?? fallbackContentType;
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        response.Content.Dispose();
        response.Content = content;
    }
}
