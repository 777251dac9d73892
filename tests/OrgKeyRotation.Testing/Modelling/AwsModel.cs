namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// AWS as the product meets it, in front of moto: an ordered pipeline of <see cref="AwsBehaviour"/>s sharing one
/// clock and one <see cref="AccountDirectory"/>. Use it in-process under the SigV4 signer
/// (<c>AwsOptions.InnerHandlerFactory = () =&gt; model.CreateHandler()</c>; STS and SQS go through the same handler),
/// or out of process behind <see cref="AwsModelProxy"/> for the CLI, the Lambda bootstrap and the benchmark
/// (AWS_ENDPOINT_URL / --endpoint-url). State lives here, not in the handlers: every handler of one model shares it.
/// </summary>
public sealed class AwsModel
{
    private readonly List<AwsBehaviour> _behaviours = [];

    public AwsModel(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
    }

    public TimeProvider Time { get; }

    /// <summary>
    /// The standard composition of <paramref name="options"/>, in this order: <see cref="CallCounter"/> and
    /// <see cref="ConcurrentCalls"/> of IAM (always), <see cref="Latency"/>, <see cref="UnresponsiveAccounts"/>,
    /// <see cref="Throttling"/>, <see cref="NewKeyPropagation"/>, <see cref="LastUsedLag"/>,
    /// <see cref="OrganizationsStateOnly"/>. Counting comes first so that refused, throttled and hung attempts are
    /// counted; the last-used record follows the propagation check so refusals are no uses.
    /// </summary>
    public static AwsModel Create(AwsModelOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = new AwsModel(time).Use(new CallCounter()).Use(new ConcurrentCalls("iam"));
        if (options.Latency > TimeSpan.Zero)
        {
            model.Use(new Latency(options.Latency));
        }

        if (options.UnresponsiveAccounts.Count > 0)
        {
            model.Use(new UnresponsiveAccounts(options.UnresponsiveAccounts, options.UnresponsiveFor));
        }

        if (options.ThrottleFraction > 0)
        {
            model.Use(new Throttling(options.ThrottleFraction, options.ThrottleSeed));
        }

        if (options.PropagationDelay is { } delay)
        {
            model.Use(new NewKeyPropagation(delay));
        }

        if (options.LastUsedLag is { } lag)
        {
            model.Use(new LastUsedLag(lag));
        }

        if (options.OrganizationsStateOnly)
        {
            model.Use(new OrganizationsStateOnly());
        }

        return model;
    }

    public AccountDirectory Accounts { get; } = new();

    public IReadOnlyList<AwsBehaviour> Behaviours => _behaviours;

    /// <summary>Appends <paramref name="behaviour"/>: it sees calls after the ones added before it. Add all before the first call.</summary>
    public AwsModel Use(AwsBehaviour behaviour)
    {
        ArgumentNullException.ThrowIfNull(behaviour);
        _behaviours.Add(behaviour);
        return this;
    }

    /// <summary>The behaviour of type <typeparamref name="T"/> (for its figures); throws when the model has none.</summary>
    public T Get<T>()
        where T : AwsBehaviour =>
        Find<T>() ?? throw new InvalidOperationException($"This model has no {typeof(T).Name}.");

    /// <summary>The behaviour of type <typeparamref name="T"/>, or null.</summary>
    public T? Find<T>()
        where T : AwsBehaviour =>
        _behaviours.OfType<T>().FirstOrDefault();

    /// <summary>A handler that runs every call through the model, then <paramref name="inner"/> (default: a new SocketsHttpHandler).</summary>
    public DelegatingHandler CreateHandler(HttpMessageHandler? inner = null) => new AwsModelHandler(this, inner ?? new SocketsHttpHandler());

    /// <summary>Runs <paramref name="call"/> through the behaviours; <paramref name="send"/> forwards it to moto.</summary>
    public Task<HttpResponseMessage> InvokeAsync(AwsCall call, AwsNext send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(send);
        return Step(0, cancellationToken);

        // Innermost: the directory learns from moto's own answer, before any behaviour rewrites it.
        Task<HttpResponseMessage> Step(int index, CancellationToken token) => index < _behaviours.Count
            ? _behaviours[index].HandleAsync(call, next => Step(index + 1, next), token)
            : PassThroughAsync(call, send, token);
    }

    /// <summary>Forwards <paramref name="call"/> past every behaviour, only letting the directory learn (the proxy's direct port).</summary>
    public async Task<HttpResponseMessage> PassThroughAsync(AwsCall call, AwsNext send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(send);
        var response = await send(cancellationToken);
        await Accounts.LearnAsync(call, response, cancellationToken);
        return response;
    }

    /// <summary>Parses the request and runs it through the model.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, AwsNext send, CancellationToken cancellationToken)
    {
        var call = await AwsCall.ReadAsync(request, Time, Accounts, cancellationToken);
        return await InvokeAsync(call, send, cancellationToken);
    }

    private sealed class AwsModelHandler(AwsModel model, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            model.SendAsync(request, token => base.SendAsync(request, token), cancellationToken);
    }
}
