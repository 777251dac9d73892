using System.Diagnostics;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.GitHub;
using OrgKeyRotation.GitHub.AotProbe;

// Usage: aot-probe BASE_URL OWNER REPOSITORY SECRET_NAME, the value on stdin, the credential JSON in
// ORGKEYROTATION_PROBE_CREDENTIAL. Prints "created" or "updated" and the milliseconds the write took.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: aot-probe BASE_URL OWNER REPOSITORY SECRET_NAME (value on stdin, credential JSON in ORGKEYROTATION_PROBE_CREDENTIAL)");
    return 2;
}

var credential = Environment.GetEnvironmentVariable("ORGKEYROTATION_PROBE_CREDENTIAL");
if (string.IsNullOrEmpty(credential))
{
    Console.Error.WriteLine("ORGKEYROTATION_PROBE_CREDENTIAL is not set.");
    return 2;
}

var value = new SensitiveString(Console.In.ReadToEnd());
var client = GitHubClients.Create(new GitHubOptions { BaseUrl = new Uri(args[0]), CredentialSecretId = ProbeCredential.SecretId }, new ProbeCredential(credential), TimeProvider.System);
var watch = Stopwatch.StartNew();
try
{
    var write = await client.PutSecretAsync(GitHubSecretTarget.ForRepository(args[1], args[2]), args[3], value, CancellationToken.None);
    Console.WriteLine($"{write.ToString().ToLowerInvariant()} {watch.Elapsed.TotalMilliseconds:0.0}");
    return 0;
}
catch (GitHubApiException e)
{
    Console.Error.WriteLine($"{e.Kind}: {e.Message}");
    return 1;
}
