using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrgKeyRotation.Testing;

/// <summary>What the Authorization header of a signed request claims.</summary>
public sealed record SigV4Claim(string AccessKeyId, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string Signature);

/// <summary>Recomputes SigV4 signatures with botocore's signer (sigv4_check.py), independently of the .NET signer.</summary>
public static partial class SigV4Verifier
{
    public static SigV4Claim ParseAuthorization(CapturedRequest request)
    {
        var match = AuthorizationPattern().Match(request.Headers["Authorization"]);
        if (!match.Success)
        {
            throw new InvalidOperationException("The request's Authorization header is not AWS4-HMAC-SHA256.");
        }

        return new SigV4Claim(match.Groups["key"].Value, match.Groups["date"].Value, match.Groups["region"].Value, match.Groups["service"].Value, match.Groups["headers"].Value.Split(';'), match.Groups["sig"].Value);
    }

    /// <summary>botocore's signature for the same request, signed headers, credentials and timestamp.</summary>
    public static async Task<string> RecomputeAsync(CapturedRequest request, string accessKeyId, string secretAccessKey, string? sessionToken)
    {
        var claim = ParseAuthorization(request);
        var headers = new JsonObject();
        foreach (var name in claim.SignedHeaders)
        {
            var value = request.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value
                ?? throw new InvalidOperationException($"Signed header '{name}' is missing from the captured request.");
            headers[name] = value;
        }

        var spec = new JsonObject
        {
            ["method"] = request.Method,
            ["url"] = request.Url.ToString(),
            ["headers"] = headers,
            ["body_b64"] = Convert.ToBase64String(request.Body),
            ["access_key"] = accessKeyId,
            ["secret_key"] = secretAccessKey,
            ["token"] = sessionToken,
            ["region"] = claim.Region,
            ["service"] = claim.Service,
            ["timestamp"] = request.Headers["X-Amz-Date"],
        };

        var script = Path.Combine(AppContext.BaseDirectory, "sigv4_check.py");
        var info = new ProcessStartInfo("python3", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("python3 could not be started.");
        await process.StandardInput.WriteAsync(spec.ToJsonString());
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sigv4_check.py failed ({process.ExitCode}): {error}");
        }

        var result = JsonNode.Parse(output) ?? throw new InvalidOperationException("sigv4_check.py printed nothing.");
        var botocoreHeaders = result["signed_headers"]!.GetValue<string>();
        if (botocoreHeaders != string.Join(';', claim.SignedHeaders))
        {
            throw new InvalidOperationException($"botocore would sign '{botocoreHeaders}', the request signed '{string.Join(';', claim.SignedHeaders)}'.");
        }

        if (request.Headers.TryGetValue("X-Amz-Content-SHA256", out var claimedHash) && claimedHash != result["body_sha256"]!.GetValue<string>())
        {
            throw new InvalidOperationException("X-Amz-Content-SHA256 does not match the body.");
        }

        return result["signature"]!.GetValue<string>();
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, ?SignedHeaders=(?<headers>[^,]+), ?Signature=(?<sig>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();
}
