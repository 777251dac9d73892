using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>
/// Parameter Store over JSON 1.1 (X-Amz-Target AmazonSSM.*), through the same signed path as Secrets Manager.
/// API reference: https://docs.aws.amazon.com/systems-manager/latest/APIReference/ (PutParameter, AddTagsToResource).
/// </summary>
internal sealed class ParameterStoreClient(SignedServiceClient client) : IParameterStoreClient
{
    private const string Target = "AmazonSSM";
    private static readonly SsmJsonContext Json = SsmJsonContext.Default;

    // Overwrite adds a version to an existing parameter and creates a missing one, so the call never needs to know
    // which. A retry after a lost response writes the same value once more (one more version), which is harmless.
    public Task<long> PutSecureStringAsync(string name, SensitiveString value, string? kmsKeyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var body = new PutParameterBody(Checked(name), value.Reveal(), "SecureString", kmsKeyId, Overwrite: true);
        return client.JsonAsync(Target, "PutParameter", body, Json.PutParameterBody, Json.PutParameterResult, idempotent: true, result => result.Version ?? throw new ResponseShapeException("no Version"), cancellationToken);
    }

    // PutParameter refuses Tags together with Overwrite ("To add tags to an existing Systems Manager parameter, use the
    // AddTagsToResource operation", PutParameter API reference, Tags): tags always go through this call.
    public Task AddTagsAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count == 0)
        {
            return Task.CompletedTask;
        }

        var body = new AddTagsToResourceBody("Parameter", Checked(name), tags.Select(t => new TagEntry(t.Key, t.Value)).ToList());
        return client.JsonAsync(Target, "AddTagsToResource", body, Json.AddTagsToResourceBody, Json.EmptyResult, idempotent: true, cancellationToken);
    }

    private static string Checked(string name) =>
        ParameterNames.Problem(name) is { } problem ? throw new ArgumentException(problem, nameof(name)) : name;
}
