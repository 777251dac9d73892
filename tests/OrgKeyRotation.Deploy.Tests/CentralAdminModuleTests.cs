using System.Text.Json;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// The central-admin module wires its resources as designed. What it computes (environment, policies, derived names)
/// is evaluated by terraform in CentralSettingsTests; this checks the wiring around it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CentralAdminModuleTests
{
    private static TerraformDirectory Module => TerraformTree.Loaded.Module("central-admin");

    private static string Attr(JsonElement body, string name) => TerraformStructureTests.Expression(body.GetProperty(name));

    /// <summary>central-settings takes central-admin's inputs as one object; each of its attributes is the input of the same name.</summary>
    [NodeFact]
    public void SettingsModule_GetsEveryConfigAttributeFromTheInputOfTheSameName()
    {
        var call = Module.ModuleCalls["settings"];
        var attributes = DeployScenarios.ObjectAttributes("central-settings", "config")!;
        var config = call.GetProperty("config");

        Assert.True(attributes.Count >= 30, $"expected central-admin's inputs in config, found {attributes.Count}");
        Assert.Equal(attributes.Order(StringComparer.Ordinal), config.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        // The scenario tests feed central-settings exactly this way, so they test what central-admin deploys.
        Assert.All(attributes, a => Assert.Equal($"${{var.{a}}}", Attr(config, a)));
        Assert.Empty(attributes.Except(DeployScenarios.VariablesOf("central-admin")));
        Assert.Equal(["config", "deployment"], DeployScenarios.VariablesOf("central-settings").Order(StringComparer.Ordinal));
        var deployment = call.GetProperty("deployment");
        Assert.Equal(DeployScenarios.ObjectAttributes("central-settings", "deployment")!.Order(StringComparer.Ordinal), deployment.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("${aws_sns_topic.alerts.arn}", Attr(deployment, "topic_arn"));
        Assert.Equal("${aws_cloudwatch_log_group.lambda.arn}", Attr(deployment, "log_group_arn"));
        Assert.Equal("${try(aws_sqs_queue.work[0].arn, null)}", Attr(deployment, "work_queue_arn"));
        Assert.Equal("${try(aws_sqs_queue.results[0].arn, null)}", Attr(deployment, "results_queue_arn"));
        Assert.Equal("${try(aws_sqs_queue.results[0].url, null)}", Attr(deployment, "results_queue_url"));
    }

    /// <summary>main.tf holds the settings call; each concern has its file, as terraform-aws-modules split a large root.</summary>
    [NodeFact]
    public void Resources_AreSplitByConcern()
    {
        var byFile = Module.Files.Where(f => f.Key.EndsWith(".tf", StringComparison.Ordinal) && f.Value.TryGetProperty("resource", out _))
            .ToDictionary(f => f.Key, f => f.Value.GetProperty("resource").EnumerateObject().Select(t => t.Name).Distinct().Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

        Assert.Equal(["aws_iam_role", "aws_iam_role_policy"], byFile["iam.tf"]);
        Assert.Equal(["aws_kms_alias", "aws_kms_key", "aws_sns_topic", "aws_sns_topic_subscription"], byFile["alerts.tf"]);
        Assert.Equal(["aws_cloudwatch_metric_alarm"], byFile["alarms.tf"]);
        Assert.Equal(["aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_cloudwatch_log_group", "aws_lambda_function", "aws_lambda_permission"], byFile["function.tf"]);
        Assert.Equal(["aws_lambda_event_source_mapping", "aws_sqs_queue"], byFile["fanout.tf"]);
        Assert.False(Module.Files["main.tf"].TryGetProperty("resource", out _), "main.tf holds the settings call, not resources");
    }

    [NodeFact]
    public void Lambda_IsAnAotCustomRuntimeFromThePackagedZipWithTheSettingsEnvironment()
    {
        var function = Module.Resource("aws_lambda_function", "rotator");

        Assert.Equal("provided.al2023", Attr(function, "runtime"));
        Assert.Equal("bootstrap", Attr(function, "handler"));
        Assert.Equal("${filebase64sha256(var.lambda_zip_path)}", Attr(function, "source_code_hash"));
        Assert.Equal("${var.lambda_zip_path}", Attr(function, "filename"));
        Assert.Equal("[\"${var.architecture}\"]", Attr(function, "architectures"));
        Assert.Equal("${var.reserved_concurrency}", Attr(function, "reserved_concurrent_executions"));
        Assert.Equal("${module.settings.environment}", Attr(function.GetProperty("environment")[0], "variables"));
        Assert.Equal("${module.settings.execution_role_name}", Attr(Module.Resource("aws_iam_role", "lambda"), "name"));
    }

    /// <summary>The package path is the caller's: the module has no default that reaches outside itself.</summary>
    [NodeFact]
    public void LambdaZipPath_IsRequiredAndEveryCentralExampleSetsThePackageScriptOutput()
    {
        Assert.False(Module.Variables["lambda_zip_path"].TryGetProperty("default", out _), "lambda_zip_path must have no default");
        var examples = TerraformTree.ExampleNames.Where(e => TerraformTree.Loaded.Example(e).ModuleCalls.Values.Any(c => c.GetProperty("source").GetString()!.EndsWith("/central-admin", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var tfvars = TerraformTree.Loaded.Example(example).Files["terraform.tfvars.example"];
            var relative = tfvars.GetProperty("lambda_zip_path").GetString()!;
            var resolved = Path.GetFullPath(Path.Combine(RepositoryPaths.Terraform, "examples", example, relative));
            Assert.Equal(Path.Combine(RepositoryPaths.Root, "artifacts", "lambda", "orgkeyrotation-lambda.zip"), resolved);
        }
    }

    [NodeFact]
    public void Region_IsReadFromAnArnNotFromAVersionSpecificAttribute()
    {
        Assert.Equal("${split(\":\", aws_cloudwatch_log_group.lambda.arn)[3]}", Module.Locals["region"].GetString());
        Assert.DoesNotContain(TerraformTree.Loaded.Files.Values.SelectMany(TerraformTree.Strings), s => s.Contains("data.aws_region", StringComparison.Ordinal));
    }

    [NodeFact]
    public void LogGroup_IsTheFunctionsOwnWithRetention()
    {
        var group = Module.Resource("aws_cloudwatch_log_group", "lambda");

        Assert.Equal("/aws/lambda/${var.name}", Attr(group, "name"));
        Assert.Equal("${var.log_retention_days}", Attr(group, "retention_in_days"));
        Assert.Equal("${var.name}", Attr(Module.Resource("aws_lambda_function", "rotator"), "function_name"));
    }

    [NodeFact]
    public void Schedule_InvokesTheFunctionWithAPermissionBoundToTheRule()
    {
        Assert.Equal("${var.schedule_expression}", Attr(Module.Resource("aws_cloudwatch_event_rule", "schedule"), "schedule_expression"));
        Assert.Equal("${aws_lambda_function.rotator.arn}", Attr(Module.Resource("aws_cloudwatch_event_target", "schedule"), "arn"));
        var permission = Module.Resource("aws_lambda_permission", "schedule");
        Assert.Equal("events.amazonaws.com", Attr(permission, "principal"));
        Assert.Equal("${aws_cloudwatch_event_rule.schedule.arn}", Attr(permission, "source_arn"));
    }

    [NodeFact]
    public void SecretsManagerPermission_IsOptionalAndLimitedToThisAccount()
    {
        var permission = Module.Resource("aws_lambda_permission", "secrets_manager");

        Assert.Equal("${var.enable_secrets_manager_rotation ? 1 : 0}", Attr(permission, "count"));
        Assert.Equal("secretsmanager.amazonaws.com", Attr(permission, "principal"));
        Assert.Equal("${local.account_id}", Attr(permission, "source_account"));
    }

    [NodeFact]
    public void WorkQueue_HasDeadLetterRedriveAndSixTimesTheTimeout()
    {
        var queue = Module.Resource("aws_sqs_queue", "work");

        Assert.Equal("${var.timeout * 6}", Attr(queue, "visibility_timeout_seconds"));
        var redrive = Attr(queue, "redrive_policy");
        Assert.Contains("deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn", redrive, StringComparison.Ordinal);
        Assert.Contains("maxReceiveCount     = var.fanout_max_receive_count", redrive, StringComparison.Ordinal);
        Assert.Equal(5, Module.Variables["fanout_max_receive_count"].GetProperty("default").GetInt32());
        Assert.All(new[] { queue, Module.Resource("aws_sqs_queue", "dead_letter"), Module.Resource("aws_lambda_event_source_mapping", "work") },
            r => Assert.Equal("${var.enable_fanout ? 1 : 0}", Attr(r, "count")));
    }

    [NodeFact]
    public void ResultsQueue_OnlyWithFanOutEncryptedAndKeptLongerThanADigestWaits()
    {
        var queue = Module.Resource("aws_sqs_queue", "results");

        Assert.Equal("${var.enable_fanout ? 1 : 0}", Attr(queue, "count"));
        Assert.Equal("true", Attr(queue, "sqs_managed_sse_enabled"));
        Assert.True(int.Parse(Attr(queue, "message_retention_seconds"), System.Globalization.CultureInfo.InvariantCulture) > new OrgKeyRotation.Engine.EngineOptions().DigestHorizon.TotalSeconds);
        Assert.Equal("${var.name}-results", Attr(queue, "name"));
        Assert.StartsWith("${try(aws_sqs_queue.results[0].url", Attr(Module.Outputs["results_queue_url"], "value"), StringComparison.Ordinal);
    }

    [NodeFact]
    public void EventSourceMapping_ReportsPartialBatchFailuresAndIsCappedAtTheReservedConcurrency()
    {
        var mapping = Module.Resource("aws_lambda_event_source_mapping", "work");

        Assert.Equal("[\"ReportBatchItemFailures\"]", Attr(mapping, "function_response_types"));
        Assert.Equal("${var.fanout_batch_size}", Attr(mapping, "batch_size"));
        Assert.Equal(10, Module.Variables["fanout_batch_size"].GetProperty("default").GetInt32());
        // Above 10 Lambda requires a batching window; the variable stops at 10, so none is set.
        Assert.False(mapping.TryGetProperty("maximum_batching_window_in_seconds", out _));
        Assert.Equal("${aws_sqs_queue.work[0].arn}", Attr(mapping, "event_source_arn"));
        var scaling = mapping.GetProperty("dynamic").GetProperty("scaling_config")[0];
        Assert.Contains("module.settings.fanout_maximum_concurrency", scaling.GetProperty("for_each").GetString()!, StringComparison.Ordinal);
        Assert.Equal("${scaling_config.value}", scaling.GetProperty("content")[0].GetProperty("maximum_concurrency").GetString());
    }

    [NodeFact]
    public void AlertTopic_IsKmsEncryptedWithEmailSubscriptionsAndFilterPolicy()
    {
        Assert.Equal("${local.topic_key_arn}", Attr(Module.Resource("aws_sns_topic", "alerts"), "kms_master_key_id"));
        var subscription = Module.Resource("aws_sns_topic_subscription", "email");
        Assert.Equal("email", Attr(subscription, "protocol"));
        Assert.Equal("${toset(module.settings.alert_emails)}", Attr(subscription, "for_each"));
        Assert.Equal("${module.settings.email_filter_policy}", Attr(subscription, "filter_policy"));
        Assert.Equal("true", Attr(Module.Resource("aws_kms_key", "topic"), "enable_key_rotation"));
    }

    [NodeFact]
    public void FailureAlarm_SumsRotationFailuresOfEveryTriggerAndNotifiesTheTopic()
    {
        var alarm = Module.Resource("aws_cloudwatch_metric_alarm", "failures");

        Assert.Equal("1", Attr(alarm, "threshold"));
        Assert.Equal("GreaterThanOrEqualToThreshold", Attr(alarm, "comparison_operator"));
        Assert.Equal("[\"${aws_sns_topic.alerts.arn}\"]", Attr(alarm, "alarm_actions"));
        var sum = Assert.Single(alarm.GetProperty("metric_query").EnumerateArray());
        Assert.Equal("SUM(METRICS())", sum.GetProperty("expression").GetString());
        var perTrigger = alarm.GetProperty("dynamic").GetProperty("metric_query")[0];
        Assert.Equal("${toset(local.sweep_triggers)}", perTrigger.GetProperty("for_each").GetString());
        var metric = perTrigger.GetProperty("content")[0].GetProperty("metric")[0];
        Assert.Equal("OrgKeyRotation", metric.GetProperty("namespace").GetString());
        Assert.Equal("RotationFailures", metric.GetProperty("metric_name").GetString());
        Assert.Equal(["Manual", "Scheduled", "Sqs"], Module.Locals["sweep_triggers"].EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>What fails silently otherwise: each alarm notifies the alert topic. Metric names are the ones AWS and the function emit.</summary>
    [NodeTheory]
    [InlineData("rotation-step-failures", "var.enable_secrets_manager_rotation", "OrgKeyRotation", "RotationStepFailures", "Trigger", "\"RotationStep\"", "GreaterThanOrEqualToThreshold", 1)]
    [InlineData("function-errors", "true", "AWS/Lambda", "Errors", "FunctionName", "aws_lambda_function.rotator.function_name", "GreaterThanOrEqualToThreshold", 1)]
    [InlineData("function-throttles", "true", "AWS/Lambda", "Throttles", "FunctionName", "aws_lambda_function.rotator.function_name", "GreaterThanOrEqualToThreshold", 1)]
    [InlineData("dead-letters", "var.enable_fanout", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "try(aws_sqs_queue.dead_letter[0].name, \"\")", "GreaterThanThreshold", 0)]
    public void Alarm_WatchesItsMetricAndNotifiesTheTopic(string suffix, string enabled, string ns, string metric, string dimension, string value, string comparison, int threshold)
    {
        var alarm = Module.Locals["metric_alarms"].GetProperty(suffix);

        Assert.Equal(enabled, Attr(alarm, "enabled").Trim('$', '{', '}'));
        Assert.Equal(ns, Attr(alarm, "namespace"));
        Assert.Equal(metric, Attr(alarm, "metric_name"));
        Assert.Equal($"${{tomap({{ {dimension} = {value} }})}}", Attr(alarm, "dimensions"));
        Assert.Equal(comparison, Attr(alarm, "comparison"));
        Assert.Equal(threshold, alarm.GetProperty("threshold").GetInt32());
    }

    /// <summary>The single-metric alarms are one resource: each enabled entry of metric_alarms, named after its key, notifies the topic.</summary>
    [NodeFact]
    public void SingleMetricAlarms_AreOneForEachOverTheEnabledEntries()
    {
        var alarm = Module.Resource("aws_cloudwatch_metric_alarm", "single_metric");

        Assert.Equal(["dead-letters", "function-errors", "function-throttles", "rotation-step-failures"], Module.Locals["metric_alarms"].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("${{ for suffix, alarm in local.metric_alarms : suffix => alarm if var.enable_failure_alarm && alarm.enabled }}", Attr(alarm, "for_each"));
        Assert.Equal("${var.name}-${each.key}", Attr(alarm, "alarm_name"));
        Assert.Equal("notBreaching", Attr(alarm, "treat_missing_data"));
        Assert.Equal("[\"${aws_sns_topic.alerts.arn}\"]", Attr(alarm, "alarm_actions"));
        Assert.All(new[] { "namespace", "metric_name", "dimensions", "statistic", "period", "threshold" }, a => Assert.Equal($"${{each.value.{a}}}", Attr(alarm, a)));
        Assert.Equal("${each.value.comparison}", Attr(alarm, "comparison_operator"));
    }

    [NodeFact]
    public void RotationStepMetric_IsTheOneTheFunctionWrites()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "OrgKeyRotation.Lambda", "Metrics", "EmfMetricsWriter.cs"));

        Assert.Contains("RotationStepFailures = \"RotationStepFailures\"", source, StringComparison.Ordinal);
        Assert.Contains("Namespace = \"OrgKeyRotation\"", source, StringComparison.Ordinal);
    }

    [NodeFact]
    public void OptionalOutputs_UseTry()
    {
        Assert.StartsWith("${try(aws_sqs_queue.work[0].url", Attr(Module.Outputs["work_queue_url"], "value"), StringComparison.Ordinal);
        Assert.StartsWith("${try(aws_sqs_queue.dead_letter[0].url", Attr(Module.Outputs["dead_letter_queue_url"], "value"), StringComparison.Ordinal);
        Assert.All(new[] { "function_name", "function_arn", "execution_role_arn", "sns_topic_arn", "work_queue_url", "rotation_role_name", "secret_name_prefix", "secret_location", "external_id", "organizations_delegation_policy" },
            o => Assert.Contains(o, Module.Outputs.Keys));
    }
}
