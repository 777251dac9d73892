namespace OrgKeyRotation.GitHub;

/// <summary>How the GitHub adapter reaches GitHub and where its credential lives. Validated by <see cref="Validate"/>.</summary>
public sealed class GitHubOptions
{
    /// <summary>The documented REST API version the adapter is written against (X-GitHub-Api-Version).</summary>
    public const string ApiVersion = "2022-11-28";

    /// <summary>The REST API root. Default https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3.</summary>
    public Uri BaseUrl { get; init; } = new("https://api.github.com");

    /// <summary>
    /// Name or ARN of the central Secrets Manager secret holding the credential: a GitHub App
    /// (<c>{"appId": "...", "privateKey": "-----BEGIN ...", "installationId": 123}</c>, installationId optional) or a
    /// fine-grained personal access token (<c>{"token": "github_pat_..."}</c>). Required.
    /// </summary>
    public string CredentialSecretId { get; init; } = string.Empty;

    /// <summary>The User-Agent GitHub requires on every request. Default "OrgKeyRotation".</summary>
    public string UserAgent { get; init; } = "OrgKeyRotation";

    /// <summary>Attempts per request for 5xx answers and lost connections, 1-10. Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>First backoff after a 5xx or a lost connection (doubled each time), up to 1 minute. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest rate-limit wait taken within one call, 0 to 15 minutes. A longer wait (or one beyond this budget in
    /// total) fails the call with the time GitHub allows the next request. Default 60 s.
    /// </summary>
    public TimeSpan RateLimitBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one request may take before it counts as lost, 1 s to 5 minutes. Default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a target's public key is reused before it is fetched again, 0 to 1 hour (about one sweep). Default 10 minutes.</summary>
    public TimeSpan PublicKeyMaxAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Tests: the handler under the adapter's HttpClient. Redirects are never followed.</summary>
    public Func<HttpMessageHandler>? InnerHandlerFactory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(BaseUrl.Query))
        {
            throw new ArgumentException($"GitHub base URL '{BaseUrl}' must be an absolute https URL without a query, such as https://api.github.com or https://HOST/api/v3.", nameof(BaseUrl));
        }

        if (string.IsNullOrWhiteSpace(CredentialSecretId))
        {
            throw new ArgumentException("The GitHub credential secret (name or ARN of a central Secrets Manager secret) is not set.", nameof(CredentialSecretId));
        }

        if (string.IsNullOrWhiteSpace(UserAgent))
        {
            throw new ArgumentException("The GitHub User-Agent is empty; GitHub refuses requests without one.", nameof(UserAgent));
        }

        Range(MaxAttempts, 1, 10, nameof(MaxAttempts));
        Range(BaseDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1), nameof(BaseDelay));
        Range(RateLimitBudget, TimeSpan.Zero, TimeSpan.FromMinutes(15), nameof(RateLimitBudget));
        Range(AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), nameof(AttemptTimeout));
        Range(PublicKeyMaxAge, TimeSpan.Zero, TimeSpan.FromHours(1), nameof(PublicKeyMaxAge));
    }

    private static void Range<T>(T value, T min, T max, string name)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            throw new ArgumentException($"GitHub option {name} = {value} is outside {min} to {max}.", name);
        }
    }
}
