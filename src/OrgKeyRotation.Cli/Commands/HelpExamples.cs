using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace OrgKeyRotation.Cli.Commands;

/// <summary>An "Examples:" section at the end of each command's --help.</summary>
internal sealed class HelpExamples
{
    private readonly Dictionary<Command, IReadOnlyList<string>> _examples = [];

    public void Add(Command command, IReadOnlyList<string> examples) => _examples[command] = examples;

    /// <summary>Wraps the root's help action (which every subcommand shares) so the examples follow the standard help.</summary>
    public void Attach(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is SynchronousCommandLineAction standard)
        {
            help.Action = new WithExamples(standard, this);
        }
    }

    private void Write(Command command, TextWriter output)
    {
        if (!_examples.TryGetValue(command, out var examples))
        {
            return;
        }

        output.WriteLine("Examples:");
        foreach (var example in examples)
        {
            output.WriteLine($"  {example}");
        }

        output.WriteLine();
    }

    private sealed class WithExamples(SynchronousCommandLineAction standard, HelpExamples examples) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = standard.Invoke(parseResult);
            examples.Write(parseResult.CommandResult.Command, parseResult.InvocationConfiguration.Output);
            return code;
        }
    }
}
