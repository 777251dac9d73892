using OrgKeyRotation.Core.Configuration;
using static OrgKeyRotation.Core.Tests.Configuration.ConfigExamples;

namespace OrgKeyRotation.Core.Tests.Configuration;

public class ConfigLoaderJsonTests
{
    private static readonly string Long65 = new('a', 65);
    private static readonly string Long129 = new('t', 129);
    private const string Results = "'resultsQueueUrl':'https://sqs.us-east-1.amazonaws.com/999999999999/r'";

    [Fact]
    public void FromJson_FullExample_IsValidAndEveryFieldLands()
    {
        var result = ConfigLoader.FromJson(Full);

        Assert.True(result.IsValid, result.Describe());
        var config = result.Config!;
        Assert.Equal("IAMKeyRotationRole", config.RoleName);
        Assert.Equal("optional-per-org", config.ExternalId);
        var (account, users) = Assert.Single(config.Accounts);
        Assert.Equal("111111111111", account);
        Assert.Equal(["user1", "user2"], users);
        Assert.False(config.Discovery.Organization);
        Assert.Empty(config.Discovery.IncludeOus);
        Assert.Empty(config.Discovery.ExcludeAccounts);
        Assert.Equal("/", config.Discovery.UserPath);
        Assert.Equal("key-rotation=enabled", config.Discovery.UserTag);
        Assert.Equal(new RotationPolicy { MaxKeyAgeDays = 90, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, OldKeyIdleDays = 7, MaxDeactivationDelayDays = 30 }, config.Policy);
        Assert.Equal("key-rotation-exempt", config.Exemptions.Group);
        Assert.Equal("key-rotation:exempt", config.Exemptions.Tag);
        Assert.Equal("iam-key-rotation/{accountId}/{userName}", config.Secrets.NameTemplate);
        Assert.Null(config.Secrets.KmsKeyId);
        Assert.Equal(SecretLocation.Member, config.Secrets.Location);
        Assert.Null(config.Secrets.RotationLambdaArn);
        Assert.Equal("arn:aws:sns:us-east-1:999999999999:iam-key-rotation-alerts", config.Alerts.SnsTopicArn);
        Assert.Equal("owner", config.Alerts.OwnerTag);
        Assert.False(config.DryRun);
        Assert.Equal(16, config.Concurrency.Accounts);
        Assert.Equal(4, config.Concurrency.UsersPerAccount);
        Assert.Null(config.WorkQueueUrl);
        Assert.Null(config.ResultsQueueUrl);
    }

    [Fact]
    public void FromJson_NonDefaultValues_EveryFieldLands()
    {
        var result = ConfigLoader.FromJson(Json("""
            {'roleName':'OrgRotator','externalId':'ext-123','accounts':{'111111111111':['a'],'222222222222':['b','c']},
             'discovery':{'organization':true,'includeOus':['ou-ab12-abcdefgh','r-ab12'],'excludeAccounts':['333333333333'],'userPath':'/svc/','userTag':'rotate'},
             'policy':{'maxKeyAgeDays':30,'deactivateAfterDays':3,'deleteAfterDays':10,'requireOldKeyUnused':false,'oldKeyIdleDays':2,'maxDeactivationDelayDays':0},
             'exemptions':{'group':null,'tag':null},
             'secrets':{'nameTemplate':'keys/{accountId}/{userName}','kmsKeyId':'alias/rotation','location':'central',
                        'rotationLambdaArn':'arn:aws:lambda:us-east-1:999999999999:function:key-rotation','rotatorArn':'arn:aws:iam::999999999999:role/service/key-rotation-lambda'},
             'alerts':{'snsTopicArn':null,'ownerTag':'team'},'dryRun':true,'concurrency':{'accounts':256,'usersPerAccount':32},
             'workQueueUrl':'https://sqs.us-east-1.amazonaws.com/999999999999/key-rotation',
             'resultsQueueUrl':'https://sqs.us-east-1.amazonaws.com/999999999999/key-rotation-results'}
            """));

        Assert.True(result.IsValid, result.Describe());
        var c = result.Config!;
        Assert.Equal("OrgRotator", c.RoleName);
        Assert.Equal("ext-123", c.ExternalId);
        Assert.Equal(["b", "c"], c.Accounts["222222222222"]);
        Assert.True(c.Discovery.Organization);
        Assert.Equal(["ou-ab12-abcdefgh", "r-ab12"], c.Discovery.IncludeOus);
        Assert.Equal(["333333333333"], c.Discovery.ExcludeAccounts);
        Assert.Equal("/svc/", c.Discovery.UserPath);
        Assert.Equal("rotate", c.Discovery.UserTag);
        Assert.Equal(new RotationPolicy { MaxKeyAgeDays = 30, DeactivateAfterDays = 3, DeleteAfterDays = 10, RequireOldKeyUnused = false, OldKeyIdleDays = 2, MaxDeactivationDelayDays = 0 }, c.Policy);
        Assert.Null(c.Exemptions.Group);
        Assert.Null(c.Exemptions.Tag);
        Assert.Equal("alias/rotation", c.Secrets.KmsKeyId);
        Assert.Equal(SecretLocation.Central, c.Secrets.Location);
        Assert.Equal("arn:aws:lambda:us-east-1:999999999999:function:key-rotation", c.Secrets.RotationLambdaArn);
        Assert.Equal("arn:aws:iam::999999999999:role/service/key-rotation-lambda", c.Secrets.RotatorArn);
        Assert.Null(c.Alerts.SnsTopicArn);
        Assert.Equal("team", c.Alerts.OwnerTag);
        Assert.True(c.DryRun);
        Assert.Equal(new ConcurrencyConfig { Accounts = 256, UsersPerAccount = 32 }, c.Concurrency);
        Assert.Equal("https://sqs.us-east-1.amazonaws.com/999999999999/key-rotation", c.WorkQueueUrl);
        Assert.Equal("https://sqs.us-east-1.amazonaws.com/999999999999/key-rotation-results", c.ResultsQueueUrl);
    }

    [Fact]
    public void FromJson_OnlyAccounts_KeepsDocumentedDefaults()
    {
        var result = ConfigLoader.FromJson(Minimal());

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(new RotationConfig().Policy, result.Config!.Policy);
        Assert.Equal("IAMKeyRotationRole", result.Config.RoleName);
        Assert.Equal("key-rotation-exempt", result.Config.Exemptions.Group);
        Assert.Equal("key-rotation:exempt", result.Config.Exemptions.Tag);
        Assert.Equal("iam-key-rotation/{accountId}/{userName}", result.Config.Secrets.NameTemplate);
        Assert.Equal(SecretLocation.Member, result.Config.Secrets.Location);
        Assert.Equal(new ConcurrencyConfig { Accounts = 16, UsersPerAccount = 4 }, result.Config.Concurrency);
        Assert.Null(result.Config.Alerts.SnsTopicArn);
        Assert.Equal("owner", result.Config.Alerts.OwnerTag);
        Assert.Equal(7, result.Config.Policy.OldKeyIdleDays);
        Assert.Null(result.Config.Secrets.RotationLambdaArn);
        Assert.Null(result.Config.ResultsQueueUrl);
    }

    public static TheoryData<string> ValidEdgeCases => new()
    {
        Minimal("'policy':{'maxKeyAgeDays':0}"),
        Minimal("'policy':{'maxKeyAgeDays':3650}"),
        Minimal("'policy':{'deactivateAfterDays':365,'deleteAfterDays':365,'maxDeactivationDelayDays':365,'warnDaysBeforeForced':0}"),
        Minimal("'policy':{'deactivateAfterDays':60,'maxDeactivationDelayDays':0}"),
        Minimal("'policy':{'deactivateAfterDays':30,'maxDeactivationDelayDays':30,'warnDaysBeforeForced':0}"),
        Minimal("'policy':{'deactivateAfterDays':7,'maxDeactivationDelayDays':15,'warnDaysBeforeForced':7}"),
        Minimal("'policy':{'maxDeactivationDelayDays':0,'warnDaysBeforeForced':365}"),
        Minimal("'policy':{'deactivateAfterDays':1,'maxDeactivationDelayDays':3,'warnDaysBeforeForced':1}"),
        Minimal("'concurrency':{'accounts':1,'usersPerAccount':1}"),
        Minimal("'policy':{'oldKeyIdleDays':1}"),
        Minimal("'policy':{'oldKeyIdleDays':365}"),
        Minimal("'destinations':{'defaults':[{'type':'ssm','name':'/keys/{accountId}/{userName}'}]}"),
        Minimal("'destinations':{'accounts':{'111111111111':{'users':{'USER1':[{'type':'ssm','name':'/k/x','format':'pair','kmsKeyId':'alias/ssm-keys'}]}}}}"),
        Minimal($"'destinations':{{'defaults':[{string.Join(",", Enumerable.Range(0, 10).Select(i => $"{{'type':'ssm','name':'/k{i}/{{userName}}'}}"))}]}}"),
        Minimal("'destinations':{'defaults':[{'type':'github','scope':'organization','organization':'octo','visibility':'selected','selectedRepositories':['app']}]}," + GitHubCredentials),
        Minimal("'destinations':{'defaults':[{'type':'github','scope':'repository','repository':'octo/{userName}','accessKeyIdName':'KEY_ID_{accountId}','secretAccessKeyName':'SECRET_{accountId}'}]}," + GitHubCredentials),
        Minimal("'alerts':{'ownerTag':null}"),
        Minimal("'alerts':{'ownerTag':'Cost Center:owner/e-mail'}"),
        Minimal("'secrets':{'location':'central','kmsKeyId':'alias/k','rotatorArn':'arn:aws:iam::111111111111:role/rotator','rotationLambdaArn':'arn:aws:lambda:eu-west-1:111111111111:function:rotator'}"),
        Minimal("'secrets':{'rotationLambdaArn':null}"),
        Minimal("'secrets':{'location':'central','kmsKeyId':'alias/k','rotatorArn':'arn:aws:iam::111111111111:role/service/team/org-key-rotation-lambda'}"),
        Minimal("'secrets':{'location':'central','kmsKeyId':'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab','rotatorArn':'arn:aws-us-gov:iam::111111111111:role/rotator'}"),
        Minimal("'secrets':{'location':'member','rotatorArn':'arn:aws:iam::111111111111:role/rotator'}"),
        Minimal("'workQueueUrl':'https://sqs.us-east-1.amazonaws.com/999999999999/q','resultsQueueUrl':'https://sqs.us-east-1.amazonaws.com/999999999999/r'"),
        Minimal("'resultsQueueUrl':'https://sqs.us-east-1.amazonaws.com/999999999999/r'"),
        Minimal("'workQueueUrl':null"),
        Minimal("'secrets':{'nameTemplate':'keys/{userName}'}"),
        Minimal("'secrets':{'kmsKeyId':'1234abcd-12ab-34cd-56ef-1234567890ab'}"),
        Minimal("'secrets':{'kmsKeyId':'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'}"),
        Minimal("'secrets':{'kmsKeyId':'mrk-1234abcd12ab34cd56ef1234567890ab'}"),
        Minimal("'alerts':{'snsTopicArn':'arn:aws-us-gov:sns:us-gov-west-1:111111111111:alerts'}"),
        Minimal("'alerts':{'snsTopicArn':'arn:aws:sns:eu-central-1:111111111111:alerts.fifo'}"),
        Minimal("'discovery':{'userPath':'/division/team/'}"),
        Minimal("'externalId':'a:b/c=d'"),
        Minimal("'$schema':'./config.schema.json'"),
        Json("{'discovery':{'organization':true}}"),
        Json("{'accounts':{'111111111111':[]},'discovery':{'organization':true}}"),
        Json("{'accounts':{'111111111111':['User.Name+tag@example=1_x-z']}}"),
        Json("{ /* comments and trailing commas are allowed */ 'accounts':{'111111111111':['user1'],},}"),
    };

    [Theory]
    [MemberData(nameof(ValidEdgeCases))]
    public void FromJson_ValidEdgeCase_IsValid(string json)
    {
        var result = ConfigLoader.FromJson(json);

        Assert.True(result.IsValid, result.Describe());
        Assert.Empty(result.Problems);
    }

    private const string GitHubCredentials = "'github':{'credentialsSecretArn':'arn:aws:secretsmanager:us-east-1:999999999999:secret:gh-AbCdEf'}";

    private static string Ssm(string destination) => Minimal($"'destinations':{{'defaults':[{destination}]}}");

    private static string GitHub(string destination) => Minimal($"'destinations':{{'defaults':[{destination}]}},{GitHubCredentials}");

    public static TheoryData<string, string, string> BadInputs => new()
    {
        // Destinations: shape.
        { Minimal("'destinations':[]"), "$.destinations", "expected an object, found an array" },
        { Minimal("'destinations':{'default':[]}"), "$.destinations.default", "unknown field (known fields here: defaults, accounts)" },
        { Minimal("'destinations':{'accounts':{'111111111111':{'user':{}}}}"), "$.destinations.accounts.111111111111.user", "unknown field (known fields here: defaults, users)" },
        { Ssm("{'name':'/k'}"), "$.destinations.defaults[0].type", "missing: \"ssm\" or \"github\"" },
        { Ssm("{'type':'s3','name':'/k'}"), "$.destinations.defaults[0].type", "'s3' is not 'ssm' or 'github'" },
        { Ssm("{'type':'ssm'}"), "$.destinations.defaults[0].name", "missing: ssm destinations need name" },
        { Ssm("{'type':'ssm','name':'/k','scope':'repository'}"), "$.destinations.defaults[0].scope", "unknown field of ssm destinations" },
        { Ssm("{'type':'ssm','name':'/k','format':'xml'}"), "$.destinations.defaults[0].format", "'xml' is not 'json' or 'pair'" },
        { Ssm("{'type':'ssm','name':7}"), "$.destinations.defaults[0].name", "expected a string" },
        { GitHub("{'type':'github','repository':'octo/app'}"), "$.destinations.defaults[0].scope", "missing: github destinations need scope" },
        { GitHub("{'type':'github','scope':'repo','repository':'octo/app'}"), "$.destinations.defaults[0].scope", "'repo' is not 'repository' or 'environment' or 'organization'" },
        { GitHub("{'type':'github','scope':'organization','organization':'octo','visibility':'some'}"), "$.destinations.defaults[0].visibility", "'some' is not 'all' or 'private' or 'selected'" },
        { GitHub("{'type':'github','scope':'repository','repository':'octo/app','name':'/k'}"), "$.destinations.defaults[0].name", "unknown field of github destinations" },
        { Minimal("'destinations':{'accounts':{'111111111111':{'users':{'user1':[],'USER1':[]}}}}"), "$.destinations.accounts.111111111111.users.USER1", "user listed twice" },
        // Destinations: the places they make.
        { Ssm("{'type':'ssm','name':'/aws/keys'}"), "$.destinations.defaults[0]", "starts with 'aws' or 'ssm'" },
        { Ssm("{'type':'ssm','name':'/k/{user}'}"), "$.destinations.defaults[0]", "holds a placeholder other than {accountId} and {userName}" },
        { Ssm("{'type':'ssm','name':'/k','kmsKeyId':'my key'}"), "$.destinations.defaults[0]", "is not a KMS key" },
        { GitHub("{'type':'github','scope':'repository','repository':'octo'}"), "$.destinations.defaults[0]", "repository 'octo' is not 'owner/name'" },
        { GitHub("{'type':'github','scope':'environment','repository':'octo/app'}"), "$.destinations.defaults[0]", "scope environment needs environment" },
        { GitHub("{'type':'github','scope':'repository','repository':'octo/app','visibility':'all'}"), "$.destinations.defaults[0]", "visibility does not belong to scope repository" },
        { GitHub("{'type':'github','scope':'organization','organization':'octo','visibility':'selected'}"), "$.destinations.defaults[0]", "visibility 'selected' needs the repositories" },
        { GitHub("{'type':'github','scope':'organization','organization':'octo'}"), "$.destinations.defaults[0]", "scope organization needs visibility" },
        { GitHub("{'type':'github','scope':'repository','repository':'octo/app','accessKeyIdName':'1KEY'}"), "$.destinations.defaults[0]", "starts with a digit" },
        { GitHub("{'type':'github','scope':'repository','repository':'octo/app','accessKeyIdName':'KEY','secretAccessKeyName':'key'}"), "$.destinations.defaults[0]", "are both 'KEY'" },
        { Json("{'accounts':{'111111111111':['a+b']},'destinations':{'defaults':[{'type':'ssm','name':'/k/{userName}'}]}}"), "$.destinations", "for user a+b of account 111111111111, destination ssm:/k/a+b makes no valid place" },
        // Destinations: who and how many.
        { Minimal("'destinations':{'accounts':{'222222222222':{'defaults':[]}}}"), "$.destinations.accounts.222222222222", "account 222222222222 is not rotated" },
        { Minimal("'destinations':{'accounts':{'11111111111':{'defaults':[]}}}"), "$.destinations.accounts.11111111111", "exactly 12 digits" },
        { Minimal("'destinations':{'accounts':{'111111111111':{'users':{'bob':[]}}}}"), "$.destinations.accounts.111111111111.users.bob", "user bob is not rotated" },
        { Minimal("'destinations':{'accounts':{'111111111111':{'users':{'a b':[]}}}}"), "$.destinations.accounts.111111111111.users.a b", "is not a valid IAM user name" },
        { Minimal($"'destinations':{{'defaults':[{string.Join(",", Enumerable.Range(0, 11).Select(i => $"{{'type':'ssm','name':'/k{i}'}}"))}]}}"), "$.destinations", "every rotated user gets 11 destinations; at most 10" },
        { Minimal($"'destinations':{{'defaults':[{string.Join(",", Enumerable.Range(0, 6).Select(i => $"{{'type':'ssm','name':'/d{i}'}}"))}],'accounts':{{'111111111111':{{'defaults':[{string.Join(",", Enumerable.Range(0, 5).Select(i => $"{{'type':'ssm','name':'/a{i}'}}"))}]}}}}}}"), "$.destinations", "a user of account 111111111111 gets 11 destinations" },
        { Minimal("'destinations':{'defaults':[{'type':'github','scope':'repository','repository':'octo/app'}]}"), "$.github.credentialsSecretArn", "required with a github destination" },
        { Minimal("'github':{'apiUrl':'ftp://github.example.com'}"), "$.github.apiUrl", "is not an http(s) URL" },
        { Minimal("'github':{'credentialsSecretArn':'gh-token'}"), "$.github.credentialsSecretArn", "is not a Secrets Manager secret ARN" },
        // Syntax and shape.
        { Json("{'accounts':"), "$", "not valid JSON" },
        { Json("{'accounts':{'111111111111':['user1']}"), "$", "not valid JSON" },
        { "[]", "$", "expected an object, found an array" },
        { Minimal("'policy':[]"), "$.policy", "expected an object, found an array" },
        // Wrong types.
        { Minimal("'policy':{'maxKeyAgeDays':'90'}"), "$.policy.maxKeyAgeDays", "expected a whole number, found the string \"90\"" },
        { Minimal("'concurrency':{'accounts':1.5}"), "$.concurrency.accounts", "expected a whole number, found the number 1.5" },
        { Minimal("'policy':{'deleteAfterDays':99999999999}"), "$.policy.deleteAfterDays", "expected a whole number" },
        { Minimal("'dryRun':1"), "$.dryRun", "expected true or false, found the number 1" },
        { Minimal("'policy':{'requireOldKeyUnused':'true'}"), "$.policy.requireOldKeyUnused", "expected true or false" },
        { Minimal("'discovery':{'organization':0}"), "$.discovery.organization", "expected true or false" },
        { Minimal("'discovery':{'includeOus':{}}"), "$.discovery.includeOus", "expected an array of strings, found an object" },
        { Minimal("'discovery':{'excludeAccounts':'333333333333'}"), "$.discovery.excludeAccounts", "expected an array of strings" },
        { Json("{'accounts':{'111111111111':{'user1':true}}}"), "$.accounts.111111111111", "expected an array of strings, found an object" },
        { Json("{'accounts':{'111111111111':['user1',7]}}"), "$.accounts.111111111111[1]", "expected a string, found the number 7" },
        { Json("{'accounts':['111111111111']}"), "$.accounts", "expected an object, found an array" },
        { Minimal("'roleName':null"), "$.roleName", "expected a string, found null" },
        { Minimal("'externalId':42"), "$.externalId", "expected a string or null" },
        { Minimal("'secrets':{'location':'x'}"), "$.secrets.location", "'x' is not 'member' or 'central'" },
        { Minimal("'secrets':{'location':'Member'}"), "$.secrets.location", "is not 'member' or 'central'" },
        // Unknown fields.
        { Minimal("'dryrun':true"), "$.dryrun", "unknown field" },
        { Minimal("'policy':{'maxKeyAge':90}"), "$.policy.maxKeyAge", "unknown field (known fields here: maxKeyAgeDays" },
        { Minimal("'secrets':{'name':'x'}"), "$.secrets.name", "unknown field" },
        { Minimal("'concurrency':{'users':4}"), "$.concurrency.users", "unknown field" },
        { Minimal("'alerts':{'topic':'x'}"), "$.alerts.topic", "unknown field (known fields here: snsTopicArn, ownerTag)" },
        // Accounts and users.
        { Json("{'accounts':{'11111111111':['user1']}}"), "$.accounts.11111111111", "exactly 12 digits" },
        { Json("{'accounts':{'1111111111111':['user1']}}"), "$.accounts.1111111111111", "exactly 12 digits" },
        { Json("{'accounts':{'11111111111a':['user1']}}"), "$.accounts.11111111111a", "exactly 12 digits" },
        { Json("{'accounts':{'111111111111':['user1'],'111111111111':['user2']}}"), "$.accounts.111111111111", "account listed twice" },
        { Json("{'accounts':{'111111111111':['user one']}}"), "$.accounts.111111111111[0]", "'user one' is not a valid IAM user name" },
        { Json("{'accounts':{'111111111111':['']}}"), "$.accounts.111111111111[0]", "is not a valid IAM user name" },
        { Json($"{{'accounts':{{'111111111111':['{Long65}']}}}}"), "$.accounts.111111111111[0]", "is not a valid IAM user name" },
        { Json("{'accounts':{'111111111111':['alice','Alice']}}"), "$.accounts.111111111111[1]", "user 'Alice' is listed twice" },
        { Json("{'accounts':{'111111111111':[]}}"), "$.accounts.111111111111", "no users listed" },
        // Policy ranges.
        { Minimal("'policy':{'maxKeyAgeDays':-1}"), "$.policy.maxKeyAgeDays", "-1 is out of range: use 0 to 3650" },
        { Minimal("'policy':{'maxKeyAgeDays':3651}"), "$.policy.maxKeyAgeDays", "3651 is out of range: use 0 to 3650" },
        { Minimal("'policy':{'deactivateAfterDays':366,'maxDeactivationDelayDays':0}"), "$.policy.deactivateAfterDays", "366 is out of range: use 0 to 365" },
        { Minimal("'policy':{'deactivateAfterDays':-1}"), "$.policy.deactivateAfterDays", "out of range" },
        { Minimal("'policy':{'deleteAfterDays':-1}"), "$.policy.deleteAfterDays", "-1 is out of range: use 0 to 365" },
        { Minimal("'policy':{'deleteAfterDays':366}"), "$.policy.deleteAfterDays", "366 is out of range" },
        { Minimal("'policy':{'maxDeactivationDelayDays':366}"), "$.policy.maxDeactivationDelayDays", "366 is out of range" },
        { Minimal("'policy':{'oldKeyIdleDays':0}"), "$.policy.oldKeyIdleDays", "0 is out of range: use 1 to 365 (AWS reports a key's last use up to about 4 hours late" },
        { Minimal("'policy':{'oldKeyIdleDays':366}"), "$.policy.oldKeyIdleDays", "366 is out of range: use 1 to 365" },
        { Minimal("'policy':{'oldKeyIdleDays':'7'}"), "$.policy.oldKeyIdleDays", "expected a whole number" },
        { Minimal("'policy':{'maxDeactivationDelayDays':6}"), "$.policy.maxDeactivationDelayDays", "must be 0 (never force) or at least deactivateAfterDays (7)" },
        { Minimal("'policy':{'deactivateAfterDays':40}"), "$.policy.maxDeactivationDelayDays", "at least deactivateAfterDays (40)" },
        { Minimal("'policy':{'warnDaysBeforeForced':-1}"), "$.policy.warnDaysBeforeForced", "-1 is out of range: use 0 to 365" },
        { Minimal("'policy':{'warnDaysBeforeForced':366,'maxDeactivationDelayDays':0}"), "$.policy.warnDaysBeforeForced", "366 is out of range" },
        { Minimal("'policy':{'warnDaysBeforeForced':23}"), "$.policy.warnDaysBeforeForced", "must be 0 or less than maxDeactivationDelayDays - deactivateAfterDays (23)" },
        { Minimal("'policy':{'deactivateAfterDays':7,'maxDeactivationDelayDays':14}"), "$.policy.warnDaysBeforeForced", "less than maxDeactivationDelayDays - deactivateAfterDays (7): the warnings start after the deactivateAfterDays grace" },
        // Discovery.
        { Minimal("'discovery':{'includeOus':['ou-12']}"), "$.discovery.includeOus[0]", "'ou-12' is not an OU id" },
        { Minimal("'verification':{'regions':['us-east-1','eu-west']}"), "$.verification.regions[1]", "'eu-west' is not a region code such as us-east-1" },
        { Minimal("'discovery':{'includeOus':['r-ab12','OU-AB12-ABCDEFGH']}"), "$.discovery.includeOus[1]", "is not an OU id" },
        { Minimal("'discovery':{'excludeAccounts':['12345']}"), "$.discovery.excludeAccounts[0]", "exactly 12 digits" },
        { Minimal("'discovery':{'userPath':'service'}"), "$.discovery.userPath", "starts and ends with '/'" },
        { Minimal("'discovery':{'userPath':'/service'}"), "$.discovery.userPath", "starts and ends with '/'" },
        { Minimal("'discovery':{'userTag':'=enabled'}"), "$.discovery.userTag", "use 'key' or 'key=value'" },
        { Minimal("'discovery':{'userTag':''}"), "$.discovery.userTag", "use 'key' or 'key=value'" },
        // Scope.
        { "{}", "$.accounts", "nothing to rotate" },
        { Json("{'accounts':{}}"), "$.accounts", "nothing to rotate" },
        { Json("{'accounts':{},'discovery':{'organization':false}}"), "$.accounts", "set discovery.organization to true" },
        // Secrets.
        { Minimal("'secrets':{'nameTemplate':'keys/{accountId}'}"), "$.secrets.nameTemplate", "must contain {userName}" },
        { Json("{'accounts':{'111111111111':['a'],'222222222222':['b']},'secrets':{'nameTemplate':'keys/{userName}'}}"), "$.secrets.nameTemplate", "must contain {accountId}" },
        { Minimal("'secrets':{'nameTemplate':'keys/{userName}','location':'central','kmsKeyId':'alias/k','rotatorArn':'arn:aws:iam::111111111111:role/rotator'}"), "$.secrets.nameTemplate", "must contain {accountId}" },
        { Minimal("'discovery':{'organization':true},'secrets':{'nameTemplate':'keys/{userName}'}"), "$.secrets.nameTemplate", "must contain {accountId}" },
        { Minimal("'secrets':{'nameTemplate':'keys {accountId}/{userName}'}"), "$.secrets.nameTemplate", "secret names are 1-512 characters" },
        { Minimal("'secrets':{'kmsKeyId':'my-key'}"), "$.secrets.kmsKeyId", "expected a KMS key id, key ARN, alias/name or alias ARN" },
        { Minimal("'secrets':{'kmsKeyId':'arn:aws:kms:us-east-1:1111:key/abc'}"), "$.secrets.kmsKeyId", "expected a KMS key id" },
        // Alerts.
        { Minimal("'alerts':{'snsTopicArn':'arn:aws:sqs:us-east-1:999999999999:alerts'}"), "$.alerts.snsTopicArn", "is not an SNS topic ARN" },
        { Minimal("'alerts':{'snsTopicArn':'arn:aws:sns:us-east-1:99999999999:alerts'}"), "$.alerts.snsTopicArn", "is not an SNS topic ARN" },
        { Minimal("'alerts':{'snsTopicArn':'iam-key-rotation-alerts'}"), "$.alerts.snsTopicArn", "arn:aws:sns:<region>:<12-digit account>:<name>" },
        // Concurrency.
        { Minimal("'concurrency':{'accounts':0}"), "$.concurrency.accounts", "0 is out of range: use 1 to 256" },
        { Minimal("'concurrency':{'accounts':1000}"), "$.concurrency.accounts", "1000 is out of range: use 1 to 256" },
        { Minimal("'concurrency':{'usersPerAccount':0}"), "$.concurrency.usersPerAccount", "0 is out of range: use 1 to 32" },
        { Minimal("'concurrency':{'usersPerAccount':1000}"), "$.concurrency.usersPerAccount", "1000 is out of range: use 1 to 32" },
        // Queue, role, external id, exemptions.
        { Minimal($"'workQueueUrl':'not a url',{Results}"), "$.workQueueUrl", "expected an SQS queue URL" },
        { Minimal($"'workQueueUrl':'ftp://sqs.us-east-1.amazonaws.com/999999999999/q',{Results}"), "$.workQueueUrl", "expected an SQS queue URL" },
        { Minimal("'resultsQueueUrl':'results'"), "$.resultsQueueUrl", "expected an SQS queue URL" },
        { Minimal("'workQueueUrl':'https://sqs.us-east-1.amazonaws.com/999999999999/q'"), "$.resultsQueueUrl", "required when workQueueUrl is set: fan-out workers report their account results to this queue so that one digest per sweep can be published" },
        { Minimal("'workQueueUrl':'https://sqs.us-east-1.amazonaws.com/999999999999/q','resultsQueueUrl':null"), "$.resultsQueueUrl", "required when workQueueUrl is set" },
        // Secrets Manager rotation schedule.
        { Minimal("'secrets':{'rotationLambdaArn':'arn:aws:lambda:us-east-1:111111111111:function:rotator'}"), "$.secrets.rotationLambdaArn", "needs secrets.location central" },
        { Minimal("'secrets':{'location':'member','rotationLambdaArn':'arn:aws:lambda:us-east-1:111111111111:function:rotator'}"), "$.secrets.rotationLambdaArn", "set location to central, or remove rotationLambdaArn" },
        { Minimal("'secrets':{'location':'central','kmsKeyId':'alias/k','rotatorArn':'arn:aws:iam::111111111111:role/rotator','rotationLambdaArn':'rotator'}"), "$.secrets.rotationLambdaArn", "'rotator' is not a Lambda function ARN" },
        { Minimal("'secrets':{'location':'central','kmsKeyId':'alias/k','rotatorArn':'arn:aws:iam::111111111111:role/rotator','rotationLambdaArn':'arn:aws:sns:us-east-1:111111111111:rotator'}"), "$.secrets.rotationLambdaArn", "is not a Lambda function ARN" },
        { Minimal("'secrets':{'rotationLambdaArn':7}"), "$.secrets.rotationLambdaArn", "expected a string or null" },
        // Central secrets: a customer managed key and the explicit rotator.
        { Minimal("'secrets':{'nameTemplate':'k/{accountId}/{userName}','location':'central','rotatorArn':'arn:aws:iam::111111111111:role/rotator'}"), "$.secrets.kmsKeyId", "required with secrets.location central, and not the AWS managed key aws/secretsmanager" },
        { Minimal("'secrets':{'location':'central','kmsKeyId':'alias/aws/secretsmanager','rotatorArn':'arn:aws:iam::111111111111:role/rotator'}"), "$.secrets.kmsKeyId", "cannot be used from another account" },
        { Minimal("'secrets':{'location':'central','kmsKeyId':'arn:aws:kms:eu-west-1:111111111111:alias/aws/secretsmanager','rotatorArn':'arn:aws:iam::111111111111:role/rotator'}"), "$.secrets.kmsKeyId", "Set kmsKeyId to a customer managed key" },
        { Minimal("'secrets':{'location':'central','kmsKeyId':'alias/k'}"), "$.secrets.rotatorArn", "required with secrets.location central: each central secret's resource policy names its only writer. Set rotatorArn to the Lambda execution role's ARN, path included" },
        { Minimal("'secrets':{'location':'central','kmsKeyId':'alias/k','rotatorArn':'arn:aws:sts::111111111111:assumed-role/rotator/session'}"), "$.secrets.rotatorArn", "is not an IAM role ARN" },
        { Minimal("'secrets':{'location':'central','kmsKeyId':'alias/k','rotatorArn':'arn:aws:iam::111111111111:user/rotator'}"), "$.secrets.rotatorArn", "is not an IAM role ARN" },
        { Minimal("'secrets':{'location':'central','kmsKeyId':'alias/k','rotatorArn':'arn:aws:iam::111111111111:role/a path/rotator'}"), "$.secrets.rotatorArn", "is not an IAM role ARN" },
        // Alert owner tag.
        { Minimal("'alerts':{'ownerTag':''}"), "$.alerts.ownerTag", "a tag key is 1-128 characters" },
        { Minimal("'alerts':{'ownerTag':'owner!'}"), "$.alerts.ownerTag", "a tag key is 1-128 characters of letters, digits, spaces and _.:/=+-@" },
        { Minimal($"'alerts':{{'ownerTag':'{Long129}'}}"), "$.alerts.ownerTag", "a tag key is 1-128 characters" },
        { Minimal("'alerts':{'ownerTag':true}"), "$.alerts.ownerTag", "expected a string or null" },
        { Minimal("'roleName':'Key Rotation'"), "$.roleName", "'Key Rotation' is not a valid IAM role name" },
        { Minimal("'roleName':''"), "$.roleName", "is not a valid IAM role name" },
        { Minimal($"'roleName':'{Long65}'"), "$.roleName", "is not a valid IAM role name" },
        { Minimal("'externalId':'x'"), "$.externalId", "must be 2-1224 characters" },
        { Minimal("'externalId':'has space'"), "$.externalId", "must be 2-1224 characters" },
        { Minimal("'exemptions':{'group':'no such group!'}"), "$.exemptions.group", "is not a valid IAM group name" },
        { Minimal("'exemptions':{'tag':''}"), "$.exemptions.tag", "a tag key is 1-128 characters" },
        { Minimal($"'exemptions':{{'tag':'{Long129}'}}"), "$.exemptions.tag", "a tag key is 1-128 characters" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void FromJson_BadInput_ReportsOneProblemAtItsPath(string json, string path, string phrase)
    {
        var result = ConfigLoader.FromJson(json);

        Assert.False(result.IsValid);
        Assert.Null(result.Config);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(phrase, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_SeveralSemanticErrors_ListsEveryProblemAtOnce()
    {
        var result = ConfigLoader.FromJson(Json("""
            {'roleName':'bad role','accounts':{'11111111111':['user1'],'222222222222':['ok','OK']},
             'policy':{'maxKeyAgeDays':-1,'deactivateAfterDays':10,'maxDeactivationDelayDays':5},
             'secrets':{'kmsKeyId':'nope'},'alerts':{'snsTopicArn':'arn:aws:sns:nowhere'},
             'concurrency':{'accounts':0,'usersPerAccount':1000},'workQueueUrl':'queue','resultsQueueUrl':'results'}
            """));

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "$.roleName", "$.accounts.11111111111", "$.accounts.222222222222[1]", "$.policy.maxKeyAgeDays",
                "$.policy.maxDeactivationDelayDays", "$.secrets.kmsKeyId", "$.alerts.snsTopicArn",
                "$.concurrency.accounts", "$.concurrency.usersPerAccount", "$.workQueueUrl", "$.resultsQueueUrl",
            ],
            result.Problems.Select(p => p.Path).ToArray());
        Assert.StartsWith("invalid configuration (11 problems):", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_SeveralTypeErrors_ListsEveryProblemAtOnce()
    {
        var result = ConfigLoader.FromJson(Json("""
            {'accounts':{'111111111111':['user1']},'dryRun':'no','colour':'blue',
             'discovery':{'organization':'yes','includeOus':'ou-ab12-abcdefgh'},
             'policy':{'maxKeyAgeDays':'90','unused':true},'concurrency':[]}
            """));

        Assert.False(result.IsValid);
        Assert.Equal(
            ["$.dryRun", "$.colour", "$.discovery.organization", "$.discovery.includeOus", "$.policy.maxKeyAgeDays", "$.policy.unused", "$.concurrency"],
            result.Problems.Select(p => p.Path).ToArray());
        Assert.Contains("7 problems", result.Describe(), StringComparison.Ordinal);
        Assert.All(result.Problems, p => Assert.Contains($"  - {p.Path}: {p.Message}", result.Describe(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{'accounts':{'111111111111':['josé']}}", "$.accounts.111111111111[0]")]
    [InlineData("{'accounts':{'111111111111':['пользователь']}}", "$.accounts.111111111111[0]")]
    [InlineData("{'accounts':{'111111111111':['user1']},'roleName':'rôle'}", "$.roleName")]
    public void FromJson_NonAsciiName_IsRejected(string json, string path)
    {
        var problem = Assert.Single(ConfigLoader.FromJson(Json(json)).Problems);

        Assert.Equal(path, problem.Path);
    }

    [Fact]
    public void FromJson_UserNameInvalidInSecretName_IsRejectedAtTheUser()
    {
        var problem = Assert.Single(ConfigLoader.FromJson(Json("{'accounts':{'111111111111':['svc,app']}}")).Problems);

        Assert.Equal("$.accounts.111111111111[0]", problem.Path);
        Assert.Contains("secret name", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ValidConfig_SaysSo() =>
        Assert.Equal("configuration is valid", ConfigLoader.FromJson(Minimal()).Describe());

    [Fact]
    public void Describe_OneProblem_UsesSingular() =>
        Assert.StartsWith("invalid configuration (1 problem):\n  - $.dryRun: ", ConfigLoader.FromJson(Minimal("'dryRun':1")).Describe(), StringComparison.Ordinal);

    [Fact]
    public void NameFor_DefaultTemplate_FillsBothPlaceholders() =>
        Assert.Equal("iam-key-rotation/111111111111/alice", new SecretsConfig().NameFor("111111111111", "alice"));
}
