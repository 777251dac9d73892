using System.Globalization;
using System.Text.Json;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>What a single text value must look like: the check, the problem it reports, and its forms for the docs and schema.</summary>
/// <param name="IsValid">The check.</param>
/// <param name="Problem">The message for a value that fails the check: what is wrong and what is expected.</param>
/// <param name="SchemaPattern">The same rule for docs/config.schema.json (ECMA-262), or null when the schema cannot say it.</param>
/// <param name="Doc">The rule in words, for docs/configuration.md.</param>
public sealed record ValueRule(Func<string, bool> IsValid, Func<string, string> Problem, string? SchemaPattern, string Doc);

/// <summary>The shape of a setting's value, which decides how each form is parsed and how the schema types it.</summary>
public enum SettingKind
{
    Integer,
    Boolean,
    Text,
    TextList,
    Choice,
    AccountMap,
    Destinations,
}

/// <summary>
/// One row of the settings table (<see cref="Settings.All"/>): where the setting lives in the file form and the
/// environment form, how each is parsed, its default (taken from <see cref="RotationConfig"/>), its rule, and what it
/// does. The JSON reader, the environment loader, the validator and the generated schema and docs all read this row.
/// </summary>
public abstract class Setting
{
    private protected Setting(string name, string variable)
    {
        Name = name;
        Variable = variable;
    }

    /// <summary>Dotted name in the file form, e.g. <c>policy.maxKeyAgeDays</c>.</summary>
    public string Name { get; }

    /// <summary>The JSON path problems are reported at, e.g. <c>$.policy.maxKeyAgeDays</c>.</summary>
    public string JsonPath => "$." + Name;

    /// <summary>The object the setting sits in (<c>policy</c>), or null at the root.</summary>
    public string? Section => Name.Contains('.', StringComparison.Ordinal) ? Name[..Name.IndexOf('.', StringComparison.Ordinal)] : null;

    /// <summary>The field name within its object.</summary>
    public string Field => Name[(Name.LastIndexOf('.') + 1)..];

    /// <summary>The environment variable of the environment form.</summary>
    public string Variable { get; }

    /// <summary>What the setting does, in a sentence or two.</summary>
    public required string Description { get; init; }

    /// <summary>Words after the default value in the docs, e.g. "alerts are only logged" for a null default.</summary>
    public string? DefaultNote { get; init; }

    /// <summary>A rule across settings (e.g. "only with location central"): the problem at this setting's path, or null.</summary>
    public Func<RotationConfig, string?>? CrossRule { get; init; }

    /// <summary>The allowed values in words when the kind's own wording is not the whole story (cross-field rules).</summary>
    public string? AllowedDoc { get; init; }

    public abstract SettingKind Kind { get; }

    /// <summary>Null is a valid value in the file form (and the default may be null).</summary>
    public virtual bool Nullable => false;

    /// <summary>The setting's value in <paramref name="config"/>: int, bool, string, list of strings or the account map.</summary>
    public abstract object? ValueIn(RotationConfig config);

    /// <summary>The allowed values in words, for the docs and <c>keyrot settings</c>.</summary>
    public virtual string Allowed => AllowedDoc ?? "";

    /// <summary>The value's type in words (Markdown), for the docs and <c>keyrot settings</c>.</summary>
    public abstract string TypeDoc { get; }

    /// <summary>The default in words (Markdown), with <see cref="DefaultNote"/>, for the docs and <c>keyrot settings</c>.</summary>
    public string DefaultDoc
    {
        get
        {
            var value = ValueIn(Defaults) switch
            {
                null => "none",
                bool b => b ? "`true`" : "`false`",
                System.Collections.IDictionary { Count: 0 } or DestinationsConfig { IsEmpty: true } => "`{}`",
                IEnumerable<string> list when !list.Any() => "`[]`",
                var other => $"`{other}`",
            };
            return DefaultNote is null ? value : value == "none" ? $"none: {DefaultNote}" : $"{value} {DefaultNote}";
        }
    }

    private static readonly RotationConfig Defaults = new();

    internal abstract RotationConfig ReadJson(RotationConfig config, JsonElement value, string path, JsonConfigReader reader);

    internal abstract RotationConfig ReadEnvironment(RotationConfig config, EnvironmentReader environment);

    /// <summary>
    /// A variable that holds the file form's JSON object, read by the file form's reader so that its problems keep
    /// their path inside it (<c>VARIABLE.path</c>); <paramref name="expected"/> shows its shape when it is not JSON.
    /// </summary>
    private protected RotationConfig ReadJsonVariable<T>(RotationConfig config, EnvironmentReader environment, Func<JsonConfigReader, JsonElement, T> read, Func<RotationConfig, T, RotationConfig> apply, string expected)
    {
        if (environment.Value(Variable) is not { } json)
        {
            return config;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var reader = new JsonConfigReader(Variable);
            var value = read(reader, document.RootElement);
            foreach (var problem in reader.Problems)
            {
                environment.Problem(problem.Path, problem.Message);
            }

            return apply(config, value);
        }
        catch (JsonException)
        {
            environment.Problem(Variable, $"not valid JSON; expected {expected}");
            return config;
        }
    }

    /// <summary>Adds the problems of this setting's value; the cross-field rule runs only on a value that is itself valid.</summary>
    internal void Validate(RotationConfig config, List<ConfigProblem> problems)
    {
        var before = problems.Count;
        ValidateValue(config, problems);
        if (problems.Count == before && CrossRule?.Invoke(config) is { } problem)
        {
            problems.Add(new ConfigProblem(JsonPath, problem));
        }
    }

    private protected abstract void ValidateValue(RotationConfig config, List<ConfigProblem> problems);
}

/// <summary>
/// A whole number in a range. A nullable one (<see cref="Setting.Nullable"/>) also takes JSON null, and its default may
/// be null, which means what its description says (e.g. "derived").
/// </summary>
public sealed class IntSetting : Setting
{
    private readonly Func<RotationConfig, int?> _get;
    private readonly Func<RotationConfig, int?, RotationConfig> _set;
    private readonly bool _nullable;

    public IntSetting(string name, string variable, Func<RotationConfig, int> get, Func<RotationConfig, int, RotationConfig> set, int minimum, int maximum)
        : this(name, variable, c => get(c), (c, v) => set(c, v!.Value), minimum, maximum, nullable: false)
    {
    }

    public IntSetting(string name, string variable, Func<RotationConfig, int?> get, Func<RotationConfig, int?, RotationConfig> set, int minimum, int maximum, bool nullable)
        : base(name, variable)
    {
        _get = get;
        _set = set;
        _nullable = nullable;
        Minimum = minimum;
        Maximum = maximum;
    }

    public int Minimum { get; }

    public int Maximum { get; }

    /// <summary>Why the range is what it is, added to the out-of-range message when a bound is not obvious.</summary>
    public string? RangeReason { get; init; }

    public override SettingKind Kind => SettingKind.Integer;

    public override bool Nullable => _nullable;

    public override string TypeDoc => _nullable ? "integer or null" : "integer";

    public override string Allowed => AllowedDoc ?? $"{Minimum}-{Maximum}";

    public override object? ValueIn(RotationConfig config) => _get(config);

    internal override RotationConfig ReadJson(RotationConfig config, JsonElement value, string path, JsonConfigReader reader)
    {
        if (_nullable && value.ValueKind == JsonValueKind.Null)
        {
            return _set(config, null);
        }

        return reader.Int(value, path) is { } number ? _set(config, number) : config;
    }

    internal override RotationConfig ReadEnvironment(RotationConfig config, EnvironmentReader environment)
    {
        if (environment.Value(Variable) is not { } raw)
        {
            return config;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return _set(config, number);
        }

        environment.Problem(Variable, $"'{raw}' is not a whole number");
        return config;
    }

    private protected override void ValidateValue(RotationConfig config, List<ConfigProblem> problems)
    {
        if (_get(config) is { } value && (value < Minimum || value > Maximum))
        {
            problems.Add(new ConfigProblem(JsonPath, $"{value} is out of range: use {Minimum} to {Maximum}{(RangeReason is null ? "" : $" ({RangeReason})")}"));
        }
    }
}

public sealed class BoolSetting(string name, string variable, Func<RotationConfig, bool> get, Func<RotationConfig, bool, RotationConfig> set)
    : Setting(name, variable)
{
    public override SettingKind Kind => SettingKind.Boolean;

    public override string TypeDoc => "boolean";

    public override object? ValueIn(RotationConfig config) => get(config);

    internal override RotationConfig ReadJson(RotationConfig config, JsonElement value, string path, JsonConfigReader reader) =>
        reader.Bool(value, path) is { } flag ? set(config, flag) : config;

    internal override RotationConfig ReadEnvironment(RotationConfig config, EnvironmentReader environment)
    {
        if (environment.Value(Variable) is not { } raw)
        {
            return config;
        }

        if (bool.TryParse(raw, out var flag))
        {
            return set(config, flag);
        }

        environment.Problem(Variable, $"'{raw}' is not true or false");
        return config;
    }

    private protected override void ValidateValue(RotationConfig config, List<ConfigProblem> problems)
    {
    }
}

/// <summary>A string setting. Nullable ones accept JSON null; <see cref="EmptyDisables"/> ones read an empty variable as null.</summary>
public sealed class TextSetting(string name, string variable, Func<RotationConfig, string?> get, Func<RotationConfig, string?, RotationConfig> set, bool nullable)
    : Setting(name, variable)
{
    public ValueRule? Rule { get; init; }

    /// <summary>The schema's pattern when <see cref="Rule"/> is checked across settings instead (the secret name template).</summary>
    public string? SchemaPatternOverride { get; init; }

    /// <summary>
    /// An empty or blank variable sets null (disables the feature); only an unset variable keeps the default. For
    /// settings whose default is not null, so that the environment form can turn them off.
    /// </summary>
    public bool EmptyDisables { get; init; }

    public override SettingKind Kind => SettingKind.Text;

    public override string TypeDoc => nullable ? "string or null" : "string";

    public override bool Nullable => nullable;

    public string? SchemaPattern => SchemaPatternOverride ?? Rule?.SchemaPattern;

    public override string Allowed => AllowedDoc ?? Rule?.Doc ?? "";

    public override object? ValueIn(RotationConfig config) => get(config);

    internal override RotationConfig ReadJson(RotationConfig config, JsonElement value, string path, JsonConfigReader reader)
    {
        var text = reader.String(value, path, nullable);
        return text is not null || nullable ? set(config, text) : config;
    }

    internal override RotationConfig ReadEnvironment(RotationConfig config, EnvironmentReader environment)
    {
        if (environment.Value(Variable) is { } raw)
        {
            return set(config, raw);
        }

        return EmptyDisables && environment.IsSet(Variable) ? set(config, null) : config;
    }

    private protected override void ValidateValue(RotationConfig config, List<ConfigProblem> problems)
    {
        if (get(config) is { } value && Rule is { } rule && !rule.IsValid(value))
        {
            problems.Add(new ConfigProblem(JsonPath, rule.Problem(value)));
        }
    }
}

/// <summary>A list of strings: a JSON array, or a comma-separated variable (blanks around commas and empty items ignored).</summary>
public sealed class ListSetting(string name, string variable, Func<RotationConfig, IReadOnlyList<string>> get, Func<RotationConfig, IReadOnlyList<string>, RotationConfig> set, ValueRule itemRule)
    : Setting(name, variable)
{
    public ValueRule ItemRule => itemRule;

    public override SettingKind Kind => SettingKind.TextList;

    public override string TypeDoc => "array of strings";

    public override string Allowed => AllowedDoc ?? itemRule.Doc;

    public override object? ValueIn(RotationConfig config) => get(config);

    internal override RotationConfig ReadJson(RotationConfig config, JsonElement value, string path, JsonConfigReader reader) =>
        set(config, reader.StringList(value, path));

    internal override RotationConfig ReadEnvironment(RotationConfig config, EnvironmentReader environment) =>
        environment.Value(Variable) is { } raw ? set(config, raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : config;

    private protected override void ValidateValue(RotationConfig config, List<ConfigProblem> problems)
    {
        var items = get(config);
        for (var i = 0; i < items.Count; i++)
        {
            if (!itemRule.IsValid(items[i]))
            {
                problems.Add(new ConfigProblem($"{JsonPath}[{i}]", itemRule.Problem(items[i])));
            }
        }
    }
}

/// <summary>One of a few words. The file form takes them exactly; the environment form in any case.</summary>
public sealed class ChoiceSetting<T>(string name, string variable, Func<RotationConfig, T> get, Func<RotationConfig, T, RotationConfig> set, IReadOnlyList<(string Word, T Value)> choices)
    : Setting(name, variable)
    where T : struct, Enum
{
    public IReadOnlyList<string> Words { get; } = choices.Select(c => c.Word).ToList();

    public override SettingKind Kind => SettingKind.Choice;

    public override string TypeDoc => string.Join(" or ", Words.Select(word => $"`\"{word}\"`"));

    public override object? ValueIn(RotationConfig config)
    {
        var value = get(config);
        return choices.First(c => c.Value.Equals(value)).Word;
    }

    internal override RotationConfig ReadJson(RotationConfig config, JsonElement value, string path, JsonConfigReader reader)
    {
        if (reader.String(value, path) is not { } text)
        {
            return config;
        }

        foreach (var (word, choice) in choices)
        {
            if (word == text)
            {
                return set(config, choice);
            }
        }

        reader.Problem(path, NotAChoice(text));
        return config;
    }

    internal override RotationConfig ReadEnvironment(RotationConfig config, EnvironmentReader environment)
    {
        if (environment.Value(Variable) is not { } raw)
        {
            return config;
        }

        foreach (var (word, choice) in choices)
        {
            if (word.Equals(raw, StringComparison.OrdinalIgnoreCase))
            {
                return set(config, choice);
            }
        }

        environment.Problem(Variable, NotAChoice(raw));
        return config;
    }

    private string NotAChoice(string text) => $"'{text}' is not {string.Join(" or ", Words.Select(w => $"'{w}'"))}";

    private protected override void ValidateValue(RotationConfig config, List<ConfigProblem> problems)
    {
    }
}

/// <summary>
/// The explicit scope: account id to user names. A JSON object in both forms (the variable holds the same object),
/// so its problems keep their path inside it: <c>$.accounts.111111111111[0]</c> or <c>ACCOUNTS_USERS_JSON.111111111111[0]</c>.
/// </summary>
public sealed class AccountsSetting(string name, string variable) : Setting(name, variable)
{
    public override SettingKind Kind => SettingKind.AccountMap;

    public override string TypeDoc => "object: account id → array of user names";

    public override object? ValueIn(RotationConfig config) => config.Accounts;

    internal override RotationConfig ReadJson(RotationConfig config, JsonElement value, string path, JsonConfigReader reader) =>
        config with { Accounts = reader.ReadAccounts(value, path) };

    internal override RotationConfig ReadEnvironment(RotationConfig config, EnvironmentReader environment) =>
        ReadJsonVariable(config, environment, (reader, value) => reader.ReadAccounts(value, Variable), (c, accounts) => c with { Accounts = accounts }, "{\"111111111111\": [\"user1\", \"user2\"]}");

    private protected override void ValidateValue(RotationConfig config, List<ConfigProblem> problems)
    {
        if (config.Accounts.Count == 0 && !config.Discovery.Organization)
        {
            problems.Add(new ConfigProblem(JsonPath, "nothing to rotate: list accounts and users here, or set discovery.organization to true"));
        }

        // Checked per user only when the template itself is sound; a bad template is reported once, at the template.
        var templateMakesValidNames = AwsIdentifiers.IsSecretName(config.Secrets.NameFor("123456789012", "user"));
        foreach (var (account, users) in config.Accounts)
        {
            if (!AwsIdentifiers.IsAccountId(account))
            {
                problems.Add(new ConfigProblem($"{JsonPath}.{account}", "account ids are " + AwsIdentifiers.AccountIdRule));
            }

            if (users.Count == 0 && !config.Discovery.Organization)
            {
                problems.Add(new ConfigProblem($"{JsonPath}.{account}", "no users listed: list the IAM user names to rotate"));
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < users.Count; i++)
            {
                var at = $"{JsonPath}.{account}[{i}]";
                if (!AwsIdentifiers.IsUserName(users[i]))
                {
                    problems.Add(new ConfigProblem(at, $"'{users[i]}' is not a valid IAM user name ({AwsIdentifiers.NameRule64})"));
                }
                else if (templateMakesValidNames && !AwsIdentifiers.IsSecretName(config.Secrets.NameFor(account, users[i])))
                {
                    problems.Add(new ConfigProblem(at, $"'{users[i]}' is a valid IAM user name but makes an invalid secret name '{config.Secrets.NameFor(account, users[i])}' (Secrets Manager allows letters, digits and /_+=.@-): change secrets.nameTemplate or rotate this user by hand"));
                }
                else if (!seen.Add(users[i]))
                {
                    problems.Add(new ConfigProblem(at, $"user '{users[i]}' is listed twice (IAM user names are case-insensitive)"));
                }
            }
        }
    }
}

/// <summary>The environment form's view of the variables: trimmed values, blank counts as unset, and the problems found.</summary>
internal sealed class EnvironmentReader(IReadOnlyDictionary<string, string?> environment)
{
    public List<ConfigProblem> Problems { get; } = [];

    /// <summary>The trimmed value, or null when the variable is unset, empty or blank.</summary>
    public string? Value(string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public bool IsSet(string name) => environment.ContainsKey(name);

    public void Problem(string path, string message) => Problems.Add(new ConfigProblem(path, message));
}
