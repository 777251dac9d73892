using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrgKeyRotation.Cli.CredentialProcess;

/// <summary>
/// What the AWS CLI and SDKs read from a <c>credential_process</c> on standard output
/// (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html): <c>Version</c> 1, the key
/// pair, no <c>SessionToken</c> (an IAM user's key has none) and an ISO 8601 <c>Expiration</c>, after which they run
/// the process again.
/// </summary>
internal static class CredentialProcessOutput
{
    /// <summary>How long a consumer may use the printed key before asking again: about an hour, so a rotation reaches it soon.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public static string Json(ConsumerKey key, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("Version", 1);
            writer.WriteString("AccessKeyId", key.AccessKeyId);
            writer.WriteString("SecretAccessKey", key.SecretAccessKey.Reveal());
            writer.WriteString("Expiration", (now + Lifetime).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
