namespace OrgKeyRotation.Cli.Invocation;

/// <summary>The process exit codes; docs/cli.md documents them and scripts rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>Everything succeeded.</summary>
    public const int Ok = 0;

    /// <summary>Some accounts, users or steps failed; details were printed.</summary>
    public const int Failures = 1;

    /// <summary>Bad arguments or configuration; no AWS call was made.</summary>
    public const int BadInput = 2;

    /// <summary>Could not start: no credentials, or the endpoint could not be reached or refused the credentials.</summary>
    public const int CouldNotStart = 3;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
