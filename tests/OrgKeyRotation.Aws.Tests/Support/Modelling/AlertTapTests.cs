using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Aws.Tests.Support.Modelling;

/// <summary>The alert tap keeps every message a PublishBatch that moto accepted carried, with its attributes and the default rendering.</summary>
[Trait("Category", "Integration")]
public class AlertTapTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task PublishBatch_StructuredMessages_KeptWithAttributesAndDefaultBody()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 3, 1, 10, 0, 0, TimeSpan.Zero));
        var tap = new AlertTap();
        var model = new AwsModel(time).Use(tap);
        var topic = await new MotoSeeder(moto.Endpoint).CreateTopicAsync($"tap-{Guid.NewGuid():N}"[..20]);
        var clients = MotoAdmin.Clients(moto.Endpoint, () => model.CreateHandler());
        var messages = Enumerable.Range(1, 12).Select(i => new SnsMessage($"m{i}", $"subject {i}", $$"""{"n":{{i}}}""", new Dictionary<string, string> { ["event"] = "rotated", ["userName"] = $"user{i}" }, EmailBody: $"email {i}")).ToList();

        var failed = await clients.Sns.PublishBatchAsync(topic, messages, default);

        Assert.Empty(failed);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => ($"user{i}", "rotated", $$"""{"n":{{i}}}""", time.GetUtcNow())), tap.Messages.Select(m => (m.Attribute("userName")!, m.Attribute("event")!, m.Body, m.At)));
    }
}
