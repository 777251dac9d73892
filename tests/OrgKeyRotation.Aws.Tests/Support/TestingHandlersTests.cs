using System.Net;
using System.Text;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Support;

public class TestingHandlersTests
{
    private readonly StubAwsHandler _server = new((_, _, _) => StubAwsHandler.Xml("<ok/>"));

    [Fact]
    public async Task FaultInjectingHandler_SecondOccurrence_OnlyThatRequestFaulted()
    {
        using var client = new HttpClient(new FaultInjectingHandler(_server).On("GetUser", 2, Fault.Http500));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.SendAsync(Query("GetUser"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
        Assert.Equal(2, _server.Calls("GetUser"));
    }

    [Fact]
    public async Task FaultInjectingHandler_ThrottleOnJsonRequest_JsonErrorBody()
    {
        using var client = new HttpClient(new FaultInjectingHandler(_server).Always("DescribeSecret", Fault.Throttle));
        var request = new HttpRequestMessage(HttpMethod.Post, UnitClients.Endpoint) { Content = new StringContent("{}") };
        request.Headers.Add("X-Amz-Target", "secretsmanager.DescribeSecret");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("#ThrottlingException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _server.Calls("DescribeSecret"));
    }

    [Fact]
    public async Task FaultInjectingHandler_ThrottleOnQueryRequest_XmlErrorBody()
    {
        using var client = new HttpClient(new FaultInjectingHandler(_server).Always("ListUsers", Fault.Throttle));

        using var response = await client.SendAsync(Query("ListUsers"));

        Assert.Contains("<Code>Throttling</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FaultInjectingHandler_ConnectionReset_ServerNeverSeesRequest()
    {
        using var client = new HttpClient(new FaultInjectingHandler(_server).On("CreateAccessKey", 1, Fault.ConnectionResetBeforeSend));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Query("CreateAccessKey")));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(0, _server.Calls("CreateAccessKey"));
    }

    [Fact]
    public async Task FaultInjectingHandler_ResponseLost_ServerAppliedThenThrows()
    {
        using var client = new HttpClient(new FaultInjectingHandler(_server).On("CreateAccessKey", 1, Fault.ResponseLostAfterApply));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Query("CreateAccessKey")));

        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.Equal(1, _server.Calls("CreateAccessKey"));
    }

    [Fact]
    public async Task FaultInjectingHandler_CallbackAfterForwarding_RunsAfterServerApplied()
    {
        var serverCallsWhenCallbackRan = -1;
        using var client = new HttpClient(new FaultInjectingHandler(_server).On("PutSecretValue", 1, Fault.Callback((_, _) =>
        {
            serverCallsWhenCallbackRan = _server.Calls("PutSecretValue");
            throw new InvalidOperationException("simulated crash");
        }, afterForwarding: true)));
        var request = new HttpRequestMessage(HttpMethod.Post, UnitClients.Endpoint) { Content = new StringContent("{}") };
        request.Headers.Add("X-Amz-Target", "secretsmanager.PutSecretValue");

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(request));

        Assert.Equal(1, serverCallsWhenCallbackRan);
    }

    [Fact]
    public async Task CallCountingHandler_MixedRequests_CountsByOperationAndService()
    {
        var counter = new CallCountingHandler(new FaultInjectingHandler(_server).On("ListUsers", 1, Fault.ConnectionResetBeforeSend));
        using var client = new HttpClient(counter);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Query("ListUsers")));
        (await client.SendAsync(Query("ListUsers"))).Dispose();
        (await client.SendAsync(Query("GetUser"))).Dispose();

        Assert.Equal(2, counter.Count("ListUsers"));
        Assert.Equal(2, counter.Count("ListUsers", "iam"));
        Assert.Equal(0, counter.Count("ListUsers", "sns"));
        Assert.Equal([null, HttpStatusCode.OK, HttpStatusCode.OK], counter.Calls.Select(c => c.StatusCode));
    }

    private static HttpRequestMessage Query(string action)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, UnitClients.Endpoint)
        {
            Content = new StringContent($"Action={action}&Version=2010-05-08", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00");
        return request;
    }
}
