using OrgKeyRotation.Aws.Credentials;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws;

/// <summary>
/// Sessions into member accounts through the rotation role. With secret location "central" the session's Secrets
/// Manager is the central one, written with the host credentials, and the secrets' rotator is the configured role
/// (<see cref="AwsOptions.SecretsRotatorArn"/>, path included): the host credentials must be that role's.
/// </summary>
internal sealed class AccountSessionFactory : IAccountSessionFactory
{
    private readonly AwsClients.Layer _layer;
    private readonly StsClient _sts;
    private readonly RoleCredentialCache _cache;
    private readonly ISecretsManagerClient? _centralSecrets;
    private readonly string? _centralRotator;
    private readonly Lock _gate = new();
    private Task<string>? _hostArn;

    public AccountSessionFactory(AwsClients.Layer layer, StsClient sts, ISecretsManagerClient centralSecrets)
    {
        _layer = layer;
        _sts = sts;
        var options = layer.Options;
        _cache = new RoleCredentialCache((account, sessionName, token) => sts.AssumeRoleAsync(RoleArn(account), sessionName, options.ExternalId, token), layer.Time);
        _centralSecrets = options.SecretLocation == SecretLocation.Central ? centralSecrets : null;
        _centralRotator = options.SecretsRotatorArn;
    }

    public async Task<IAccountSession> OpenAsync(string accountId, string sessionName, CancellationToken cancellationToken)
    {
        if (!AwsIdentifiers.IsAccountId(accountId))
        {
            throw new ArgumentException($"'{accountId}' is not a 12-digit AWS account id.", nameof(accountId));
        }

        var session = RoleSessionName.From(sessionName);

        // Assume now so a refused role surfaces here, not on the first IAM call.
        await _cache.GetAsync(accountId, session, cancellationToken).ConfigureAwait(false);
        var credentials = new DeferredCredentials(async token => (await _cache.GetAsync(accountId, session, token).ConfigureAwait(false)).Credentials);
        var iam = new IamClient(_layer.Signed(AwsService.Iam, credentials, accountId), _layer.Options.PageSize);
        var parameters = new ParameterStoreClient(_layer.Signed(AwsService.Ssm, credentials, accountId));
        if (_centralSecrets is not null)
        {
            return new AccountSession(accountId, iam, _centralSecrets, parameters, _centralRotator!);
        }

        return new AccountSession(accountId, iam, new SecretsManagerClient(_layer.Signed(AwsService.SecretsManager, credentials, accountId), _layer.Options.PageSize), parameters, RoleArn(accountId));
    }

    private string RoleArn(string accountId) => $"arn:{_layer.Partition}:iam::{accountId}:role/{_layer.Options.RoleName}";

    public async Task<string?> CentralRotatorRefusalAsync(CancellationToken cancellationToken) =>
        _centralSecrets is null ? null : CentralRotator.Refusal(await HostArnAsync(cancellationToken).ConfigureAwait(false), _centralRotator!);

    /// <summary>The host's caller ARN, asked of STS once (a failed attempt is asked again next time).</summary>
    private Task<string> HostArnAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_hostArn is null || _hostArn.IsFaulted || _hostArn.IsCanceled)
            {
                _hostArn = ResolveAsync();
            }

            return _hostArn.WaitAsync(cancellationToken);
        }

        async Task<string> ResolveAsync() => (await _sts.GetHostIdentityAsync(CancellationToken.None).ConfigureAwait(false)).Arn;
    }

    private sealed record AccountSession(string AccountId, IIamClient Iam, ISecretsManagerClient Secrets, IParameterStoreClient Parameters, string PrincipalArn) : IAccountSession;
}
