namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// Semantic checks of a parsed configuration: each setting's rule and range from <see cref="Settings"/>, then its
/// cross-field rule. Lists every problem at once, each with its JSON path, in the order of the settings table.
/// </summary>
public static class ConfigValidator
{
    public static ConfigResult Validate(RotationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigProblem>();
        foreach (var setting in Settings.All)
        {
            setting.Validate(config, problems);
        }

        return problems.Count == 0 ? ConfigResult.Valid(config) : ConfigResult.Invalid(problems);
    }
}
