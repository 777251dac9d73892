using System.CommandLine;
using System.Text.Json;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;

namespace OrgKeyRotation.Cli.Commands;

/// <summary>
/// <c>keyrot permissions</c>: the IAM actions the product's AWS calls need, from the AWS layer's catalogue of the
/// operations it calls (<see cref="AwsOperations.All"/>), for operators who grant them with their own tooling. The
/// Terraform modules grant exactly these (a deploy test proves it both ways). Reads no configuration, calls no AWS.
/// </summary>
internal static class PermissionsCommand
{
    /// <summary>AWS allows it to every principal: listed, but nothing to grant.</summary>
    private const string NoPermissionNeeded = "sts:GetCallerIdentity";

    public static Command Create(CliContext context, HelpExamples examples)
    {
        var command = new Command("permissions", "Print the IAM actions keyrot and the Lambda need, each with the API operations it authorizes (docs/security.md says which principal holds which). Reads no configuration and makes no AWS call.");
        var output = ScopeOptions.OutputOption("table", "json");
        command.Options.Add(output);
        examples.Add(command, ["keyrot permissions", "keyrot permissions -o json"]);

        command.SetAction(parse =>
        {
            var documents = Documents();
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                context.Out.WriteLine(JsonSerializer.Serialize(documents, CliJsonContext.Default.ListPermissionDocument));
                return ExitCodes.Ok;
            }

            var width = documents.Max(d => d.IamAction.Length);
            foreach (var d in documents)
            {
                var note = d.GrantNeeded ? "" : " (AWS allows it to every principal: nothing to grant)";
                context.Out.WriteLine($"{d.IamAction.PadRight(width)}  {string.Join(", ", d.Operations)}{note}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static List<PermissionDocument> Documents() => AwsOperations.All
        .GroupBy(o => o.IamAction, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => new PermissionDocument(g.Key, [.. g.Select(o => o.Action).Order(StringComparer.Ordinal)], g.Key != NoPermissionNeeded))
        .ToList();
}
