using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>Latency, throttling and call counting against moto, and the standard composition of <see cref="AwsModel.Create"/>.</summary>
[Trait("Category", "Integration")]
public class TrafficBehavioursTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Latency_EveryCall_WaitsAtLeastThatLong()
    {
        using var http = new HttpClient(new AwsModel().Use(new Latency(TimeSpan.FromMilliseconds(300))).CreateHandler());

        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(CallerIdentity());

        Assert.True(response.IsSuccessStatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(300), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task Throttling_EveryCall_ServiceThrottlingErrorInItsProtocol()
    {
        using var http = new HttpClient(new AwsModel().Use(new Throttling(1.0)).CreateHandler());

        using var sts = await http.SendAsync(CallerIdentity());
        using var secrets = await http.SendAsync(RawAws.Json(moto.Endpoint, "testing", "secretsmanager", "secretsmanager.ListSecrets", "{}"));
        using var organizations = await http.SendAsync(RawAws.Json(moto.Endpoint, "testing", "organizations", "AWSOrganizationsV20161128.ListAccounts", "{}"));

        Assert.Equal(HttpStatusCode.BadRequest, sts.StatusCode);
        Assert.Equal("Throttling", XElement.Parse(await sts.Content.ReadAsStringAsync()).Descendants().Single(e => e.Name.LocalName == "Code").Value);
        Assert.Equal("ThrottlingException", await JsonTypeAsync(secrets));
        Assert.Equal("TooManyRequestsException", await JsonTypeAsync(organizations));
    }

    [Fact]
    public async Task Throttling_SeededFraction_RepeatsAndThrottlesAboutThatShare()
    {
        var first = await ThrottledOfAsync(new Throttling(0.3, seed: 7), 100);
        var second = await ThrottledOfAsync(new Throttling(0.3, seed: 7), 100);

        Assert.Equal(first, second);
        Assert.InRange(first, 15, 45);
    }

    [Fact]
    public async Task Create_StandardComposition_CountsRefusedAndThrottledAttempts()
    {
        var model = AwsModel.Create(new AwsModelOptions { ThrottleFraction = 1.0, PropagationDelay = TimeSpan.FromSeconds(5) });
        using var http = new HttpClient(model.CreateHandler());

        for (var i = 0; i < 3; i++)
        {
            using var _ = await http.SendAsync(CallerIdentity());
        }

        Assert.Equal(3, model.Get<CallCounter>().Count("sts", "GetCallerIdentity"));
        Assert.Equal(3, model.Get<Throttling>().Throttled);
        Assert.Equal(
            [typeof(CallCounter), typeof(ConcurrentCalls), typeof(Throttling), typeof(NewKeyPropagation)],
            model.Behaviours.Select(b => b.GetType()));
    }

    [Fact]
    public async Task ConcurrentCalls_ParallelIamCallsInTwoAccounts_PeakPerAccount()
    {
        var meter = new ConcurrentCalls("iam");
        var model = new AwsModel().Use(meter).Use(new Latency(TimeSpan.FromMilliseconds(300)));
        using var http = new HttpClient(model.CreateHandler());
        var seed = new MotoSeeder(moto.Endpoint);
        var first = await seed.AccessKeyForAccountAsync("444400004444");
        var second = await seed.AccessKeyForAccountAsync("555500005555");
        model.Accounts.Remember(first, "444400004444");
        model.Accounts.Remember(second, "555500005555");

        await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => SendAsync(RawAws.Query(moto.Endpoint, first, "iam", "ListUsers", "2010-05-08")))
                .Append(SendAsync(RawAws.Query(moto.Endpoint, second, "iam", "ListUsers", "2010-05-08")))
                .Append(SendAsync(CallerIdentity())));
        await SendAsync(RawAws.Query(moto.Endpoint, second, "iam", "ListUsers", "2010-05-08"));

        Assert.Equal((4, 1), (meter.PeakFor("444400004444"), meter.PeakFor("555500005555")));
        Assert.Equal(4, meter.Peak);
        Assert.Equal(0, meter.PeakFor(MotoSeeder.DefaultAccount));

        async Task SendAsync(HttpRequestMessage request)
        {
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task<int> ThrottledOfAsync(Throttling throttling, int calls)
    {
        using var http = new HttpClient(new AwsModel().Use(throttling).CreateHandler());
        for (var i = 0; i < calls; i++)
        {
            using var _ = await http.SendAsync(CallerIdentity());
        }

        return throttling.Throttled;
    }

    private HttpRequestMessage CallerIdentity() => RawAws.Query(moto.Endpoint, "testing", "sts", "GetCallerIdentity", "2011-06-15");

    private static async Task<string?> JsonTypeAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("__type").GetString();
    }
}
