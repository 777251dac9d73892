using System.CommandLine;
using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Cli.Commands;

/// <summary>
/// <c>keyrot settings</c>: every configuration setting from the settings table (<see cref="Settings.All"/>), so an
/// operator sees names, variables, defaults and ranges without the docs. Reads no configuration, calls no AWS.
/// </summary>
internal static class SettingsCommand
{
    public static Command Create(CliContext context, HelpExamples examples)
    {
        var command = new Command("settings", "Print every configuration setting: its path in the configuration file, its environment variable, default, allowed values and what it does. Reads no configuration and makes no AWS call.");
        var output = ScopeOptions.OutputOption("table", "json");
        command.Options.Add(output);
        examples.Add(command, ["keyrot settings", "keyrot settings -o json"]);

        command.SetAction(parse =>
        {
            var documents = Settings.All.Select(Document).ToList();
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                context.Out.WriteLine(JsonSerializer.Serialize(documents, CliJsonContext.Default.ListSettingDocument));
                return ExitCodes.Ok;
            }

            foreach (var d in documents)
            {
                context.Out.WriteLine($"{d.Name}  ({d.JsonPath}, {d.Variable})");
                context.Out.WriteLine($"  {d.Type}; default {d.Default}{(d.Allowed.Length > 0 ? $"; allowed {d.Allowed}" : "")}");
                context.Out.WriteLine($"  {d.Description}");
                context.Out.WriteLine();
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One setting in plain words: the table's Markdown backticks are for the docs, not the terminal.</summary>
    private static SettingDocument Document(Setting setting) => new(
        setting.Name,
        setting.JsonPath,
        setting.Variable,
        Plain(setting.TypeDoc),
        Plain(setting.DefaultDoc),
        Plain(setting.Allowed),
        setting is IntSetting i ? i.Minimum : null,
        setting is IntSetting j ? j.Maximum : null,
        // The regular expression a value (or each item of a list) must match, as the JSON schema states it.
        setting switch { TextSetting t => t.SchemaPattern, ListSetting l => l.ItemRule.SchemaPattern, _ => null },
        Plain(setting.Description));

    private static string Plain(string text) => text.Replace("`", "", StringComparison.Ordinal);
}
