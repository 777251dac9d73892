using System.Text.Json;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>One thing wrong with the configuration: where (JSON path or variable name) and what.</summary>
public sealed record ConfigProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Either a valid configuration or every problem found; never both.</summary>
public sealed record ConfigResult(RotationConfig? Config, IReadOnlyList<ConfigProblem> Problems)
{
    public bool IsValid => Config is not null && Problems.Count == 0;

    public static ConfigResult Valid(RotationConfig config) => new(config, []);

    public static ConfigResult Invalid(IReadOnlyList<ConfigProblem> problems) => new(null, problems);

    /// <summary>A multi-line message listing every problem, for CLI output and Lambda init errors.</summary>
    public string Describe() =>
        IsValid ? "configuration is valid" : $"invalid configuration ({Problems.Count} problem{(Problems.Count == 1 ? "" : "s")}):\n" + string.Join('\n', Problems.Select(p => "  - " + p));
}

/// <summary>Loads configuration from the JSON file form or the environment, then validates it. No AWS call.</summary>
public static class ConfigLoader
{
    /// <summary>Parses the JSON file form (docs/configuration.md, docs/config.schema.json).</summary>
    public static ConfigResult FromJson(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return ConfigResult.Invalid([new ConfigProblem("$", $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): fix the syntax")]);
        }

        using (document)
        {
            var reader = new JsonConfigReader();
            var config = reader.Read(document.RootElement);
            return reader.Problems.Count > 0 ? ConfigResult.Invalid(reader.Problems) : ConfigValidator.Validate(config);
        }
    }

    /// <summary>
    /// Reads the variables of <see cref="Settings"/>. ACCOUNTS_USERS_JSON, ROTATION_ROLE_NAME and
    /// SNS_TOPIC_ARN alone are enough; every other variable is optional and keeps its documented default when unset or
    /// empty (an empty variable of a setting marked <see cref="TextSetting.EmptyDisables"/> turns it off).
    /// </summary>
    public static ConfigResult FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var reader = new EnvironmentReader(environment);
        var config = new RotationConfig();
        foreach (var setting in Settings.All)
        {
            config = setting.ReadEnvironment(config, reader);
        }

        if (reader.Problems.Count > 0)
        {
            return ConfigResult.Invalid(reader.Problems);
        }

        // Problems found by the shared validator are reported against the variable that carries the value.
        var validated = ConfigValidator.Validate(config);
        return validated.IsValid ? validated : ConfigResult.Invalid(validated.Problems.Select(p => p with { Path = Settings.VariablePathFor(p.Path) }).ToList());
    }
}
