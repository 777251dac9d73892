namespace OrgKeyRotation.Aws.Http;

/// <summary>A failure of one attempt that may clear on retry. <see cref="Sent"/>: the request may have reached AWS.</summary>
internal sealed class TransientFailureException(bool sent, Exception inner) : Exception(inner.Message, inner)
{
    public bool Sent { get; } = sent;
}
