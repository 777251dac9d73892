using System.Text;
using System.Text.Json;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>
/// The destinations as the file form writes them, compact, with only the fields that differ from their defaults: what a
/// test compares a loaded configuration with.
/// </summary>
internal static class DestinationsJson
{
    public static string Of(DestinationsConfig destinations)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (destinations.Defaults.Count > 0)
            {
                List(w, "defaults", destinations.Defaults);
            }

            if (destinations.Accounts.Count > 0)
            {
                w.WriteStartObject("accounts");
                foreach (var (account, entry) in destinations.Accounts)
                {
                    w.WriteStartObject(account);
                    if (entry.Defaults.Count > 0)
                    {
                        List(w, "defaults", entry.Defaults);
                    }

                    if (entry.Users.Count > 0)
                    {
                        w.WriteStartObject("users");
                        foreach (var (user, list) in entry.Users)
                        {
                            List(w, user, list);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void List(Utf8JsonWriter w, string name, IReadOnlyList<DestinationConfig> list)
    {
        w.WriteStartArray(name);
        foreach (var destination in list)
        {
            w.WriteStartObject();
            switch (destination)
            {
                case SsmDestinationConfig ssm:
                    w.WriteString("type", "ssm");
                    w.WriteString("name", ssm.Name);
                    if (ssm.Format == ParameterFormat.Pair)
                    {
                        w.WriteString("format", "pair");
                    }

                    if (ssm.KmsKeyId is not null)
                    {
                        w.WriteString("kmsKeyId", ssm.KmsKeyId);
                    }

                    break;
                case GitHubDestinationConfig github:
                    w.WriteString("type", "github");
                    w.WriteString("scope", github.Scope.ToString().ToLowerInvariant());
                    Optional(w, "repository", github.Repository);
                    Optional(w, "environment", github.Environment);
                    Optional(w, "organization", github.Organization);
                    Optional(w, "visibility", github.Visibility?.ToString().ToLowerInvariant());
                    if (github.SelectedRepositories is { } selected)
                    {
                        w.WriteStartArray("selectedRepositories");
                        foreach (var repository in selected)
                        {
                            w.WriteStringValue(repository);
                        }

                        w.WriteEndArray();
                    }

                    Optional(w, "accessKeyIdName", github.AccessKeyIdName == GitHubDestinationConfig.DefaultAccessKeyIdName ? null : github.AccessKeyIdName);
                    Optional(w, "secretAccessKeyName", github.SecretAccessKeyName == GitHubDestinationConfig.DefaultSecretAccessKeyName ? null : github.SecretAccessKeyName);
                    break;
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
