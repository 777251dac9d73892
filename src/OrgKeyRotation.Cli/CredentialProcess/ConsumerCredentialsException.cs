namespace OrgKeyRotation.Cli.CredentialProcess;

/// <summary>
/// Why <c>keyrot credential-process</c> printed no credentials. The message says what failed and what to do; it never
/// holds a secret access key. The AWS CLI shows it as the reason the credentials could not be loaded.
/// </summary>
internal sealed class ConsumerCredentialsException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>IAM refused the key that signed the read (InvalidClientTokenId, UnrecognizedClientException): deactivated, deleted or not yet known.</summary>
internal sealed class KeyRefusedException(string message, Exception? inner = null) : Exception(message, inner);
