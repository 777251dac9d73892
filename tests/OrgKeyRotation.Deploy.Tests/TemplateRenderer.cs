using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// Renders the subset of Terraform's template language the policy templates use, the way templatefile() does:
/// <c>${name}</c>, <c>${jsonencode(name)}</c>, <c>%{ if cond }</c> / <c>%{ else }</c> / <c>%{ endif }</c> where cond is
/// names (optionally negated with '!') joined by <c>||</c> or <c>&amp;&amp;</c>, and the '~' whitespace strip markers.
/// Anything else throws, which keeps the templates simple enough for this renderer to stay honest.
/// </summary>
public static partial class TemplateRenderer
{
    public static string Render(string template, IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(variables);
        var tokens = Tokenize(template);
        var position = 0;
        var nodes = ParseNodes(tokens, ref position, out var terminator);
        if (terminator is not null)
        {
            throw new FormatException($"'%{{ {terminator.Content} }}' has no matching '%{{ if }}'.");
        }

        var output = new StringBuilder();
        Emit(nodes, variables, output);
        return output.ToString();
    }

    /// <summary>Every variable name a template reads, as templatefile() would require in its vars map.</summary>
    public static IReadOnlySet<string> ReferencedVariables(string template)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var token in Tokenize(template).Where(t => t.Kind != TokenKind.Text))
        {
            var content = token.Content;
            if (token.Kind == TokenKind.Directive)
            {
                if (!content.StartsWith("if ", StringComparison.Ordinal))
                {
                    continue;
                }

                content = content[3..];
            }

            foreach (Match m in Identifier().Matches(content))
            {
                if (m.Value != "jsonencode")
                {
                    names.Add(m.Value);
                }
            }
        }

        return names;
    }

    private enum TokenKind { Text, Interpolation, Directive }

    private sealed record Token(TokenKind Kind, string Content);

    private abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record InterpolationNode(string Expression) : Node;

    private sealed record IfNode(string Condition, IReadOnlyList<Node> Then, IReadOnlyList<Node> Else) : Node;

    private static List<Token> Tokenize(string template)
    {
        var tokens = new List<Token>();
        var last = 0;
        var stripNextText = false;
        foreach (Match m in Sequence().Matches(template))
        {
            var text = template[last..m.Index];
            if (stripNextText)
            {
                text = text.TrimStart();
            }

            if (m.Groups["left"].Value == "~")
            {
                text = text.TrimEnd();
            }

            tokens.Add(new Token(TokenKind.Text, text));
            var kind = m.Groups["open"].Value == "${" ? TokenKind.Interpolation : TokenKind.Directive;
            tokens.Add(new Token(kind, m.Groups["body"].Value.Trim()));
            stripNextText = m.Groups["right"].Value == "~";
            last = m.Index + m.Length;
        }

        var tail = template[last..];
        tokens.Add(new Token(TokenKind.Text, stripNextText ? tail.TrimStart() : tail));
        return tokens;
    }

    private static List<Node> ParseNodes(List<Token> tokens, ref int position, out Token? terminator)
    {
        var nodes = new List<Node>();
        while (position < tokens.Count)
        {
            var token = tokens[position++];
            switch (token.Kind)
            {
                case TokenKind.Text:
                    nodes.Add(new TextNode(token.Content));
                    break;
                case TokenKind.Interpolation:
                    nodes.Add(new InterpolationNode(token.Content));
                    break;
                case TokenKind.Directive when token.Content is "else" or "endif":
                    terminator = token;
                    return nodes;
                case TokenKind.Directive when token.Content.StartsWith("if ", StringComparison.Ordinal):
                    var then = ParseNodes(tokens, ref position, out var end);
                    IReadOnlyList<Node> otherwise = [];
                    if (end?.Content == "else")
                    {
                        otherwise = ParseNodes(tokens, ref position, out end);
                    }

                    if (end?.Content != "endif")
                    {
                        throw new FormatException($"'%{{ {token.Content} }}' is not closed by '%{{ endif }}'.");
                    }

                    nodes.Add(new IfNode(token.Content[3..].Trim(), then, otherwise));
                    break;
                default:
                    throw new FormatException(
                        $"Unsupported template directive '%{{ {token.Content} }}': keep the policy templates to if/else/endif (or extend {nameof(TemplateRenderer)}).");
            }
        }

        terminator = null;
        return nodes;
    }

    private static void Emit(IReadOnlyList<Node> nodes, IReadOnlyDictionary<string, object?> variables, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case InterpolationNode interpolation:
                    output.Append(Interpolate(interpolation.Expression, variables));
                    break;
                case IfNode conditional:
                    Emit(Evaluate(conditional.Condition, variables) ? conditional.Then : conditional.Else, variables, output);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown template node {node.GetType().Name}.");
            }
        }
    }

    private static string Interpolate(string expression, IReadOnlyDictionary<string, object?> variables)
    {
        var jsonEncode = JsonEncodeCall().Match(expression);
        if (jsonEncode.Success)
        {
            return JsonSerializer.Serialize(Lookup(jsonEncode.Groups[1].Value, variables));
        }

        if (!Identifier().IsMatch(expression) || Identifier().Match(expression).Value != expression)
        {
            throw new FormatException($"Unsupported template expression '${{{expression}}}': use a variable name or jsonencode(name).");
        }

        var value = Lookup(expression, variables);
        return value switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            int or long or double or decimal => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            null => throw new FormatException($"Template variable '{expression}' is null; templatefile() cannot interpolate null."),
            var other => throw new FormatException($"Template variable '{expression}' is a {other.GetType().Name}; interpolate it with jsonencode()."),
        };
    }

    private static bool Evaluate(string condition, IReadOnlyDictionary<string, object?> variables)
    {
        var hasOr = condition.Contains("||", StringComparison.Ordinal);
        var hasAnd = condition.Contains("&&", StringComparison.Ordinal);
        if (hasOr && hasAnd)
        {
            throw new FormatException($"Condition '{condition}' mixes || and &&; compute a boolean in Terraform instead.");
        }

        var terms = condition.Split(hasOr ? "||" : "&&", StringSplitOptions.TrimEntries);
        var values = terms.Select(term =>
        {
            var negated = term.StartsWith('!');
            var name = negated ? term[1..].Trim() : term;
            if (Identifier().Match(name).Value != name)
            {
                throw new FormatException($"Unsupported condition term '{term}' in '%{{ if {condition} }}'.");
            }

            return Lookup(name, variables) is bool value
                ? value != negated
                : throw new FormatException($"Template condition variable '{name}' must be a bool, as templatefile() requires.");
        }).ToList();
        return hasOr ? values.Any(v => v) : values.All(v => v);
    }

    private static object? Lookup(string name, IReadOnlyDictionary<string, object?> variables) =>
        variables.TryGetValue(name, out var value)
            ? value
            : throw new KeyNotFoundException($"The template reads '{name}', which is not in the variables passed (templatefile() would fail the same way).");

    [GeneratedRegex(@"(?<open>\$\{|%\{)(?<left>~?)(?<body>[^}]*?)(?<right>~?)\}")]
    private static partial Regex Sequence();

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^jsonencode\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$")]
    private static partial Regex JsonEncodeCall();
}
