namespace OrgKeyRotation.Cli.CredentialProcess;

/// <summary>Reads the AWSCURRENT key of the secret.</summary>
internal interface ISecretReader
{
    /// <summary>
    /// Signs the read with <paramref name="key"/>, or with the bootstrap credentials when it is null. Throws
    /// <see cref="KeyRefusedException"/> when IAM refuses the signing key, <see cref="ConsumerCredentialsException"/>
    /// for every other failure.
    /// </summary>
    Task<CurrentKey> ReadCurrentAsync(ConsumerKey? key, CancellationToken cancellationToken);
}

/// <summary>Where the keys are kept between runs.</summary>
internal interface IKeyCache
{
    /// <summary>The cached keys, or <see cref="CachedKeys.Empty"/> when there are none.</summary>
    CachedKeys Load();

    void Save(CachedKeys keys);
}
