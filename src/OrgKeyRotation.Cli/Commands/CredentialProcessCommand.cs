using System.CommandLine;
using Amazon.Runtime;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Cli.CredentialProcess;
using OrgKeyRotation.Cli.Invocation;

namespace OrgKeyRotation.Cli.Commands;

/// <summary>
/// <c>keyrot credential-process</c>: the IAM user's current key, in the form the AWS CLI and SDKs read from a profile's
/// <c>credential_process</c>, so that any consumer that reads a profile follows rotations by itself (docs/consumers.md).
/// </summary>
internal static class CredentialProcessCommand
{
    /// <summary>Set for the processes a bootstrap profile starts: a bootstrap profile whose credential_process is keyrot would loop.</summary>
    public const string NestedVariable = "ORGKEYROTATION_CREDENTIAL_PROCESS";

    public static Command Create(CliContext context, HelpExamples examples)
    {
        var command = new Command("credential-process", "Print the IAM user's current access key from its managed secret, for a profile's credential_process in ~/.aws/config. The key that read the secret is cached in a file only the user can read.");
        var secretId = new Option<string>("--secret-id") { Description = "The user's secret: name or ARN (an ARN also gives the region).", HelpName = "SECRET", Required = true };
        var bootstrapProfile = new Option<string?>("--bootstrap-profile")
        {
            Description = "Profile with a key of the user, for the first read and when every cached key is refused (default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when set).",
            HelpName = "NAME",
        };
        var region = new Option<string?>("--region") { Description = "Region of the secret (default: the ARN's, then AWS_REGION, AWS_DEFAULT_REGION, the profile's).", HelpName = "REGION" };
        var endpointUrl = new CommonOptions().EndpointUrl;
        secretId.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
            {
                r.AddError("--secret-id must not be empty.");
            }
        });
        command.Options.Add(secretId);
        command.Options.Add(bootstrapProfile);
        command.Options.Add(region);
        command.Options.Add(endpointUrl);
        examples.Add(command,
        [
            "keyrot credential-process --secret-id iam-key-rotation/111122223333/ci-deployer --region eu-west-1 --bootstrap-profile ci-deployer-bootstrap",
            "keyrot credential-process --secret-id arn:aws:secretsmanager:eu-west-1:111122223333:secret:iam-key-rotation/111122223333/ci-deployer-AbCdEf",
        ]);

        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var id = parse.GetRequiredValue(secretId).Trim();
                var bootstrap = Bootstrap(context, parse.GetValue(bootstrapProfile), out var bootstrapKey);
                var home = parse.GetValue(region) ?? RegionOfArn(id) ?? AwsClients.DefaultRegion(bootstrap?.Profile)
                    ?? throw new ConsumerCredentialsException($"no region for secret '{id}': pass --region, use the secret's ARN, or set AWS_REGION.", ExitCodes.BadInput);
                var cache = new FileKeyCache(FileKeyCache.PathFor(context.Environment, home, id), context.Error);
                var reader = new AwsSecretReader(id, new AwsOptions { Region = home, EndpointUrl = parse.GetValue(endpointUrl) }, bootstrap, bootstrapKey, context.Time);
                var key = await new CurrentKeyReader(reader, cache, bootstrap, context.Time).ReadAsync(id, ct);
                context.Out.WriteLine(CredentialProcessOutput.Json(key, context.Time.GetUtcNow()));
                return ExitCodes.Ok;
            }
            catch (ConsumerCredentialsException e)
            {
                context.Error.WriteLine($"keyrot credential-process: {e.Message}");
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }
            catch (ArgumentException e)
            {
                // A malformed setting of the environment, such as an AWS_ENDPOINT_URL that is not a URL.
                context.Error.WriteLine($"keyrot credential-process: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    /// <summary>The bootstrap source: the named profile, else a key in the environment, else none.</summary>
    private static BootstrapSource? Bootstrap(CliContext context, string? profile, out AWSCredentials? key)
    {
        key = null;
        if (!string.IsNullOrEmpty(context.Environment.GetValueOrDefault(NestedVariable)))
        {
            throw new ConsumerCredentialsException("the bootstrap profile's own credential_process runs keyrot credential-process again: give --bootstrap-profile a profile that holds the key itself.", ExitCodes.BadInput);
        }

        if (!string.IsNullOrWhiteSpace(profile))
        {
            // Whatever the profile starts (its credential_process) inherits this, and a nested keyrot refuses to go on.
            Environment.SetEnvironmentVariable(NestedVariable, "1");
            return new BootstrapSource(profile.Trim(), $"profile '{profile.Trim()}'");
        }

        var keyId = context.Environment.GetValueOrDefault("AWS_ACCESS_KEY_ID");
        var secret = context.Environment.GetValueOrDefault("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret))
        {
            return null;
        }

        var token = context.Environment.GetValueOrDefault("AWS_SESSION_TOKEN");
        key = string.IsNullOrEmpty(token) ? new BasicAWSCredentials(keyId, secret) : new SessionAWSCredentials(keyId, secret, token);
        return new BootstrapSource(null, $"AWS_ACCESS_KEY_ID {keyId}");
    }

    /// <summary>arn:partition:secretsmanager:REGION:account:secret:name gives its region; a name does not.</summary>
    private static string? RegionOfArn(string secretId)
    {
        var parts = secretId.Split(':');
        return parts.Length >= 7 && parts[0] == "arn" && parts[2] == "secretsmanager" && parts[3].Length > 0 ? parts[3] : null;
    }
}
