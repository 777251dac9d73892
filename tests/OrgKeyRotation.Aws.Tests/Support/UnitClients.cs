using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Http;

namespace OrgKeyRotation.Aws.Tests.Support;

/// <summary>Builds the layer's internals over a given handler and fake clock, for unit tests.</summary>
internal static class UnitClients
{
    public static readonly Uri Endpoint = new("http://aws.stub.test");

    public static SignedServiceClient Signed(AwsService service, HttpMessageHandler handler, TimeProvider time, RetryOptions? retry = null) =>
        new(AwsEndpoints.Resolve(service, "us-east-1", Endpoint, _ => null), new BasicAWSCredentials("AKIDTEST", "secret"), handler, new AwsRetry(retry ?? new RetryOptions(), time, () => 1.0), "111122223333");

    /// <summary>Moves fake time forward until <paramref name="task"/> completes (retry delays and attempt timeouts run on it).</summary>
    public static async Task<T> DriveAsync<T>(this FakeTimeProvider time, Task<T> task)
    {
        for (var i = 0; i < 100_000 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }

        return await task;
    }

    public static async Task DriveAsync(this FakeTimeProvider time, Task task) =>
        await time.DriveAsync(task.ContinueWith(t => t, TaskScheduler.Default)).Unwrap();
}
