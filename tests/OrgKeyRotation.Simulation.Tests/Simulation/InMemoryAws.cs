using System.Globalization;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>
/// The AWS operations a simulation makes, answered in memory on the wire (the same requests and answers as moto, so the
/// AWS layer, the model's behaviours and the consumers run unchanged above it): IAM users and access keys, STS
/// AssumeRole and GetCallerIdentity, Secrets Manager secrets with versions and staging labels and rotation schedules,
/// Parameter Store SecureString parameters (a destination of the key), SNS PublishBatch, SQS queues for the fan-out. moto serves about 300 calls a second here, too few for months of simulated days in CI; the
/// long runs use this, and <c>BackendAgreementTests</c> shows that moto and this give the same timelines. IDs come from
/// a seeded random, times from the simulation's clock (IAM's real expiry times from the real one).
/// </summary>
internal sealed class InMemoryAws(TimeProvider clock, int seed)
{
    private const string HostAccessKey = "testing";

    /// <summary>The host runs as a session of the central rotator role, as the Lambda runs as its execution role.</summary>
    public const string RotatorRoleArn = "arn:aws:iam::" + AccountDirectory.DefaultAccount + ":role/service/org-key-rotation-lambda";
    private readonly Lock _lock = new();
    private readonly Random _ids = new(seed);
    private readonly Dictionary<string, (string Account, string Arn, string UserId)> _principals = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string User), IamUser> _users = [];
    private readonly Dictionary<string, AccessKey> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Region, string Name), Secret> _secrets = [];
    private readonly Dictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Region, string Name), Parameter> _parameters = [];

    public Uri Endpoint { get; } = new("http://127.0.0.1:9");

    private TimeProvider Clock => clock;

    /// <summary>A handler that answers every request from this state (one per client: handlers are disposed with them).</summary>
    public HttpMessageHandler CreateHandler() => new Handler(this);

    public void CreateUser(string account, string userName)
    {
        lock (_lock)
        {
            _users[(account, userName.ToLowerInvariant())] = new IamUser(userName, "AIDA" + Id(17), $"arn:aws:iam::{account}:user/{userName}", clock.GetUtcNow());
        }
    }

    public (string AccessKeyId, string SecretAccessKey) CreateAccessKey(string account, string userName)
    {
        lock (_lock)
        {
            var key = NewKey(account, _users[(account, userName.ToLowerInvariant())]);
            return (key.Id, key.Secret);
        }
    }

    public string CreateTopic(string name) => $"arn:aws:sns:us-east-1:{AccountDirectory.DefaultAccount}:{name}";

    public string CreateQueue(string name)
    {
        lock (_lock)
        {
            var url = $"{Endpoint}{AccountDirectory.DefaultAccount}/{name}";
            _queues[url] = new Queue();
            return url;
        }
    }

    private AccessKey NewKey(string account, IamUser user)
    {
        var key = new AccessKey("AKIA" + Id(16), Id(40), user) { Created = clock.GetUtcNow() };
        user.Keys.Add(key);
        _keys[key.Id] = key;
        _principals[key.Id] = (account, user.Arn, user.UserId);
        return key;
    }

    private string Id(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        return new string(Enumerable.Range(0, length).Select(_ => alphabet[_ids.Next(alphabet.Length)]).ToArray());
    }

    /// <summary>
    /// Secrets Manager's rotation schedule: each secret whose schedule (RotateSecret) is due by the end of
    /// <paramref name="now"/>'s day, counted from its last rotation (a PutSecretValue counts as one: RotationRulesType,
    /// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html). Each gets an
    /// AWSPENDING version without a value under a new token (kept while the rotation has not finished, as Secrets
    /// Manager retries a failed rotation), ready for the rotation function's four steps.
    /// </summary>
    public IReadOnlyList<(string SecretArn, string Token)> DueRotations(DateTimeOffset now)
    {
        lock (_lock)
        {
            var due = new List<(string, string)>();
            foreach (var secret in _secrets.Values.Where(s => s.RotationDays is { } days && (s.LastRotated + TimeSpan.FromDays(days)).UtcDateTime.Date <= now.UtcDateTime.Date))
            {
                secret.RotationToken ??= new Guid(Enumerable.Range(0, 16).Select(_ => (byte)_ids.Next(256)).ToArray()).ToString();
                if (!secret.Versions.ContainsKey(secret.RotationToken))
                {
                    secret.Versions[secret.RotationToken] = new SecretVersion(secret.RotationToken, null, now);
                    secret.Move("AWSPENDING", secret.RotationToken);
                }

                due.Add((secret.Arn, secret.RotationToken));
            }

            return due;
        }
    }

    /// <summary>The rotation of <paramref name="secretArn"/> finished: the schedule counts from now.</summary>
    public void RotationFinished(string secretArn)
    {
        lock (_lock)
        {
            var secret = _secrets.Values.Single(s => s.Arn == secretArn);
            secret.LastRotated = clock.GetUtcNow();
            secret.RotationToken = null;
        }
    }

    private HttpResponseMessage Answer(AwsCall call)
    {
        lock (_lock)
        {
            var (account, arn, userId) = call.AccessKeyId is { } signer && _principals.TryGetValue(signer, out var principal)
                ? principal
                : (AccountDirectory.DefaultAccount, $"arn:aws:sts::{AccountDirectory.DefaultAccount}:assumed-role/org-key-rotation-lambda/{HostAccessKey}", "AROAHOST:" + HostAccessKey);
            if (call.AccessKeyId is { } used && _keys.TryGetValue(used, out var usedKey))
            {
                usedKey.LastUsed = (clock.GetUtcNow(), call.Service, call.Region ?? "us-east-1");
            }

            var caller = new Caller(account, arn, userId, call.Region ?? "us-east-1");
            return call.Service switch
            {
                "sts" => Sts(call, caller),
                "iam" => Iam(call, caller),
                "secretsmanager" => SecretsManager(call, caller),
                "ssm" => Ssm(call, caller),
                "sns" => Query(call, "PublishBatch", $"<Successful>{string.Concat(Entries(call).Select(id => $"<member><Id>{X(id)}</Id><MessageId>{Guid.NewGuid()}</MessageId></member>"))}</Successful><Failed/>"),
                "sqs" => Sqs(call),
                _ => Error(call, HttpStatusCode.BadRequest, "InvalidAction", $"{call.Name} is not simulated"),
            };
        }
    }

    private HttpResponseMessage Sts(AwsCall call, Caller caller)
    {
        if (call.Operation == "GetCallerIdentity")
        {
            return Query(call, "GetCallerIdentity", $"<Arn>{X(caller.Arn)}</Arn><UserId>{caller.UserId}</UserId><Account>{caller.Account}</Account>");
        }

        var roleArn = call.Parameter("RoleArn")!;
        var roleAccount = AccountDirectory.AccountOfArn(roleArn)!;
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var session = call.Parameter("RoleSessionName")!;
        var keyId = "ASIA" + Id(16);
        var sessionArn = $"arn:aws:sts::{roleAccount}:assumed-role/{roleName}/{session}";
        _principals[keyId] = (roleAccount, sessionArn, "AROA" + Id(17) + ":" + session);
        var expiration = TimeProvider.System.GetUtcNow().AddHours(1);
        return Query(call, "AssumeRole", $"<Credentials><AccessKeyId>{keyId}</AccessKeyId><SecretAccessKey>{Id(40)}</SecretAccessKey><SessionToken>{Id(64)}</SessionToken><Expiration>{Stamp(expiration)}</Expiration></Credentials>"
            + $"<AssumedRoleUser><AssumedRoleId>{_principals[keyId].UserId}</AssumedRoleId><Arn>{X(sessionArn)}</Arn></AssumedRoleUser>");
    }

    private HttpResponseMessage Iam(AwsCall call, Caller caller)
    {
        IamUser? Named() => call.Parameter("UserName") is { } name ? _users.GetValueOrDefault((caller.Account, name.ToLowerInvariant())) : null;
        AccessKey? KeyOf(IamUser user) => user.Keys.FirstOrDefault(k => k.Id == call.Parameter("AccessKeyId"));
        var noUser = Error(call, HttpStatusCode.NotFound, "NoSuchEntity", $"The user with name {call.Parameter("UserName")} cannot be found.");
        switch (call.Operation)
        {
            case "GetUser":
                return Named() is { } user ? Query(call, "GetUser", $"<User>{UserXml(user)}</User>") : noUser;
            case "GetAccountAuthorizationDetails":
                var members = _users.Where(u => u.Key.Account == caller.Account).Select(u => $"<member>{UserXml(u.Value)}</member>");
                return Query(call, "GetAccountAuthorizationDetails", $"<UserDetailList>{string.Concat(members)}</UserDetailList><IsTruncated>false</IsTruncated>");
            case "GetGroup":
                return Error(call, HttpStatusCode.NotFound, "NoSuchEntity", $"The group with name {call.Parameter("GroupName")} cannot be found.");
            case "ListAccessKeys":
                return Named() is { } owner
                    ? Query(call, "ListAccessKeys", $"<AccessKeyMetadata>{string.Concat(owner.Keys.Select(k => $"<member><UserName>{owner.Name}</UserName><AccessKeyId>{k.Id}</AccessKeyId><Status>{(k.Active ? "Active" : "Inactive")}</Status><CreateDate>{Stamp(k.Created)}</CreateDate></member>"))}</AccessKeyMetadata><IsTruncated>false</IsTruncated>")
                    : noUser;
            case "CreateAccessKey":
                if (Named() is not { } holder)
                {
                    return noUser;
                }

                if (holder.Keys.Count >= 2)
                {
                    return Error(call, HttpStatusCode.Conflict, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
                }

                var key = NewKey(caller.Account, holder);
                return Query(call, "CreateAccessKey", $"<AccessKey><UserName>{holder.Name}</UserName><AccessKeyId>{key.Id}</AccessKeyId><Status>Active</Status><SecretAccessKey>{key.Secret}</SecretAccessKey><CreateDate>{Stamp(key.Created)}</CreateDate></AccessKey>");
            case "UpdateAccessKey" when Named() is { } keyOwner && KeyOf(keyOwner) is { } updated:
                updated.Active = call.Parameter("Status") == "Active";
                return Query(call, "UpdateAccessKey", null);
            case "DeleteAccessKey" when Named() is { } keyHolder && KeyOf(keyHolder) is { } deleted:
                keyHolder.Keys.Remove(deleted);
                _keys.Remove(deleted.Id);
                _principals.Remove(deleted.Id);
                return Query(call, "DeleteAccessKey", null);
            case "GetAccessKeyLastUsed" when call.Parameter("AccessKeyId") is { } id && _keys.TryGetValue(id, out var asked):
                var used = asked.LastUsed is { } last
                    ? $"<LastUsedDate>{Stamp(last.At)}</LastUsedDate><ServiceName>{last.Service}</ServiceName><Region>{last.Region}</Region>"
                    : "<ServiceName>N/A</ServiceName><Region>N/A</Region>";
                return Query(call, "GetAccessKeyLastUsed", $"<UserName>{asked.User.Name}</UserName><AccessKeyLastUsed>{used}</AccessKeyLastUsed>");
            default:
                return Error(call, HttpStatusCode.NotFound, "NoSuchEntity", $"{call.Operation}: no such user or access key");
        }
    }

    private HttpResponseMessage SecretsManager(AwsCall call, Caller caller)
    {
        var body = JsonNode.Parse(call.Body.Length == 0 ? "{}"u8.ToArray() : call.Body)!.AsObject();
        string? Text(string name) => body[name]?.GetValue<string>();
        if (call.Operation == "ListSecrets")
        {
            var prefix = body["Filters"]?.AsArray().FirstOrDefault(f => f!["Key"]!.GetValue<string>() == "name")?["Values"]![0]!.GetValue<string>() ?? "";
            var list = _secrets.Where(s => s.Key.Account == caller.Account && s.Key.Region == caller.Region && s.Key.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(s => Described(s.Value, "SecretVersionsToStages"));
            return Json(call, new JsonObject { ["SecretList"] = new JsonArray([.. list]) });
        }

        if (call.Operation == "CreateSecret")
        {
            var name = Text("Name")!;
            if (_secrets.ContainsKey((caller.Account, caller.Region, name)))
            {
                return Error(call, HttpStatusCode.BadRequest, "ResourceExistsException", $"The operation failed because the secret {name} already exists.");
            }

            var created = new Secret($"arn:aws:secretsmanager:{caller.Region}:{caller.Account}:secret:{name}-{Id(6)}", name);
            foreach (var tag in body["Tags"]?.AsArray() ?? [])
            {
                created.Tags[tag!["Key"]!.GetValue<string>()] = tag["Value"]!.GetValue<string>();
            }

            _secrets[(caller.Account, caller.Region, name)] = created;
            if (Text("SecretString") is { } first)
            {
                created.Put(Text("ClientRequestToken") ?? Guid.NewGuid().ToString(), first, [], clock.GetUtcNow());
            }

            return Json(call, new JsonObject { ["ARN"] = created.Arn, ["Name"] = name });
        }

        var id = Text("SecretId")!;
        // By name in the caller's account and region; by ARN from any account (a resource policy decides on AWS).
        var secret = _secrets.FirstOrDefault(s => s.Value.Arn == id || (s.Key.Account == caller.Account && s.Key.Region == caller.Region && s.Value.Name == id)).Value;
        if (secret is null)
        {
            return Error(call, HttpStatusCode.BadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }

        var named = new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name };
        switch (call.Operation)
        {
            case "DescribeSecret":
                return Json(call, Described(secret, "VersionIdsToStages"));
            case "GetSecretValue":
                var version = Text("VersionId") is { } versionId
                    ? secret.Versions.GetValueOrDefault(versionId)
                    : secret.Versions.Values.FirstOrDefault(v => v.Stages.Contains(Text("VersionStage") ?? "AWSCURRENT"));
                return version?.Value is null
                    ? Error(call, HttpStatusCode.BadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value.")
                    : Json(call, new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["VersionId"] = version.Id, ["SecretString"] = version.Value, ["VersionStages"] = new JsonArray([.. version.Stages.Select(s => (JsonNode)s)]), ["CreatedDate"] = version.Created.ToUnixTimeMilliseconds() / 1000.0 });
            case "PutSecretValue":
                var token = Text("ClientRequestToken")!;
                var value = Text("SecretString")!;
                if (secret.Versions.TryGetValue(token, out var existing) && existing.Value is not null)
                {
                    return existing.Value == value
                        ? Json(call, named)
                        : Error(call, HttpStatusCode.BadRequest, "ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
                }

                secret.Put(token, value, [.. (body["VersionStages"]?.AsArray() ?? []).Select(s => s!.GetValue<string>())], clock.GetUtcNow());
                secret.LastRotated = clock.GetUtcNow();
                return Json(call, named);
            case "RotateSecret":
                secret.RotationDays = body["RotationRules"]!["AutomaticallyAfterDays"]!.GetValue<int>();
                secret.LastRotated = secret.LastRotated == default ? clock.GetUtcNow() : secret.LastRotated;
                return Json(call, named);
            case "UpdateSecretVersionStage":
                var stage = Text("VersionStage")!;
                var holder = secret.Versions.Values.FirstOrDefault(v => v.Stages.Contains(stage));
                if (holder is not null && holder.Id != Text("MoveToVersionId") && holder.Id != Text("RemoveFromVersionId"))
                {
                    return Error(call, HttpStatusCode.BadRequest, "InvalidParameterException", $"The staging label {stage} is attached to version {holder.Id}: name it in RemoveFromVersionId.");
                }

                secret.Move(stage, Text("MoveToVersionId"));
                return Json(call, named);
            case "PutResourcePolicy":
                secret.Policy = Text("ResourcePolicy");
                return Json(call, named);
            case "GetResourcePolicy":
                named["ResourcePolicy"] = secret.Policy;
                return Json(call, named);
            case "TagResource":
                foreach (var tag in body["Tags"]?.AsArray() ?? [])
                {
                    secret.Tags[tag!["Key"]!.GetValue<string>()] = tag["Value"]!.GetValue<string>();
                }

                return Json(call, new JsonObject());
            default:
                return Error(call, HttpStatusCode.BadRequest, "InvalidRequestException", $"{call.Operation} is not simulated");
        }
    }

    /// <summary>PutParameter (Overwrite: a new version), AddTagsToResource, GetParameter (decrypted: SecureString is not modelled).</summary>
    private HttpResponseMessage Ssm(AwsCall call, Caller caller)
    {
        var body = JsonNode.Parse(call.Body.Length == 0 ? "{}"u8.ToArray() : call.Body)!.AsObject();
        var name = (body["Name"] ?? body["ResourceId"])!.GetValue<string>();
        var key = (caller.Account, caller.Region, name);
        var parameter = _parameters.GetValueOrDefault(key);
        switch (call.Operation)
        {
            case "PutParameter":
                parameter ??= _parameters[key] = new Parameter();
                parameter.Value = body["Value"]!.GetValue<string>();
                parameter.Version++;
                return Json(call, new JsonObject { ["Version"] = parameter.Version, ["Tier"] = "Standard" });
            case "AddTagsToResource" when parameter is not null:
                foreach (var tag in body["Tags"]!.AsArray())
                {
                    parameter.Tags[tag!["Key"]!.GetValue<string>()] = tag["Value"]!.GetValue<string>();
                }

                return Json(call, new JsonObject());
            case "GetParameter" when parameter is not null:
                return Json(call, new JsonObject { ["Parameter"] = new JsonObject { ["Name"] = name, ["Type"] = "SecureString", ["Value"] = parameter.Value, ["Version"] = parameter.Version } });
            default:
                return Error(call, HttpStatusCode.BadRequest, parameter is null ? "ParameterNotFound" : "InvalidAction", $"{call.Operation} of {name}: no such parameter, or not simulated");
        }
    }

    private HttpResponseMessage Sqs(AwsCall call)
    {
        var body = JsonNode.Parse(call.Body.Length == 0 ? "{}"u8.ToArray() : call.Body)!.AsObject();
        var url = body["QueueUrl"]?.GetValue<string>() ?? "";
        if (!_queues.TryGetValue(url, out var queue))
        {
            return Error(call, HttpStatusCode.BadRequest, "QueueDoesNotExist", $"The specified queue {url} does not exist.");
        }

        var now = clock.GetUtcNow();
        static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
        IEnumerable<JsonObject> Items(string name) => (body[name]?.AsArray() ?? []).Select(e => e!.AsObject());
        switch (call.Operation)
        {
            case "SendMessage":
                var sent = queue.Send(body["MessageBody"]!.GetValue<string>(), now.AddSeconds(body["DelaySeconds"]?.GetValue<int>() ?? 0));
                return Json(call, new JsonObject { ["MessageId"] = sent.Id, ["MD5OfMessageBody"] = Md5(sent.Body) });
            case "SendMessageBatch":
                var successful = Items("Entries").Select(e => (JsonNode)new JsonObject
                {
                    ["Id"] = e["Id"]!.GetValue<string>(),
                    ["MessageId"] = queue.Send(e["MessageBody"]!.GetValue<string>(), now.AddSeconds(e["DelaySeconds"]?.GetValue<int>() ?? 0)).Id,
                    ["MD5OfMessageBody"] = Md5(e["MessageBody"]!.GetValue<string>()),
                });
                return Json(call, new JsonObject { ["Successful"] = new JsonArray([.. successful]), ["Failed"] = new JsonArray() });
            case "ReceiveMessage":
                var received = queue.Receive(now, body["MaxNumberOfMessages"]?.GetValue<int>() ?? 1, TimeSpan.FromSeconds(body["VisibilityTimeout"]?.GetValue<int>() ?? 30));
                return Json(call, new JsonObject { ["Messages"] = new JsonArray([.. received.Select(m => (JsonNode)new JsonObject { ["MessageId"] = m.Id, ["ReceiptHandle"] = m.Handle, ["MD5OfBody"] = Md5(m.Body), ["Body"] = m.Body })]) });
            case "DeleteMessageBatch":
                var deleted = Items("Entries").Select(e => (Id: e["Id"]!.GetValue<string>(), Handle: e["ReceiptHandle"]!.GetValue<string>())).ToList();
                queue.Messages.RemoveAll(m => deleted.Any(d => d.Handle == m.Handle));
                return Json(call, new JsonObject { ["Successful"] = new JsonArray([.. deleted.Select(d => (JsonNode)new JsonObject { ["Id"] = d.Id })]), ["Failed"] = new JsonArray() });
            case "ChangeMessageVisibilityBatch":
                var changed = Items("Entries").Select(e => (Id: e["Id"]!.GetValue<string>(), Handle: e["ReceiptHandle"]!.GetValue<string>(), Seconds: e["VisibilityTimeout"]?.GetValue<int>() ?? 0)).ToList();
                foreach (var change in changed)
                {
                    queue.Messages.Where(m => m.Handle == change.Handle).ToList().ForEach(m => m.VisibleAt = now.AddSeconds(change.Seconds));
                }

                return Json(call, new JsonObject { ["Successful"] = new JsonArray([.. changed.Select(c => (JsonNode)new JsonObject { ["Id"] = c.Id })]), ["Failed"] = new JsonArray() });
            case "GetQueueAttributes":
                string Count(Func<QueuedMessage, bool> which) => queue.Messages.Count(which).ToString(CultureInfo.InvariantCulture);
                return Json(call, new JsonObject
                {
                    ["Attributes"] = new JsonObject
                    {
                        ["ApproximateNumberOfMessages"] = Count(m => m.VisibleAt <= now && m.Handle is null),
                        ["ApproximateNumberOfMessagesNotVisible"] = Count(m => m.Handle is not null && m.VisibleAt > now),
                        ["ApproximateNumberOfMessagesDelayed"] = Count(m => m.Handle is null && m.VisibleAt > now),
                    },
                });
            default:
                return Error(call, HttpStatusCode.BadRequest, "InvalidAction", $"{call.Operation} is not simulated");
        }
    }

    private static IEnumerable<string> Entries(AwsCall call)
    {
        for (var i = 1; call.Parameter($"PublishBatchRequestEntries.member.{i}.Id") is { } id; i++)
        {
            yield return id;
        }
    }

    private static JsonObject Described(Secret secret, string stagesName) => new()
    {
        ["ARN"] = secret.Arn,
        ["Name"] = secret.Name,
        ["Tags"] = new JsonArray([.. secret.Tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value })]),
        [stagesName] = new JsonObject(secret.Versions.Values.Where(v => v.Stages.Count > 0).Select(v => KeyValuePair.Create(v.Id, (JsonNode?)new JsonArray([.. v.Stages.Select(s => (JsonNode)s)])))),
    };

    private static string UserXml(IamUser user) =>
        $"<Path>/</Path><UserName>{user.Name}</UserName><UserId>{user.UserId}</UserId><Arn>{X(user.Arn)}</Arn><CreateDate>{Stamp(user.Created)}</CreateDate><Tags/>";

    private static HttpResponseMessage Query(AwsCall call, string action, string? result)
    {
        var ns = call.Service switch
        {
            "iam" => "https://iam.amazonaws.com/doc/2010-05-08/",
            "sts" => "https://sts.amazonaws.com/doc/2011-06-15/",
            _ => "http://sns.amazonaws.com/doc/2010-03-31/",
        };
        var inner = result is null ? "" : $"<{action}Result>{result}</{action}Result>";
        var xml = $"<{action}Response xmlns=\"{ns}\">{inner}<ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></{action}Response>";
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") };
    }

    private static HttpResponseMessage Json(AwsCall call, JsonObject body)
    {
        var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(call.JsonContentType);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static HttpResponseMessage Error(AwsCall call, HttpStatusCode status, string code, string message) => AwsErrorResponses.Create(call, status, code, message);

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string X(string text) => SecurityElement.Escape(text);

    private sealed record Caller(string Account, string Arn, string UserId, string Region);

    private sealed class IamUser(string name, string userId, string arn, DateTimeOffset created)
    {
        public string Name => name;

        public string UserId => userId;

        public string Arn => arn;

        public DateTimeOffset Created => created;

        public List<AccessKey> Keys { get; } = [];
    }

    private sealed class AccessKey(string id, string secret, IamUser user)
    {
        public string Id => id;

        public string Secret => secret;

        public IamUser User => user;

        public DateTimeOffset Created { get; init; }

        public bool Active { get; set; } = true;

        public (DateTimeOffset At, string Service, string Region)? LastUsed { get; set; }
    }

    private sealed class Secret(string arn, string name)
    {
        public string Arn => arn;

        public string Name => name;

        public string? Policy { get; set; }

        /// <summary>RotateSecret's AutomaticallyAfterDays; null: no schedule.</summary>
        public int? RotationDays { get; set; }

        public DateTimeOffset LastRotated { get; set; }

        /// <summary>The token of a scheduled rotation that has not finished.</summary>
        public string? RotationToken { get; set; }

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SecretVersion> Versions { get; } = new(StringComparer.Ordinal);

        /// <summary>A new version: the first one is AWSCURRENT whatever was asked; each stage named moves to it.</summary>
        public void Put(string token, string value, List<string> stages, DateTimeOffset at)
        {
            var first = Versions.Values.All(v => v.Value is null);
            // A rotation fills the empty version Secrets Manager made for its token, keeping its label.
            var version = new SecretVersion(token, value, at);
            version.Stages.AddRange(Versions.GetValueOrDefault(token)?.Stages ?? []);
            Versions[token] = version;
            List<string> labels = first && !stages.Contains("AWSCURRENT") ? [.. stages, "AWSCURRENT"] : stages.Count == 0 ? ["AWSCURRENT"] : stages;
            foreach (var stage in labels)
            {
                Move(stage, token);
            }
        }

        /// <summary>Moves a staging label; moving AWSCURRENT gives AWSPREVIOUS to the version it left, as Secrets Manager does.</summary>
        public void Move(string stage, string? to)
        {
            var from = Versions.Values.FirstOrDefault(v => v.Stages.Contains(stage));
            from?.Stages.Remove(stage);
            if (to is not null)
            {
                Versions[to].Stages.Add(stage);
            }

            if (stage == "AWSCURRENT" && from is not null && from.Id != to)
            {
                Move("AWSPREVIOUS", from.Id);
            }
        }
    }

    private sealed class Parameter
    {
        public string Value { get; set; } = "";

        public long Version { get; set; }

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A version; <see cref="Value"/> null for the one Secrets Manager makes before a rotation's createSecret.</summary>
    private sealed record SecretVersion(string Id, string? Value, DateTimeOffset Created)
    {
        public List<string> Stages { get; } = [];
    }

    private sealed class QueuedMessage(string id, string body, DateTimeOffset visibleAt)
    {
        public string Id => id;

        public string Body => body;

        public DateTimeOffset VisibleAt { get; set; } = visibleAt;

        public string? Handle { get; set; }
    }

    private sealed class Queue
    {
        public List<QueuedMessage> Messages { get; } = [];

        public QueuedMessage Send(string body, DateTimeOffset visibleAt)
        {
            var message = new QueuedMessage(Guid.NewGuid().ToString(), body, visibleAt);
            Messages.Add(message);
            return message;
        }

        public List<QueuedMessage> Receive(DateTimeOffset now, int max, TimeSpan visibility)
        {
            var visible = Messages.Where(m => m.VisibleAt <= now).Take(max).ToList();
            foreach (var message in visible)
            {
                message.Handle = Guid.NewGuid().ToString("N");
                message.VisibleAt = now + visibility;
            }

            return visible;
        }
    }

    private sealed class Handler(InMemoryAws aws) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = await AwsCall.ReadAsync(request, aws.Clock, new AccountDirectory(), cancellationToken);
            return aws.Answer(call);
        }
    }
}
