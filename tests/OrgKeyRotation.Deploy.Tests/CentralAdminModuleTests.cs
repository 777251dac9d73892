using System.Text.Json;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>The central-admin module wires the Lambda, its environment, schedule, queues and alarm as designed.</summary>
[Trait("Category", "Unit")]
public sealed class CentralAdminModuleTests
{
    private static TerraformDirectory Module => TerraformTree.Loaded.Module("central-admin");

    private static string Attr(JsonElement body, string name) => TerraformStructureTests.Expression(body.GetProperty(name));

    private static IReadOnlySet<string> MapKeys(string local) =>
        Module.Locals[local].EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void LambdaEnvironment_NamesMatchEnvironmentVariablesAll_BothDirections()
    {
        var required = MapKeys("required_environment");
        var optional = MapKeys("optional_environment");

        Assert.Empty(required.Intersect(optional));
        var set = required.Union(optional).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(EnvironmentVariables.All.Order(StringComparer.Ordinal).ToArray(), set);
    }

    [Fact]
    public void LambdaEnvironment_IsTheMergeOfRequiredAndNonNullOptional()
    {
        var function = Module.Resource("aws_lambda_function", "rotator");

        Assert.Equal("${local.environment}", Attr(function.GetProperty("environment")[0], "variables"));
        var merge = Module.Locals["environment"].GetString()!;
        Assert.Contains("local.required_environment", merge, StringComparison.Ordinal);
        Assert.Contains("local.optional_environment : k => v if v != null", merge, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACCOUNTS_USERS_JSON", "var.accounts_users_json")]
    [InlineData("ROTATION_ROLE_NAME", "var.rotation_role_name")]
    [InlineData("SNS_TOPIC_ARN", "aws_sns_topic.alerts.arn")]
    [InlineData("DISCOVERY_INCLUDE_OUS", "join(\",\", var.discovery_include_ous)")]
    [InlineData("DISCOVERY_EXCLUDE_ACCOUNTS", "join(\",\", var.discovery_exclude_accounts)")]
    [InlineData("REQUIRE_OLD_KEY_UNUSED", "tostring(var.require_old_key_unused)")]
    [InlineData("SECRET_LOCATION", "var.secret_location")]
    [InlineData("WORK_QUEUE_URL", "var.enable_fanout ? aws_sqs_queue.work[0].url : null")]
    public void LambdaEnvironment_ValueComesFromTheRightInput(string name, string expected)
    {
        var value = Module.Locals["required_environment"].TryGetProperty(name, out var required)
            ? required
            : Module.Locals["optional_environment"].GetProperty(name);

        Assert.Contains(expected, value.GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void Lambda_IsAnAotCustomRuntimeFromThePackagedZip()
    {
        var function = Module.Resource("aws_lambda_function", "rotator");

        Assert.Equal("provided.al2023", Attr(function, "runtime"));
        Assert.Equal("bootstrap", Attr(function, "handler"));
        Assert.Equal("${filebase64sha256(local.lambda_zip_path)}", Attr(function, "source_code_hash"));
        Assert.Equal("${local.lambda_zip_path}", Attr(function, "filename"));
        Assert.Equal("[\"${var.architecture}\"]", Attr(function, "architectures"));
        Assert.Equal("${var.reserved_concurrency}", Attr(function, "reserved_concurrent_executions"));
    }

    [Fact]
    public void LambdaZipDefault_ResolvesToThePackageScriptOutput()
    {
        var local = Module.Locals["lambda_zip_path"].GetString()!;
        const string Marker = "${path.module}/";
        var start = local.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(start >= 0, "lambda_zip_path default must be relative to path.module");
        var relative = local[(start + Marker.Length)..local.IndexOf('"', start)];

        var resolved = Path.GetFullPath(Path.Combine(RepositoryPaths.Terraform, "modules", "central-admin", relative));

        Assert.Equal(Path.Combine(RepositoryPaths.Root, "artifacts", "lambda", "orgkeyrotation-lambda.zip"), resolved);
    }

    [Fact]
    public void LogGroup_IsTheFunctionsOwnWithRetention()
    {
        var group = Module.Resource("aws_cloudwatch_log_group", "lambda");

        Assert.Equal("/aws/lambda/${var.name}", Module.Locals["log_group_name"].GetString());
        Assert.Equal("${local.log_group_name}", Attr(group, "name"));
        Assert.Equal("${var.log_retention_days}", Attr(group, "retention_in_days"));
        Assert.Equal("${var.name}", Attr(Module.Resource("aws_lambda_function", "rotator"), "function_name"));
    }

    [Fact]
    public void Schedule_InvokesTheFunctionWithAPermissionBoundToTheRule()
    {
        Assert.Equal("${var.schedule_expression}", Attr(Module.Resource("aws_cloudwatch_event_rule", "schedule"), "schedule_expression"));
        Assert.Equal("${aws_lambda_function.rotator.arn}", Attr(Module.Resource("aws_cloudwatch_event_target", "schedule"), "arn"));
        var permission = Module.Resource("aws_lambda_permission", "schedule");
        Assert.Equal("events.amazonaws.com", Attr(permission, "principal"));
        Assert.Equal("${aws_cloudwatch_event_rule.schedule.arn}", Attr(permission, "source_arn"));
    }

    [Fact]
    public void SecretsManagerPermission_IsOptionalAndLimitedToThisAccount()
    {
        var permission = Module.Resource("aws_lambda_permission", "secrets_manager");

        Assert.Equal("${var.enable_secrets_manager_rotation ? 1 : 0}", Attr(permission, "count"));
        Assert.Equal("secretsmanager.amazonaws.com", Attr(permission, "principal"));
        Assert.Equal("${local.account_id}", Attr(permission, "source_account"));
    }

    [Fact]
    public void WorkQueue_HasDeadLetterRedriveAndSixTimesTheTimeout()
    {
        var queue = Module.Resource("aws_sqs_queue", "work");

        Assert.Equal("${var.timeout * 6}", Attr(queue, "visibility_timeout_seconds"));
        var redrive = Attr(queue, "redrive_policy");
        Assert.Contains("deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn", redrive, StringComparison.Ordinal);
        Assert.Contains("maxReceiveCount     = var.fanout_max_receive_count", redrive, StringComparison.Ordinal);
        Assert.All(new[] { queue, Module.Resource("aws_sqs_queue", "dead_letter"), Module.Resource("aws_lambda_event_source_mapping", "work") },
            r => Assert.Equal("${var.enable_fanout ? 1 : 0}", Attr(r, "count")));
    }

    [Fact]
    public void EventSourceMapping_ReportsPartialBatchFailures()
    {
        var mapping = Module.Resource("aws_lambda_event_source_mapping", "work");

        Assert.Equal("[\"ReportBatchItemFailures\"]", Attr(mapping, "function_response_types"));
        Assert.Equal("${aws_sqs_queue.work[0].arn}", Attr(mapping, "event_source_arn"));
    }

    [Fact]
    public void AlertTopic_IsKmsEncryptedWithEmailSubscriptionsAndFilterPolicy()
    {
        Assert.Equal("${local.topic_key_arn}", Attr(Module.Resource("aws_sns_topic", "alerts"), "kms_master_key_id"));
        var subscription = Module.Resource("aws_sns_topic_subscription", "email");
        Assert.Equal("email", Attr(subscription, "protocol"));
        Assert.Equal("${toset(var.sns_alert_email)}", Attr(subscription, "for_each"));
        Assert.Equal("${var.sns_filter_policy}", Attr(subscription, "filter_policy"));
        Assert.Equal("true", Attr(Module.Resource("aws_kms_key", "topic"), "enable_key_rotation"));
    }

    [Fact]
    public void FailureAlarm_SumsRotationFailuresOfEveryTriggerAndNotifiesTheTopic()
    {
        var alarm = Module.Resource("aws_cloudwatch_metric_alarm", "failures");

        Assert.Equal("1", Attr(alarm, "threshold"));
        Assert.Equal("GreaterThanOrEqualToThreshold", Attr(alarm, "comparison_operator"));
        Assert.Equal("[\"${aws_sns_topic.alerts.arn}\"]", Attr(alarm, "alarm_actions"));
        var sum = Assert.Single(alarm.GetProperty("metric_query").EnumerateArray());
        Assert.Equal("SUM(METRICS())", sum.GetProperty("expression").GetString());
        Assert.True(sum.GetProperty("return_data").GetBoolean());
        var perTrigger = alarm.GetProperty("dynamic").GetProperty("metric_query")[0];
        Assert.Equal("${toset(local.sweep_triggers)}", perTrigger.GetProperty("for_each").GetString());
        var metric = perTrigger.GetProperty("content")[0].GetProperty("metric")[0];
        Assert.Equal("OrgKeyRotation", metric.GetProperty("namespace").GetString());
        Assert.Equal("RotationFailures", metric.GetProperty("metric_name").GetString());
        Assert.Equal("${metric_query.value}", metric.GetProperty("dimensions").GetProperty("Trigger").GetString());
        Assert.Equal(["Manual", "Scheduled", "Sqs"], Module.Locals["sweep_triggers"].EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void OptionalOutputs_UseTry()
    {
        Assert.StartsWith("${try(aws_sqs_queue.work[0].url", Attr(Module.Outputs["work_queue_url"], "value"), StringComparison.Ordinal);
        Assert.StartsWith("${try(aws_sqs_queue.dead_letter[0].url", Attr(Module.Outputs["dead_letter_queue_url"], "value"), StringComparison.Ordinal);
        Assert.All(new[] { "function_name", "function_arn", "execution_role_arn", "sns_topic_arn", "work_queue_url", "rotation_role_name", "secret_name_prefix" },
            o => Assert.Contains(o, Module.Outputs.Keys));
    }
}
