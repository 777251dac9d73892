namespace OrgKeyRotation.Core.Model;

/// <summary>
/// A place besides the user's secret where the user's key is written, resolved for one user from the configuration
/// (destinations). <see cref="Id"/> is stable while the place stays the same (the secret's record of what the place
/// holds is kept under it); <see cref="Name"/> says where it is, for people.
/// </summary>
public abstract record KeyDestination(string Id, string Name);

/// <summary>Parameter Store in the user's own account, through the member rotation role.</summary>
public sealed record ParameterDestination(string Id, string Name, ParameterStoreTarget Target) : KeyDestination(Id, Name);

/// <summary>Two GitHub Actions secrets: the access key id and the secret access key.</summary>
public sealed record GitHubDestination(string Id, string Name, GitHubSecretTarget Target, string AccessKeyIdName, string SecretAccessKeyName) : KeyDestination(Id, Name);

/// <summary>
/// A configured destination whose templates make no valid place for this user (a discovered user whose name is not
/// allowed in a GitHub secret name, say). Nothing is written; every sweep reports <see cref="Problem"/> until the
/// configuration changes.
/// </summary>
public sealed record UnusableDestination(string Id, string Name, string Problem) : KeyDestination(Id, Name);
