using System.Diagnostics.CodeAnalysis;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.SecretsManagerRotation;

/// <summary>The steps of Secrets Manager's rotation protocol, in the order Secrets Manager invokes them.</summary>
public enum RotationStep
{
    CreateSecret,
    SetSecret,
    TestSecret,
    FinishSecret,
}

/// <summary>The steps' names on the wire (the event's "Step"), and the one parse every host uses.</summary>
public static class RotationSteps
{
    /// <summary>Every step, in protocol order.</summary>
    public static IReadOnlyList<RotationStep> All { get; } = [RotationStep.CreateSecret, RotationStep.SetSecret, RotationStep.TestSecret, RotationStep.FinishSecret];

    /// <summary>The wire names, in protocol order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(Name)];

    /// <summary>The name Secrets Manager sends: "createSecret", "setSecret", "testSecret", "finishSecret".</summary>
    public static string Name(RotationStep step) => step switch
    {
        RotationStep.CreateSecret => "createSecret",
        RotationStep.SetSecret => "setSecret",
        RotationStep.TestSecret => "testSecret",
        RotationStep.FinishSecret => "finishSecret",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "not a rotation step"),
    };

    /// <summary>Exact, case-sensitive match of a wire name, as Secrets Manager sends them.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out RotationStep step)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                step = candidate;
                return true;
            }
        }

        step = default;
        return false;
    }

    /// <summary>The step named <paramref name="name"/>; a <see cref="BadRequestException"/> naming the valid ones otherwise.</summary>
    public static RotationStep Parse(string? name) => TryParse(name, out var step)
        ? step
        : throw new BadRequestException($"unknown rotation step '{name}': expected one of {string.Join(", ", Names)}");
}
