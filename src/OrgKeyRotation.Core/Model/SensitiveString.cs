namespace OrgKeyRotation.Core.Model;

/// <summary>
/// A secret held in memory only. It never prints itself: <see cref="ToString"/> is redacted,
/// and the value is reachable only through <see cref="Reveal"/>, which makes every use greppable.
/// </summary>
public sealed class SensitiveString : IEquatable<SensitiveString>
{
    public const string Redacted = "***redacted***";

    private readonly string _value;

    public SensitiveString(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>The secret itself. Call only where it must leave memory: a signer or a Secrets Manager write.</summary>
    public string Reveal() => _value;

    public override string ToString() => Redacted;

    public bool Equals(SensitiveString? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is SensitiveString other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);
}
