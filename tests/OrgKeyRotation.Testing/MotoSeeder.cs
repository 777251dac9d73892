using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace OrgKeyRotation.Testing;

/// <summary>
/// Arranges state in moto for tests: organizations, accounts, users, groups, keys, topics, queues. It speaks raw HTTP
/// on purpose: the product's AWS layer has no CreateUser or CreateOrganization (the rotator must never need them),
/// and moto identifies the account from the access key id alone, so no signature is needed for arranging.
/// Every secret access key it creates is recorded in <see cref="SecretsSeen"/> for the secret scanner.
/// </summary>
public sealed class MotoSeeder(Uri endpoint)
{
    public const string DefaultAccount = "123456789012";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _accountKeys = new(StringComparer.Ordinal) { [DefaultAccount] = "testing" };

    /// <summary>Every secret access key and session token this seeder saw; none may ever appear in output.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> SecretsSeen { get; } = [];

    /// <summary>An access key id moto maps to <paramref name="accountId"/> (from an AssumeRole into it).</summary>
    public async Task<string> AccessKeyForAccountAsync(string accountId)
    {
        if (_accountKeys.TryGetValue(accountId, out var key))
        {
            return key;
        }

        var response = await QueryAsync(DefaultAccount, "sts", "AssumeRole", "2011-06-15", new()
        {
            ["RoleArn"] = $"arn:aws:iam::{accountId}:role/seeder",
            ["RoleSessionName"] = "seeder",
        });
        var credentials = response.Descendants().First(e => e.Name.LocalName == "Credentials");
        SecretsSeen.Add(Value(credentials, "SecretAccessKey"));
        SecretsSeen.Add(Value(credentials, "SessionToken"));
        key = Value(credentials, "AccessKeyId");
        _accountKeys[accountId] = key;
        return key;
    }

    /// <summary>
    /// A session of <paramref name="roleArn"/> (moto lets the default account assume any role): access key id, secret
    /// and token. Its caller ARN is arn:aws:sts::ACCOUNT:assumed-role/NAME/<paramref name="sessionName"/>.
    /// </summary>
    public async Task<(string AccessKeyId, string SecretAccessKey, string SessionToken)> AssumeRoleAsync(string roleArn, string sessionName)
    {
        var response = await QueryAsync(DefaultAccount, "sts", "AssumeRole", "2011-06-15", new()
        {
            ["RoleArn"] = roleArn,
            ["RoleSessionName"] = sessionName,
        });
        var credentials = response.Descendants().First(e => e.Name.LocalName == "Credentials");
        var (id, secret, token) = (Value(credentials, "AccessKeyId"), Value(credentials, "SecretAccessKey"), Value(credentials, "SessionToken"));
        SecretsSeen.Add(secret);
        SecretsSeen.Add(token);
        return (id, secret, token);
    }

    public async Task<string> CreateUserAsync(string accountId, string userName, string path = "/", IReadOnlyDictionary<string, string>? tags = null)
    {
        var parameters = new Dictionary<string, string> { ["UserName"] = userName, ["Path"] = path };
        var i = 1;
        foreach (var (k, v) in tags ?? new Dictionary<string, string>())
        {
            parameters[$"Tags.member.{i}.Key"] = k;
            parameters[$"Tags.member.{i}.Value"] = v;
            i++;
        }

        var response = await QueryAsync(accountId, "iam", "CreateUser", "2010-05-08", parameters);
        return Value(response, "Arn");
    }

    public async Task AddUserToGroupAsync(string accountId, string userName, string groupName)
    {
        try
        {
            await QueryAsync(accountId, "iam", "CreateGroup", "2010-05-08", new() { ["GroupName"] = groupName });
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("EntityAlreadyExists", StringComparison.Ordinal))
        {
            // Shared group.
        }

        await QueryAsync(accountId, "iam", "AddUserToGroup", "2010-05-08", new() { ["GroupName"] = groupName, ["UserName"] = userName });
    }

    /// <summary>Creates a key directly (as a person would). Returns the id and the secret (recorded as seen).</summary>
    public async Task<(string AccessKeyId, string SecretAccessKey)> CreateAccessKeyAsync(string accountId, string userName)
    {
        var response = await QueryAsync(accountId, "iam", "CreateAccessKey", "2010-05-08", new() { ["UserName"] = userName });
        var secret = Value(response, "SecretAccessKey");
        SecretsSeen.Add(secret);
        return (Value(response, "AccessKeyId"), secret);
    }

    public Task SetAccessKeyStatusAsync(string accountId, string userName, string accessKeyId, bool active) =>
        QueryAsync(accountId, "iam", "UpdateAccessKey", "2010-05-08", new() { ["UserName"] = userName, ["AccessKeyId"] = accessKeyId, ["Status"] = active ? "Active" : "Inactive" });

    public Task DeleteAccessKeyAsync(string accountId, string userName, string accessKeyId) =>
        QueryAsync(accountId, "iam", "DeleteAccessKey", "2010-05-08", new() { ["UserName"] = userName, ["AccessKeyId"] = accessKeyId });

    public async Task<IReadOnlyList<(string AccessKeyId, string Status)>> ListAccessKeysAsync(string accountId, string userName)
    {
        var response = await QueryAsync(accountId, "iam", "ListAccessKeys", "2010-05-08", new() { ["UserName"] = userName });
        return response.Descendants().Where(e => e.Name.LocalName == "member")
            .Select(m => (Value(m, "AccessKeyId"), Value(m, "Status"))).ToList();
    }

    /// <summary>sts:AssumeRole as the holder of <paramref name="accessKeyId"/>: the session's key, secret and token (the last two recorded as seen).</summary>
    public async Task<(string AccessKeyId, string SecretAccessKey, string SessionToken)> AssumeRoleAsync(string accessKeyId, string roleArn, string sessionName)
    {
        var response = await QueryWithKeyAsync(accessKeyId, "sts", "AssumeRole", "2011-06-15", new() { ["RoleArn"] = roleArn, ["RoleSessionName"] = sessionName });
        var credentials = response.Descendants().First(e => e.Name.LocalName == "Credentials");
        var (secret, token) = (Value(credentials, "SecretAccessKey"), Value(credentials, "SessionToken"));
        SecretsSeen.Add(secret);
        SecretsSeen.Add(token);
        return (Value(credentials, "AccessKeyId"), secret, token);
    }

    /// <summary>Signs a call with the key, as a consumer would, so GetAccessKeyLastUsed records a use.</summary>
    public Task UseKeyAsync(string accessKeyId) => QueryWithKeyAsync(accessKeyId, "sts", "GetCallerIdentity", "2011-06-15", []);

    public async Task<string> CreateOrganizationAsync()
    {
        var response = await JsonAsync(DefaultAccount, "organizations", "AWSOrganizationsV20161128.CreateOrganization", new() { ["FeatureSet"] = "ALL" });
        return response.GetProperty("Organization").GetProperty("Id").GetString()!;
    }

    public async Task<string> CreateAccountAsync(string name)
    {
        var response = await JsonAsync(DefaultAccount, "organizations", "AWSOrganizationsV20161128.CreateAccount", new() { ["AccountName"] = name, ["Email"] = $"{name}@example.com" });
        return response.GetProperty("CreateAccountStatus").GetProperty("AccountId").GetString()!;
    }

    public async Task<string> RootIdAsync()
    {
        var response = await JsonAsync(DefaultAccount, "organizations", "AWSOrganizationsV20161128.ListRoots", []);
        return response.GetProperty("Roots")[0].GetProperty("Id").GetString()!;
    }

    public async Task<string> CreateOuAsync(string parentId, string name)
    {
        var response = await JsonAsync(DefaultAccount, "organizations", "AWSOrganizationsV20161128.CreateOrganizationalUnit", new() { ["ParentId"] = parentId, ["Name"] = name });
        return response.GetProperty("OrganizationalUnit").GetProperty("Id").GetString()!;
    }

    public Task MoveAccountAsync(string accountId, string fromParentId, string toParentId) =>
        JsonAsync(DefaultAccount, "organizations", "AWSOrganizationsV20161128.MoveAccount", new() { ["AccountId"] = accountId, ["SourceParentId"] = fromParentId, ["DestinationParentId"] = toParentId });

    /// <summary>Creates a secret directly (e.g. a foreign one with a managed name).</summary>
    public async Task<string> CreateSecretAsync(string accountId, string name, string value)
    {
        var response = await JsonAsync(accountId, "secretsmanager", "secretsmanager.CreateSecret", new() { ["Name"] = name, ["SecretString"] = value });
        return response.GetProperty("ARN").GetString()!;
    }

    /// <summary>Schedules a secret for deletion after a recovery window, as a person might (its name stays taken until then).</summary>
    public Task DeleteSecretAsync(string accountId, string secretId, int recoveryWindowInDays = 7) =>
        JsonAsync(accountId, "secretsmanager", "secretsmanager.DeleteSecret", new() { ["SecretId"] = secretId, ["RecoveryWindowInDays"] = recoveryWindowInDays });

    public Task TagSecretAsync(string accountId, string secretId, IReadOnlyDictionary<string, string> tags) =>
        JsonAsync(accountId, "secretsmanager", "secretsmanager.TagResource", new()
        {
            ["SecretId"] = secretId,
            ["Tags"] = tags.Select(t => new Dictionary<string, string> { ["Key"] = t.Key, ["Value"] = t.Value }).ToList(),
        });

    public async Task<JsonElement> DescribeSecretAsync(string accountId, string secretId) =>
        await JsonAsync(accountId, "secretsmanager", "secretsmanager.DescribeSecret", new() { ["SecretId"] = secretId });

    /// <summary>The secret's AWSCURRENT value (tests only: the product never reads it back except to verify).</summary>
    public async Task<string?> CurrentSecretValueAsync(string accountId, string secretId, string stage = "AWSCURRENT")
    {
        try
        {
            var response = await JsonAsync(accountId, "secretsmanager", "secretsmanager.GetSecretValue", new() { ["SecretId"] = secretId, ["VersionStage"] = stage });
            return response.GetProperty("SecretString").GetString();
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("ResourceNotFound", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>Attaches a resource policy to a secret directly (e.g. a foreign principal's own policy on a pre-created secret).</summary>
    public Task PutResourcePolicyAsync(string accountId, string secretId, string policyJson) =>
        JsonAsync(accountId, "secretsmanager", "secretsmanager.PutResourcePolicy", new() { ["SecretId"] = secretId, ["ResourcePolicy"] = policyJson });

    public async Task<string?> GetResourcePolicyAsync(string accountId, string secretId)
    {
        var response = await JsonAsync(accountId, "secretsmanager", "secretsmanager.GetResourcePolicy", new() { ["SecretId"] = secretId });
        return response.TryGetProperty("ResourcePolicy", out var p) ? p.GetString() : null;
    }

    /// <summary>
    /// A Parameter Store parameter, decrypted (tests only: the product never reads one back): its value, type and KMS
    /// key; null when it does not exist. A secret access key in the value (alone, or in a key document) is registered
    /// with the scan.
    /// </summary>
    public async Task<(string Value, string Type, string? KeyId)?> ParameterAsync(string accountId, string name)
    {
        try
        {
            var parameter = (await JsonAsync(accountId, "ssm", "AmazonSSM.GetParameter", new() { ["Name"] = name, ["WithDecryption"] = true })).GetProperty("Parameter");
            var value = parameter.GetProperty("Value").GetString()!;
            if (value.StartsWith('{') && JsonDocument.Parse(value).RootElement.TryGetProperty("SecretAccessKey", out var secret))
            {
                SecretsSeen.Add(secret.GetString()!);
            }
            else if (!value.StartsWith("AKIA", StringComparison.Ordinal))
            {
                // A secret access key alone (format pair); an access key id is no secret.
                SecretsSeen.Add(value);
            }

            var described = await JsonAsync(accountId, "ssm", "AmazonSSM.DescribeParameters", new()
            {
                ["ParameterFilters"] = new[] { new Dictionary<string, object> { ["Key"] = "Name", ["Option"] = "Equals", ["Values"] = new[] { name } } },
            });
            var keyId = described.GetProperty("Parameters")[0].TryGetProperty("KeyId", out var k) ? k.GetString() : null;
            return (value, parameter.GetProperty("Type").GetString()!, keyId);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("ParameterNotFound", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>A parameter's tags.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ParameterTagsAsync(string accountId, string name)
    {
        var response = await JsonAsync(accountId, "ssm", "AmazonSSM.ListTagsForResource", new() { ["ResourceType"] = "Parameter", ["ResourceId"] = name });
        return response.GetProperty("TagList").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!, StringComparer.Ordinal);
    }

    /// <summary>A topic without subscriptions (publishing to it costs moto nothing that grows with the run).</summary>
    public async Task<string> CreateTopicAsync(string name) =>
        Value(await QueryAsync(DefaultAccount, "sns", "CreateTopic", "2010-03-31", new() { ["Name"] = name }), "TopicArn");

    /// <summary>An SNS topic with an SQS queue subscribed (raw delivery), so tests can read the alerts.</summary>
    public async Task<(string TopicArn, string QueueUrl)> CreateTopicWithQueueAsync(string name)
    {
        var topic = await CreateTopicAsync(name);
        var queueUrl = Value(await QueryAsync(DefaultAccount, "sqs", "CreateQueue", "2012-11-05", new() { ["QueueName"] = name + "-alerts" }), "QueueUrl");
        var queueArn = $"arn:aws:sqs:us-east-1:{DefaultAccount}:{name}-alerts";
        var subscription = Value(await QueryAsync(DefaultAccount, "sns", "Subscribe", "2010-03-31", new() { ["TopicArn"] = topic, ["Protocol"] = "sqs", ["Endpoint"] = queueArn }), "SubscriptionArn");
        await QueryAsync(DefaultAccount, "sns", "SetSubscriptionAttributes", "2010-03-31", new() { ["SubscriptionArn"] = subscription, ["AttributeName"] = "RawMessageDelivery", ["AttributeValue"] = "true" });
        return (topic, queueUrl);
    }

    /// <summary>
    /// A new SQS queue subscribed to <paramref name="topicArn"/> with raw delivery and, when given, a filter policy (on the
    /// message attributes, SNS's default scope): what that subscriber would receive lands in the queue.
    /// </summary>
    public async Task<string> SubscribeQueueAsync(string topicArn, string queueName, string? filterPolicy)
    {
        var queueUrl = await CreateQueueAsync(queueName);
        var subscription = Value(await QueryAsync(DefaultAccount, "sns", "Subscribe", "2010-03-31", new() { ["TopicArn"] = topicArn, ["Protocol"] = "sqs", ["Endpoint"] = $"arn:aws:sqs:us-east-1:{DefaultAccount}:{queueName}" }), "SubscriptionArn");
        await QueryAsync(DefaultAccount, "sns", "SetSubscriptionAttributes", "2010-03-31", new() { ["SubscriptionArn"] = subscription, ["AttributeName"] = "RawMessageDelivery", ["AttributeValue"] = "true" });
        if (filterPolicy is not null)
        {
            await QueryAsync(DefaultAccount, "sns", "SetSubscriptionAttributes", "2010-03-31", new() { ["SubscriptionArn"] = subscription, ["AttributeName"] = "FilterPolicy", ["AttributeValue"] = filterPolicy });
        }

        return queueUrl;
    }

    public Task SendMessageAsync(string queueUrl, string body) =>
        QueryAsync(DefaultAccount, "sqs", "SendMessage", "2012-11-05", new() { ["QueueUrl"] = queueUrl, ["MessageBody"] = body }, new Uri(queueUrl));

    public async Task<string> CreateQueueAsync(string name) =>
        Value(await QueryAsync(DefaultAccount, "sqs", "CreateQueue", "2012-11-05", new() { ["QueueName"] = name }), "QueueUrl");

    /// <summary>
    /// A queue whose messages SQS moves to a new dead-letter queue once received <paramref name="maxReceiveCount"/>
    /// times (its RedrivePolicy); returns both URLs.
    /// </summary>
    public async Task<(string QueueUrl, string DeadLetterQueueUrl)> CreateQueueWithDeadLetterQueueAsync(string name, int maxReceiveCount)
    {
        var deadLetter = await CreateQueueAsync(name + "-dlq");
        var redrive = $$"""{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:{{DefaultAccount}}:{{name}}-dlq","maxReceiveCount":"{{maxReceiveCount.ToString(CultureInfo.InvariantCulture)}}"}""";
        var queue = Value(await QueryAsync(DefaultAccount, "sqs", "CreateQueue", "2012-11-05", new() { ["QueueName"] = name, ["Attribute.1.Name"] = "RedrivePolicy", ["Attribute.1.Value"] = redrive }), "QueueUrl");
        return (queue, deadLetter);
    }

    /// <summary>One ReceiveMessage of up to <paramref name="max"/> messages, hidden for <paramref name="visibilityTimeout"/>, with their receive counts.</summary>
    public async Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveAsync(string queueUrl, int max, TimeSpan visibilityTimeout)
    {
        var response = await QueryAsync(DefaultAccount, "sqs", "ReceiveMessage", "2012-11-05", new()
        {
            ["QueueUrl"] = queueUrl,
            ["MaxNumberOfMessages"] = max.ToString(CultureInfo.InvariantCulture),
            ["AttributeName.1"] = "ApproximateReceiveCount",
            ["VisibilityTimeout"] = ((int)visibilityTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        }, new Uri(queueUrl));
        return response.Descendants().Where(e => e.Name.LocalName == "Message").Select(m => new ReceivedQueueMessage(
            Value(m, "MessageId"),
            Value(m, "ReceiptHandle"),
            Value(m, "Body"),
            int.Parse(m.Elements().Where(e => e.Name.LocalName == "Attribute").Single(a => Value(a, "Name") == "ApproximateReceiveCount").Elements().Single(e => e.Name.LocalName == "Value").Value, CultureInfo.InvariantCulture))).ToList();
    }

    public Task DeleteMessageAsync(string queueUrl, string receiptHandle) =>
        QueryAsync(DefaultAccount, "sqs", "DeleteMessage", "2012-11-05", new() { ["QueueUrl"] = queueUrl, ["ReceiptHandle"] = receiptHandle }, new Uri(queueUrl));

    public Task ChangeMessageVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout) =>
        QueryAsync(DefaultAccount, "sqs", "ChangeMessageVisibility", "2012-11-05", new() { ["QueueUrl"] = queueUrl, ["ReceiptHandle"] = receiptHandle, ["VisibilityTimeout"] = ((int)visibilityTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) }, new Uri(queueUrl));

    /// <summary>Drains a queue: every message body with its attributes.</summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAllAsync(string queueUrl)
    {
        var all = new List<QueueMessage>();
        while (true)
        {
            var response = await QueryAsync(DefaultAccount, "sqs", "ReceiveMessage", "2012-11-05", new()
            {
                ["QueueUrl"] = queueUrl,
                ["MaxNumberOfMessages"] = "10",
                ["MessageAttributeName.1"] = "All",
                ["VisibilityTimeout"] = "0",
            }, new Uri(queueUrl));
            var messages = response.Descendants().Where(e => e.Name.LocalName == "Message").ToList();
            if (messages.Count == 0)
            {
                return all;
            }

            foreach (var m in messages)
            {
                var attributes = m.Elements().Where(e => e.Name.LocalName == "MessageAttribute")
                    .ToDictionary(a => Value(a, "Name"), a => Value(a, "StringValue"), StringComparer.Ordinal);
                all.Add(new QueueMessage(Value(m, "Body"), attributes));
                await QueryAsync(DefaultAccount, "sqs", "DeleteMessage", "2012-11-05", new() { ["QueueUrl"] = queueUrl, ["ReceiptHandle"] = Value(m, "ReceiptHandle") }, new Uri(queueUrl));
            }
        }
    }

    /// <summary>Creates a role with the given trust policy; returns its ARN.</summary>
    public async Task<string> CreateRoleAsync(string accountId, string roleName, string trustPolicyJson)
    {
        var response = await QueryAsync(accountId, "iam", "CreateRole", "2010-05-08", new() { ["RoleName"] = roleName, ["AssumeRolePolicyDocument"] = trustPolicyJson });
        return Value(response, "Arn");
    }

    public Task PutRolePolicyAsync(string accountId, string roleName, string policyName, string policyJson) =>
        QueryAsync(accountId, "iam", "PutRolePolicy", "2010-05-08", new() { ["RoleName"] = roleName, ["PolicyName"] = policyName, ["PolicyDocument"] = policyJson });

    public Task PutUserPolicyAsync(string accountId, string userName, string policyName, string policyJson) =>
        QueryAsync(accountId, "iam", "PutUserPolicy", "2010-05-08", new() { ["UserName"] = userName, ["PolicyName"] = policyName, ["PolicyDocument"] = policyJson });

    private async Task<XElement> QueryAsync(string accountId, string service, string action, string version, Dictionary<string, string> parameters, Uri? url = null) =>
        await QueryWithKeyAsync(await AccessKeyForAccountAsync(accountId), service, action, version, parameters, url);

    private async Task<XElement> QueryWithKeyAsync(string accessKeyId, string service, string action, string version, Dictionary<string, string> parameters, Uri? url = null)
    {
        parameters["Action"] = action;
        parameters["Version"] = version;
        using var request = new HttpRequestMessage(HttpMethod.Post, url ?? endpoint) { Content = new FormUrlEncodedContent(parameters) };
        Authorize(request, accessKeyId, service);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"moto {service}:{action} failed ({(int)response.StatusCode}): {text}");
        }

        return XElement.Parse(text);
    }

    private async Task<JsonElement> JsonAsync(string accountId, string service, string target, Dictionary<string, object> body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", target);
        Authorize(request, await AccessKeyForAccountAsync(accountId), service);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"moto {target} failed ({(int)response.StatusCode}): {text}");
        }

        return JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
    }

    private static void Authorize(HttpRequestMessage request, string accessKeyId, string service)
    {
        var day = DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{day}/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0");
    }

    private static string Value(XElement parent, string name) =>
        parent.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? throw new InvalidOperationException($"moto response has no {name}: {parent}");
}

public sealed record QueueMessage(string Body, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A message as ReceiveMessage hands it out: to be deleted (or made visible again) with its receipt handle.</summary>
public sealed record ReceivedQueueMessage(string MessageId, string ReceiptHandle, string Body, int ReceiveCount);
