using System.Text.Json;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// The destinations of new keys besides the secrets (<see cref="DestinationsConfig"/>). A JSON object in both forms, like
/// the account map, so its problems keep their path inside it: <c>$.destinations.defaults[0].name</c> or
/// <c>DESTINATIONS_JSON.defaults[0].name</c>. Every destination is checked with the names it makes: for each listed user
/// with the user's own names, otherwise with a sample account and user.
/// </summary>
public sealed class DestinationsSetting(string name, string variable) : Setting(name, variable)
{
    /// <summary>The account and user a template is tried with where the real ones are not known (discovered users).</summary>
    private const string SampleAccount = "123456789012";
    private const string SampleUser = "user";

    public override SettingKind Kind => SettingKind.Destinations;

    public override string TypeDoc => "object: `defaults`, `accounts` → account id → `defaults`, `users` → user name → destinations";

    public override object? ValueIn(RotationConfig config) => config.Destinations;

    internal override RotationConfig ReadJson(RotationConfig config, JsonElement value, string path, JsonConfigReader reader) =>
        config with { Destinations = reader.ReadDestinations(value, path) };

    internal override RotationConfig ReadEnvironment(RotationConfig config, EnvironmentReader environment) =>
        ReadJsonVariable(config, environment, (reader, value) => reader.ReadDestinations(value, Variable), (c, destinations) => c with { Destinations = destinations }, "{\"defaults\": [{\"type\": \"ssm\", \"name\": \"/keys/{accountId}/{userName}\"}]}");

    private protected override void ValidateValue(RotationConfig config, List<ConfigProblem> problems)
    {
        var destinations = config.Destinations;
        CheckList(destinations.Defaults, $"{JsonPath}.defaults", SampleAccount, SampleUser, problems);
        foreach (var (account, entry) in destinations.Accounts)
        {
            var at = $"{JsonPath}.accounts.{account}";
            if (!AwsIdentifiers.IsAccountId(account))
            {
                problems.Add(new ConfigProblem(at, "account ids are " + AwsIdentifiers.AccountIdRule));
                continue;
            }

            if (!config.Discovery.Organization && !config.Accounts.ContainsKey(account))
            {
                problems.Add(new ConfigProblem(at, $"account {account} is not rotated: it is not in accounts, and discovery.organization is false"));
            }

            CheckList(entry.Defaults, $"{at}.defaults", account, SampleUser, problems);
            foreach (var (user, list) in entry.Users)
            {
                var userAt = $"{at}.users.{user}";
                if (!AwsIdentifiers.IsUserName(user))
                {
                    problems.Add(new ConfigProblem(userAt, $"'{user}' is not a valid IAM user name ({AwsIdentifiers.NameRule64})"));
                    continue;
                }

                if (!config.Discovery.Organization && config.Accounts.TryGetValue(account, out var users) && !users.Contains(user, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(new ConfigProblem(userAt, $"user {user} is not rotated: it is not among the users of account {account} in accounts, and discovery.organization is false"));
                }

                CheckList(list, userAt, account, user, problems);
            }
        }

        if (problems.Count == 0)
        {
            CheckEveryKnownUser(config, problems);
        }
    }

    /// <summary>Each destination of a list, filled in for the account and user the list is for.</summary>
    private static void CheckList(IReadOnlyList<DestinationConfig> list, string path, string accountId, string userName, List<ConfigProblem> problems)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Resolve(accountId, userName) is UnusableDestination unusable)
            {
                problems.Add(new ConfigProblem($"{path}[{i}]", Unusable(unusable, accountId, userName)));
            }
        }
    }

    /// <summary>
    /// What each user gets once the lists are merged: any rotated user (a sample name), a discovered user of each
    /// account with destinations, then every listed user with its own names; the first user with a destination that
    /// makes no valid place, and the first with more destinations than Secrets Manager's tag budget allows, are
    /// reported (from the most general: a problem of every user is reported once).
    /// </summary>
    private void CheckEveryKnownUser(RotationConfig config, List<ConfigProblem> problems)
    {
        var destinations = config.Destinations;
        var users = new[] { (Account: SampleAccount, User: SampleUser) }
            .Concat(destinations.Accounts.Keys.Select(a => (Account: a, User: SampleUser)))
            .Concat(config.Accounts.SelectMany(a => a.Value.Select(u => (Account: a.Key, User: u))))
            .Concat(destinations.Accounts.SelectMany(a => a.Value.Users.Keys.Select(u => (Account: a.Key, User: u))))
            .Distinct()
            .Select(u => (u.Account, u.User, Resolved: destinations.For(u.Account, u.User)))
            .ToList();
        string Who(string account, string user) =>
            account == SampleAccount ? "every rotated user" : user == SampleUser ? $"a user of account {account}" : $"user {user} of account {account}";

        if (users.FirstOrDefault(u => u.Resolved.OfType<UnusableDestination>().Any()) is { Resolved: not null } unusable)
        {
            var destination = unusable.Resolved.OfType<UnusableDestination>().First();
            problems.Add(new ConfigProblem(JsonPath, $"for {Who(unusable.Account, unusable.User)}, {Unusable(destination, unusable.Account, unusable.User)}"));
        }

        if (users.FirstOrDefault(u => u.Resolved.Count > DestinationsConfig.MaxPerUser) is { Resolved: not null } crowded)
        {
            problems.Add(new ConfigProblem(JsonPath, $"{Who(crowded.Account, crowded.User)} gets {crowded.Resolved.Count} destinations; at most {DestinationsConfig.MaxPerUser} (each keeps a record on the user's secret, and Secrets Manager allows 50 tags per secret)"));
        }
    }

    private static string Unusable(UnusableDestination destination, string accountId, string userName) =>
        $"destination {destination.Name} makes no valid place{(userName == SampleUser ? "" : $" for {accountId}/{userName}")}: {destination.Problem}";
}
