using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Tests.Http;

/// <summary>
/// AWS APIs do not redirect; a 3xx comes from something else (a proxy, a captive portal), and following it would send
/// a signed request, perhaps a new key's signature, wherever it points. The layer's own handler (no test seam here)
/// must stop at the 3xx, on the signed path and on the SDK path.
/// </summary>
public sealed class RedirectTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<string> _requestLines = [];
    private Task? _serving;

    private Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public Task InitializeAsync()
    {
        _listener.Start();
        _serving = ServeAsync();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _listener.Stop();
        if (_serving is not null)
        {
            await _serving;
        }
    }

    [Fact]
    public async Task SignedCall_Redirected_NotFollowed()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await Clients().Organizations.ListAccountsAsync(default).ToListAsync());

        Assert.Equal(HttpStatusCode.TemporaryRedirect, error.StatusCode);
        Assert.Equal(["POST / HTTP/1.1"], RequestLines());
    }

    [Fact]
    public async Task SdkCall_Redirected_NotFollowed()
    {
        await Assert.ThrowsAnyAsync<AwsException>(() => Clients().Sts.GetCallerIdentityAsync("AKIANEWKEY0000000000", new SensitiveString("new-secret"), null, default));

        Assert.Equal(["POST / HTTP/1.1"], RequestLines());
    }

    private ICentralClients Clients() =>
        AwsClients.Create(new AwsOptions { Region = "us-east-1", EndpointUrl = Endpoint, Credentials = new BasicAWSCredentials("AKIDTEST", "secret"), Retry = new RetryOptions { MaxAttempts = 1 } }, TimeProvider.System);

    private List<string> RequestLines()
    {
        lock (_requestLines)
        {
            return [.. _requestLines];
        }
    }

    /// <summary>Answers every request with 307 to another path of the same server, so a followed redirect would show.</summary>
    private async Task ServeAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                lock (_requestLines)
                {
                    _requestLines.Add(head.Split("\r\n")[0]);
                }

                var response = $"HTTP/1.1 307 Temporary Redirect\r\nLocation: {Endpoint}elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
        {
            head.Append((char)buffer[0]);
        }

        var length = head.ToString().Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } header
            ? int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
            : 0;
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return head.ToString();
    }
}
