using System.Text.Json;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// Least privilege both ways, per feature combination: every action the product calls (AwsOperations.All, contract C4)
/// is granted to the principal that calls it, and every granted action is one the product calls or one AWS requires
/// on its behalf (listed below with the reason). The policies are those Terraform renders for each scenario. The one
/// exception is explicit: an operation the engine can do without, whose grant a member input withholds (listed below).
/// </summary>
[Trait("Category", "Unit")]
public sealed class GrantedEqualsCalledTests
{
    private enum Caller { None, Central, Member }

    private sealed record Features(bool Discover, bool FanOut, bool CentralSecrets, bool SecretsManagerRotation, bool MemberKmsKey, bool ParameterDestinations, bool ParameterKmsKey, bool GitHubDestinations);

    /// <summary>
    /// The bulk read of the users and their tags: optional, the engine falls back to iam:GetUser per user when it is
    /// denied, and member input bulk_user_read = false withholds its grant. It is the only operation called but not
    /// granted, and only then.
    /// </summary>
    private const string OptionalBulkRead = "iam:GetAccountAuthorizationDetails";

    /// <summary>Who calls an operation (contract C4): iam -> member role; secretsmanager -> member role or central role by location; the rest -> central role.</summary>
    private static Caller CallerOf(AwsOperation operation, Features f) => (operation.Service, operation.Action) switch
    {
        ("sts", "GetCallerIdentity") => Caller.None, // AWS allows it to every principal
        ("iam", _) => Caller.Member,
        ("secretsmanager", "RotateSecret") => f.SecretsManagerRotation ? Caller.Central : Caller.None,
        ("secretsmanager", _) => f.CentralSecrets ? Caller.Central : Caller.Member,
        ("ssm", _) => f.ParameterDestinations ? Caller.Member : Caller.None,
        ("organizations", _) => f.Discover ? Caller.Central : Caller.None,
        ("sqs", _) => f.FanOut ? Caller.Central : Caller.None,
        ("sns", _) or ("sts", _) => Caller.Central,
        _ => throw new InvalidOperationException($"{operation.Service}:{operation.Action} is a service this test does not map to a principal yet: add it."),
    };

    /// <summary>Grants AWS needs for what is not an API call of the product, each with the reason.</summary>
    private static IEnumerable<string> PlatformGrants(Caller principal, Features f)
    {
        if (principal == Caller.Central)
        {
            // The Lambda runtime writes the function's logs with the execution role.
            yield return "logs:CreateLogStream";
            yield return "logs:PutLogEvents";
            // Publishing to the KMS-encrypted topic (and, with central secrets, encrypting them) uses the role's KMS rights.
            yield return "kms:Decrypt";
            yield return "kms:GenerateDataKey";
            if (f.FanOut)
            {
                // The SQS event source mapping polls the work queue with the execution role.
                yield return "sqs:ReceiveMessage";
                yield return "sqs:DeleteMessage";
                yield return "sqs:GetQueueAttributes";
            }

            if (f.SecretsManagerRotation)
            {
                // RotateSecret requires lambda:InvokeFunction on the rotation function.
                yield return "lambda:InvokeFunction";
            }
        }
        else if (principal == Caller.Member)
        {
            if (!f.CentralSecrets && f.MemberKmsKey)
            {
                // Secrets Manager encrypts and decrypts the member secrets with the given key on the caller's behalf.
                yield return "kms:Decrypt";
                yield return "kms:GenerateDataKey";
            }

            if (f.ParameterKmsKey)
            {
                // Parameter Store encrypts a SecureString with the given key on the caller's behalf (Encrypt for a
                // standard parameter, GenerateDataKey for an advanced one).
                yield return "kms:Encrypt";
                yield return "kms:GenerateDataKey";
            }
        }
    }

    /// <summary>
    /// Operations a second principal calls too: the central role reads the GitHub credential (GetSecretValue on its one
    /// secret) whatever principal writes the hand-over secrets.
    /// </summary>
    private static IEnumerable<string> AlsoCalledBy(Caller principal, Features f) =>
        principal == Caller.Central && f.GitHubDestinations ? ["secretsmanager:GetSecretValue"] : [];

    /// <summary>The same combinations with the member input bulk_user_read = false.</summary>
    public static TheoryData<string, string> ScenariosWithoutBulkRead()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in Scenarios())
        {
            data.Add((string)row[0], (string)row[1] + DeployScenarios.NoBulkRead);
        }

        return data;
    }

    public static TheoryData<string, string> Scenarios()
    {
        var data = new TheoryData<string, string>();
        foreach (var central in DeployScenarios.CentralScenarios.Select(s => s.Name))
        {
            // Parameter Store destinations need the member role's grant: the member scenarios that give it.
            var member = central switch
            {
                "all_features" => "central_secrets_ssm",
                "destinations" => "ssm_destinations",
                _ when central.Contains("central", StringComparison.Ordinal) => "central_secrets",
                _ => "minimal",
            };
            data.Add(central, member);
            if (member == "minimal")
            {
                data.Add(central, "path_and_key");
            }
        }

        return data;
    }

    [TerraformTheory]
    [MemberData(nameof(Scenarios))]
    public void Grants_AreExactlyTheCalledActions(string centralScenario, string memberScenario)
    {
        foreach (var (principal, calledNotGranted, grantedNotCalled) in Compare(centralScenario, memberScenario))
        {
            Assert.True(calledNotGranted.Count == 0 && grantedNotCalled.Count == 0,
                $"{centralScenario}/{memberScenario}, {principal} role: not granted but called [{string.Join(", ", calledNotGranted)}]; granted but never called [{string.Join(", ", grantedNotCalled)}]");
        }
    }

    [TerraformTheory]
    [MemberData(nameof(ScenariosWithoutBulkRead))]
    public void Grants_BulkUserReadOff_AreTheCalledActionsButTheOptionalBulkRead(string centralScenario, string memberScenario)
    {
        foreach (var (principal, calledNotGranted, grantedNotCalled) in Compare(centralScenario, memberScenario))
        {
            string[] expectedMissing = principal == Caller.Member ? [OptionalBulkRead] : [];
            Assert.True(calledNotGranted.SequenceEqual(expectedMissing, StringComparer.Ordinal) && grantedNotCalled.Count == 0,
                $"{centralScenario}/{memberScenario}, {principal} role: not granted but called [{string.Join(", ", calledNotGranted)}], expected [{string.Join(", ", expectedMissing)}]; granted but never called [{string.Join(", ", grantedNotCalled)}]");
        }
    }

    /// <summary>Per principal, the called (or platform-required) actions not granted and the granted actions never called, sorted.</summary>
    private static IEnumerable<(Caller Principal, List<string> CalledNotGranted, List<string> GrantedNotCalled)> Compare(string centralScenario, string memberScenario)
    {
        var central = DeployScenarios.Evaluated.Central[centralScenario];
        var environment = central.GetProperty("environment");
        var features = new Features(
            Discover: environment.GetProperty("DISCOVER_ORGANIZATION").GetString() == "true",
            FanOut: environment.TryGetProperty("WORK_QUEUE_URL", out _),
            CentralSecrets: environment.GetProperty("SECRET_LOCATION").GetString() == "central",
            SecretsManagerRotation: environment.TryGetProperty("SECRETS_ROTATION_LAMBDA_ARN", out _),
            MemberKmsKey: memberScenario.StartsWith("path_and_key", StringComparison.Ordinal),
            ParameterDestinations: environment.TryGetProperty("DESTINATIONS_JSON", out var destinations) && destinations.GetString()!.Contains("\"type\":\"ssm\"", StringComparison.Ordinal),
            ParameterKmsKey: memberScenario.StartsWith("ssm_destinations", StringComparison.Ordinal),
            GitHubDestinations: environment.TryGetProperty("GITHUB_CREDENTIALS_SECRET_ARN", out _));
        var granted = new Dictionary<Caller, HashSet<string>>
        {
            [Caller.Central] = AllowedActions(central.GetProperty("execution_policy").GetString()!),
            [Caller.Member] = AllowedActions(DeployScenarios.Evaluated.Member[memberScenario].GetProperty("permissions_policy").GetString()!),
        };

        foreach (var principal in new[] { Caller.Central, Caller.Member })
        {
            var called = AwsOperations.All.Where(o => CallerOf(o, features) == principal).Select(o => o.IamAction).Concat(AlsoCalledBy(principal, features));
            var expected = called.Concat(PlatformGrants(principal, features)).ToHashSet(StringComparer.Ordinal);
            yield return (principal,
                expected.Except(granted[principal]).Order(StringComparer.Ordinal).ToList(),
                granted[principal].Except(expected).Order(StringComparer.Ordinal).ToList());
        }
    }

    private static HashSet<string> AllowedActions(string policyJson)
    {
        using var doc = JsonDocument.Parse(policyJson);
        return doc.RootElement.GetProperty("Statement").EnumerateArray()
            .Where(s => s.GetProperty("Effect").GetString() == "Allow")
            .SelectMany(s => s.GetProperty("Action") is { ValueKind: JsonValueKind.String } single ? [single.GetString()!] : s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!))
            .ToHashSet(StringComparer.Ordinal);
    }
}
