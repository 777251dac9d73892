namespace OrgKeyRotation.Engine.Contracts;

/// <summary>A Secrets Manager rotation step event: Step is createSecret, setSecret, testSecret or finishSecret.</summary>
public sealed record RotationStepRequest(string Step, string SecretId, string ClientRequestToken);

public sealed record RotationStepResult(string Step, string SecretId, string ClientRequestToken, Outcome Outcome, string Message, string? AccessKeyId);
