using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Secrets Manager's side of a rotation, which moto cannot hold: when a rotation starts (its schedule comes due, or
/// RotateSecret), Secrets Manager attaches AWSPENDING to a new version under a new token, without a value, before it
/// invokes createSecret ("During rotation, Secrets Manager creates an AWSPENDING version ID before creating the new
/// secret version", DescribeSecret's VersionIdsToStages). The rotation is over when AWSPENDING is on AWSCURRENT's
/// version or on none; while it is on another version, "any later invocation of RotateSecret assumes that a previous
/// rotation request is still in progress and returns an error"
/// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html).
/// <see cref="TryStart"/> is that start (refused while a rotation is in progress). The model then shows the empty
/// version in DescribeSecret and ListSecrets, lets PutSecretValue under its token give it a value (moto then holds
/// the version), and answers UpdateSecretVersionStage that takes AWSPENDING off it (moto has no such version).
/// GetSecretValue of the token needs nothing: moto answers ResourceNotFoundException, as AWS does for a version
/// without a value.
/// </summary>
public sealed class SecretsManagerRotations : AwsBehaviour
{
    /// <summary>Secret ARN → the token of the empty AWSPENDING version the model holds for it.</summary>
    private readonly ConcurrentDictionary<string, string> _pending = new(StringComparer.Ordinal);

    /// <summary>Whether a rotation of the secret is in progress: AWSPENDING is on its empty version.</summary>
    public bool InProgress(string secretArn) => _pending.ContainsKey(secretArn);

    /// <summary>Starts a rotation of the secret, as Secrets Manager does; false (no token) while one is in progress.</summary>
    public bool TryStart(string secretArn, out string token)
    {
        var started = Guid.NewGuid().ToString();
        token = _pending.GetOrAdd(secretArn, started);
        return token == started;
    }

    public override async Task<HttpResponseMessage> HandleAsync(AwsCall call, AwsNext next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(next);
        if (call.Service != "secretsmanager")
        {
            return await next(cancellationToken);
        }

        var secretId = call.Parameter("SecretId");
        var token = secretId is null ? null : _pending.GetValueOrDefault(secretId);
        if (call.Operation == "UpdateSecretVersionStage" && token is not null && call.Parameter("VersionStage") == "AWSPENDING"
            && call.Parameter("RemoveFromVersionId") == token && call.Parameter("MoveToVersionId") is null)
        {
            _pending.TryRemove(secretId!, out _);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = call.Request,
                Content = new StringContent(new JsonObject { ["ARN"] = secretId, ["VersionId"] = token }.ToJsonString(), Encoding.UTF8, call.JsonContentType),
            };
        }

        var response = await next(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return response;
        }

        if (call.Operation == "PutSecretValue" && token is not null && call.Parameter("ClientRequestToken") == token)
        {
            // The version has a value now: moto holds it, with the stages the call named.
            _pending.TryRemove(secretId!, out _);
            return response;
        }

        if (call.Operation is "DescribeSecret" or "ListSecrets" && !_pending.IsEmpty)
        {
            var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
            var secrets = call.Operation == "DescribeSecret" ? [document] : (document["SecretList"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
            var stagesName = call.Operation == "DescribeSecret" ? "VersionIdsToStages" : "SecretVersionsToStages";
            foreach (var secret in secrets)
            {
                if (secret["ARN"]?.GetValue<string>() is { } arn && _pending.TryGetValue(arn, out var pending))
                {
                    secret[stagesName] = WithPending(secret[stagesName] as JsonObject, pending);
                }
            }

            ModelledContent.Replace(response, document.ToJsonString(), call.JsonContentType);
        }

        return response;
    }

    /// <summary>The stages with AWSPENDING on the token's version only (AWS moves the label: one version holds it).</summary>
    private static JsonObject WithPending(JsonObject? stages, string token)
    {
        var result = new JsonObject();
        foreach (var (version, labels) in stages ?? [])
        {
            var kept = (labels as JsonArray ?? []).Select(l => l!.GetValue<string>()).Where(l => l != "AWSPENDING").ToList();
            if (kept.Count > 0)
            {
                result[version] = new JsonArray([.. kept.Select(l => (JsonNode)l)]);
            }
        }

        result[token] = new JsonArray("AWSPENDING");
        return result;
    }
}
