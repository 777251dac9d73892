using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests;

[Trait("Category", "Integration")]
public class MotoServerTests
{
    [Fact]
    public async Task StartAsync_FreshServer_AnswersAndStopsWithItsOwner()
    {
        Uri endpoint;
        await using (var server = await MotoServer.StartAsync())
        {
            endpoint = server.Endpoint;
            await server.ResetAsync();
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(endpoint, "/moto-api/")));
    }
}
