using System.Text.Json;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests;

/// <summary>
/// Contract C4: <see cref="AwsOperations.All"/> is exactly what the clients call. Every member of every port is
/// driven once against moto and every request recorded below the signer (retries and SDK calls included).
/// </summary>
[Trait("Category", "Integration")]
public class AwsOperationsTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly Type[] Ports =
        [typeof(IIamClient), typeof(ISecretsManagerClient), typeof(IParameterStoreClient), typeof(ISnsClient), typeof(IOrganizationsClient), typeof(IStsClient), typeof(IWorkQueueClient), typeof(IAccountSessionFactory)];

    /// <summary>The port members <see cref="EveryPortMember_DrivenOnMoto_CallsExactlyTheCatalogue"/> drives; a new member must be added there.</summary>
    private static readonly string[] Driven =
    [
        "IIamClient.ListUsersAsync", "IIamClient.GetUserAsync", "IIamClient.ListUsersWithTagsAsync", "IIamClient.GetGroupMembersAsync", "IIamClient.ListAccessKeysAsync",
        "IIamClient.CreateAccessKeyAsync", "IIamClient.UpdateAccessKeyAsync", "IIamClient.DeleteAccessKeyAsync", "IIamClient.GetAccessKeyLastUsedAsync",
        "ISecretsManagerClient.CreateSecretAsync", "ISecretsManagerClient.DescribeSecretAsync", "ISecretsManagerClient.GetSecretValueAsync",
        "ISecretsManagerClient.PutSecretValueAsync", "ISecretsManagerClient.UpdateSecretVersionStageAsync", "ISecretsManagerClient.PutResourcePolicyAsync",
        "ISecretsManagerClient.GetResourcePolicyAsync", "ISecretsManagerClient.TagResourceAsync", "ISecretsManagerClient.ListSecretsAsync",
        "ISecretsManagerClient.RotateSecretAsync", "IParameterStoreClient.PutSecureStringAsync", "IParameterStoreClient.AddTagsAsync", "ISnsClient.PublishBatchAsync", "IOrganizationsClient.ListAccountsAsync",
        "IOrganizationsClient.ListAccountsForParentAsync", "IOrganizationsClient.ListChildrenAsync", "IStsClient.GetCallerIdentityAsync",
        "IWorkQueueClient.SendBatchAsync", "IWorkQueueClient.SendAsync", "IWorkQueueClient.ReceiveAsync", "IWorkQueueClient.DeleteBatchAsync",
        "IWorkQueueClient.ChangeVisibilityBatchAsync", "IWorkQueueClient.GetDepthAsync", "IAccountSessionFactory.OpenAsync",
        "IAccountSessionFactory.CentralRotatorRefusalAsync",
    ];

    [Fact]
    public void All_Entries_UniqueAndOfTheKnownServices()
    {
        Assert.Equal(AwsOperations.All.Count, AwsOperations.All.Select(o => (o.Service, o.Action)).Distinct().Count());
        Assert.All(AwsOperations.All, o => Assert.Contains(o.Service, new[] { "iam", "secretsmanager", "ssm", "sns", "organizations", "sts", "sqs" }));
        Assert.Equal("sns:Publish", AwsOperations.All.Single(o => o.Action == "PublishBatch").IamAction);
        Assert.Equal("sqs:DeleteMessage", AwsOperations.All.Single(o => o.Action == "DeleteMessageBatch").IamAction);
        Assert.Equal("sqs:ChangeMessageVisibility", AwsOperations.All.Single(o => o.Action == "ChangeMessageVisibilityBatch").IamAction);
        Assert.Equal("iam:CreateAccessKey", AwsOperations.All.Single(o => o.Action == "CreateAccessKey").IamAction);
    }

    [Fact]
    public void Ports_Members_AreTheOnesTheCatalogueTestDrives() =>
        Assert.Equal(Driven.Order(StringComparer.Ordinal), Ports.SelectMany(p => p.GetMethods().Select(m => $"{p.Name}.{m.Name}")).Order(StringComparer.Ordinal));

    [Fact]
    public async Task EveryPortMember_DrivenOnMoto_CallsExactlyTheCatalogue()
    {
        var admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);
        await admin.OrganizationsAsync("CreateOrganization", """{"FeatureSet":"ALL"}""");
        var root = (await admin.OrganizationsAsync("ListRoots", "{}")).GetProperty("Roots")[0].GetProperty("Id").GetString()!;
        var user = "op-" + Guid.NewGuid().ToString("N")[..12];
        await admin.CreateUserAsync(user);
        await admin.IamAsync("CreateGroup", ("GroupName", user + "-g"));
        var topic = await admin.CreateTopicAsync(user);
        var queue = (await admin.SqsAsync("CreateQueue", JsonSerializer.Serialize(new { QueueName = user }))).GetProperty("QueueUrl").GetString()!;
        var counter = new CallCountingHandler();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => counter);

        await clients.Organizations.ListAccountsAsync(default).ToListAsync();
        await clients.Organizations.ListAccountsForParentAsync(root, default).ToListAsync();
        await clients.Organizations.ListChildrenAsync(root, OrgChildType.OrganizationalUnit, default).ToListAsync();
        var session = await clients.Accounts.OpenAsync(MotoAdmin.DefaultAccount, "sweep-catalogue", default);

        var iam = session.Iam;
        await iam.ListUsersAsync("/", default).ToListAsync();
        await iam.GetUserAsync(user, default);
        await iam.ListUsersWithTagsAsync(default).ToListAsync();
        await iam.GetGroupMembersAsync(user + "-g", default);
        var key = await iam.CreateAccessKeyAsync(user, default);
        await iam.ListAccessKeysAsync(user, default);
        await clients.Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, default);
        await iam.GetAccessKeyLastUsedAsync(key.AccessKeyId, default);
        await iam.UpdateAccessKeyAsync(user, key.AccessKeyId, AccessKeyStatus.Inactive, default);
        await iam.DeleteAccessKeyAsync(user, key.AccessKeyId, default);

        var secrets = session.Secrets;
        var name = "iam-key-rotation/catalogue/" + user;
        var token = Guid.NewGuid().ToString();
        await secrets.CreateSecretAsync(new CreateSecretRequest(name, null, null, new Dictionary<string, string> { ["a"] = "b" }), default);
        await secrets.PutResourcePolicyAsync(name, """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}""", default);
        await secrets.GetResourcePolicyAsync(name, default);
        await secrets.TagResourceAsync(name, new Dictionary<string, string> { ["c"] = "d" }, default);
        await secrets.PutSecretValueAsync(name, token, new SensitiveString("v1"), [SecretStages.Current], default);
        var next = Guid.NewGuid().ToString();
        await secrets.PutSecretValueAsync(name, next, new SensitiveString("v2"), [SecretStages.Pending], default);
        await secrets.UpdateSecretVersionStageAsync(name, SecretStages.Current, next, token, default);
        await secrets.GetSecretValueAsync(name, null, SecretStages.Current, default);
        await secrets.DescribeSecretAsync(name, default);
        await secrets.ListSecretsAsync("iam-key-rotation/catalogue/", default).ToListAsync();

        // moto runs the rotation function in a container and refuses an unknown one; the request is what counts here.
        await Assert.ThrowsAsync<AwsServiceException>(() => secrets.RotateSecretAsync(name, "arn:aws:lambda:us-east-1:123456789012:function:rotator", 90, rotateImmediately: false, default));

        await session.Parameters.PutSecureStringAsync("/iam-key-rotation/catalogue/" + user, new SensitiveString("v"), null, default);
        await session.Parameters.AddTagsAsync("/iam-key-rotation/catalogue/" + user, new Dictionary<string, string> { ["e"] = "f" }, default);

        await clients.Sns.PublishBatchAsync(topic, [new SnsMessage("m1", "s", "b", new Dictionary<string, string>())], default);
        await clients.WorkQueue.SendBatchAsync(queue, [("w1", "{}")], default);
        await clients.WorkQueue.SendAsync(queue, "{}", TimeSpan.Zero, default);
        var received = await clients.WorkQueue.ReceiveAsync(queue, TimeSpan.FromSeconds(30), TimeSpan.Zero, default);
        await clients.WorkQueue.ChangeVisibilityBatchAsync(queue, received.Select(m => m.ReceiptHandle).ToList(), TimeSpan.Zero, default);
        await clients.WorkQueue.DeleteBatchAsync(queue, received.Select(m => m.ReceiptHandle).ToList(), default);
        await clients.WorkQueue.GetDepthAsync(queue, default);
        // Who the host is matters only with central secrets: GetCallerIdentity, already in the catalogue.
        await MotoAdmin.Clients(moto.Endpoint, () => counter, secretLocation: SecretLocation.Central).Accounts.CentralRotatorRefusalAsync(default);

        var called = counter.Calls.Select(c => (c.Service, Action: c.Operation)).Distinct().ToList();
        var listed = AwsOperations.All.Select(o => (o.Service, o.Action)).ToList();
        Assert.Empty(called.Except(listed));
        Assert.Empty(listed.Except(called));
    }
}
