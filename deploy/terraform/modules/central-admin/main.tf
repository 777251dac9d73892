data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  # The region of the provider, read from an ARN: data.aws_region's attribute is `name` in provider 5.x and
  # `region` in 6.x (where `name` is deprecated), so neither works across both.
  region = split(":", aws_cloudwatch_log_group.lambda.arn)[3]

  lambda_zip_path = coalesce(var.lambda_zip_path, "${path.module}/../../../../artifacts/lambda/orgkeyrotation-lambda.zip")
  log_group_name  = "/aws/lambda/${var.name}"

  # Values of the Trigger dimension the function gives its metrics (src/OrgKeyRotation.Lambda).
  sweep_triggers = ["Scheduled", "Sqs", "Manual"]

  create_topic_key = var.sns_kms_key_arn == null
  topic_key_arn    = local.create_topic_key ? aws_kms_key.topic[0].arn : var.sns_kms_key_arn
}

# Everything computed from the inputs (environment, policies, derived names, cross-input rules) lives in a
# provider-free module, so tests/OrgKeyRotation.Deploy.Tests evaluates the same code with terraform offline.
module "settings" {
  source = "../central-settings"

  partition         = local.partition
  region            = local.region
  account_id        = local.account_id
  topic_arn         = aws_sns_topic.alerts.arn
  topic_key_arn     = local.topic_key_arn
  log_group_arn     = aws_cloudwatch_log_group.lambda.arn
  work_queue_arn    = try(aws_sqs_queue.work[0].arn, null)
  work_queue_url    = try(aws_sqs_queue.work[0].url, null)
  results_queue_arn = try(aws_sqs_queue.results[0].arn, null)
  results_queue_url = try(aws_sqs_queue.results[0].url, null)

  name                            = var.name
  accounts_users_json             = var.accounts_users_json
  rotation_role_name              = var.rotation_role_name
  rotation_external_id            = var.rotation_external_id
  discover_organization           = var.discover_organization
  organization_id                 = var.organization_id
  discovery_include_ous           = var.discovery_include_ous
  discovery_exclude_accounts      = var.discovery_exclude_accounts
  discovery_user_path             = var.discovery_user_path
  discovery_user_tag              = var.discovery_user_tag
  max_key_age_days                = var.max_key_age_days
  deactivate_after_days           = var.deactivate_after_days
  delete_after_days               = var.delete_after_days
  require_old_key_unused          = var.require_old_key_unused
  max_deactivation_delay_days     = var.max_deactivation_delay_days
  old_key_idle_days               = var.old_key_idle_days
  exempt_group                    = var.exempt_group
  exempt_tag                      = var.exempt_tag
  alert_owner_tag                 = var.alert_owner_tag
  secret_name_template            = var.secret_name_template
  secret_kms_key_id               = var.secret_kms_key_id
  secret_location                 = var.secret_location
  dry_run                         = var.dry_run
  concurrency_accounts            = var.concurrency_accounts
  concurrency_users_per_account   = var.concurrency_users_per_account
  enable_fanout                   = var.enable_fanout
  reserved_concurrency            = var.reserved_concurrency
  enable_secrets_manager_rotation = var.enable_secrets_manager_rotation
  sns_alert_email                 = var.sns_alert_email
  sns_filter_policy               = var.sns_filter_policy
}

# --- Execution role -------------------------------------------------------------------------------

resource "aws_iam_role" "lambda" {
  name               = module.settings.execution_role_name
  description        = "Runs the OrgKeyRotation Lambda: assumes ${var.rotation_role_name} in member accounts."
  assume_role_policy = module.settings.lambda_trust_policy
  tags               = var.tags
}

resource "aws_iam_role_policy" "lambda" {
  name   = "least-privilege"
  role   = aws_iam_role.lambda.id
  policy = module.settings.execution_policy
}

# --- Alerts: KMS-encrypted topic, email subscriptions, alarms ---------------------------------------

resource "aws_kms_key" "topic" {
  count = local.create_topic_key ? 1 : 0

  description         = "Encrypts the OrgKeyRotation alert topic ${var.name}-alerts."
  enable_key_rotation = true
  policy              = module.settings.topic_key_policy
  tags                = var.tags

  # KMS refuses a key policy naming a principal that does not exist yet.
  depends_on = [aws_iam_role.lambda]
}

resource "aws_kms_alias" "topic" {
  count = local.create_topic_key ? 1 : 0

  name          = "alias/${var.name}-alerts"
  target_key_id = aws_kms_key.topic[0].key_id
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = local.topic_key_arn
  tags              = var.tags
}

# Quiet by default: email gets the sweep's digest and what a person must act on (sns_filter_policy); every other
# event stays on the topic for machine subscribers (docs/alerts.md).
resource "aws_sns_topic_subscription" "email" {
  for_each = toset(module.settings.alert_emails)

  topic_arn     = aws_sns_topic.alerts.arn
  protocol      = "email"
  endpoint      = each.value
  filter_policy = module.settings.email_filter_policy
}

resource "aws_cloudwatch_metric_alarm" "failures" {
  count = var.enable_failure_alarm ? 1 : 0

  alarm_name          = "${var.name}-rotation-failures"
  alarm_description   = "At least one key rotation failed; the function's logs and the alert emails say which account and user."
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = var.tags

  # The function writes RotationFailures (embedded metric format) with one dimension, Trigger; an alarm matches
  # dimensions exactly, so it sums the series of every trigger that sweeps.
  metric_query {
    id          = "failures"
    expression  = "SUM(METRICS())"
    label       = "RotationFailures (all triggers)"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = toset(local.sweep_triggers)

    content {
      id = "by_${lower(metric_query.value)}"

      metric {
        namespace   = "OrgKeyRotation"
        metric_name = "RotationFailures"
        dimensions  = { Trigger = metric_query.value }
        stat        = "Sum"
        period      = 3600
      }
    }
  }
}

# A Secrets Manager rotation step that failed: Secrets Manager retries it and, without this, nobody is told.
resource "aws_cloudwatch_metric_alarm" "rotation_step_failures" {
  count = var.enable_failure_alarm && var.enable_secrets_manager_rotation ? 1 : 0

  alarm_name          = "${var.name}-rotation-step-failures"
  alarm_description   = "A Secrets Manager rotation step of a hand-over secret failed; the function's logs name the secret and step."
  namespace           = "OrgKeyRotation"
  metric_name         = "RotationStepFailures"
  dimensions          = { Trigger = "RotationStep" }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = var.tags
}

# An invocation that failed as a whole (crash, timeout, refused event): no rotation alert is published for it.
resource "aws_cloudwatch_metric_alarm" "function_errors" {
  count = var.enable_failure_alarm ? 1 : 0

  alarm_name          = "${var.name}-function-errors"
  alarm_description   = "The rotator function failed an invocation; see its log group."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.rotator.function_name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = var.tags
}

# A throttled invocation did not run at all (reserved concurrency reached).
resource "aws_cloudwatch_metric_alarm" "function_throttles" {
  count = var.enable_failure_alarm ? 1 : 0

  alarm_name          = "${var.name}-function-throttles"
  alarm_description   = "Invocations of the rotator function were throttled; raise reserved_concurrency or lower the fan-out."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.rotator.function_name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = var.tags
}

# A work message that failed fanout_max_receive_count times: that account was not swept.
resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  count = var.enable_failure_alarm && var.enable_fanout ? 1 : 0

  alarm_name          = "${var.name}-dead-letters"
  alarm_description   = "A fan-out work message reached the dead-letter queue: its account was not swept. Read it, fix the cause, redrive it."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dead_letter[0].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = var.tags
}

# --- Function ---------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "lambda" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "rotator" {
  function_name                  = var.name
  description                    = "Rotates IAM user access keys across the Organization's member accounts."
  role                           = aws_iam_role.lambda.arn
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  architectures                  = [var.architecture]
  filename                       = local.lambda_zip_path
  source_code_hash               = filebase64sha256(local.lambda_zip_path)
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrency

  environment {
    variables = module.settings.environment
  }

  tags = var.tags

  # The role's policy must exist before the first invocation, and the log group before the first log line.
  depends_on = [aws_iam_role_policy.lambda, aws_cloudwatch_log_group.lambda]
}

# --- Schedule ---------------------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "schedule" {
  name                = "${var.name}-schedule"
  description         = "Starts an OrgKeyRotation sweep."
  schedule_expression = var.schedule_expression
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  rule = aws_cloudwatch_event_rule.schedule.name
  arn  = aws_lambda_function.rotator.arn
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.rotator.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule.arn
}

# Secrets Manager of this account calls the function as the rotation Lambda of the central hand-over secrets
# (the only secrets it rotates: central-settings refuses the option with secret_location = "member").
resource "aws_lambda_permission" "secrets_manager" {
  count = var.enable_secrets_manager_rotation ? 1 : 0

  statement_id   = "AllowSecretsManagerRotation"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.rotator.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = local.account_id
}

# --- Fan-out: one work message per account, one digest per sweep -------------------------------------

resource "aws_sqs_queue" "dead_letter" {
  count = var.enable_fanout ? 1 : 0

  name                      = "${var.name}-work-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "work" {
  count = var.enable_fanout ? 1 : 0

  name = "${var.name}-work"
  # AWS advises at least six times the function timeout so a retried batch is not delivered twice at once.
  visibility_timeout_seconds = var.timeout * 6
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.fanout_max_receive_count
  })
  tags = var.tags
}

# Each worker reports its account here; the sweep's delayed digest item gathers the reports and publishes one digest
# (docs/alerts.md). Retention outlives the longest a digest item keeps coming back (about 5.5 hours by default).
resource "aws_sqs_queue" "results" {
  count = var.enable_fanout ? 1 : 0

  name                      = "${var.name}-results"
  message_retention_seconds = 86400
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

# A batch of up to 10 needs no batching window (Lambda's default of 0 s): it goes out as soon as it is polled, and
# one invocation sweeps its accounts together (docs/lambda.md).
resource "aws_lambda_event_source_mapping" "work" {
  count = var.enable_fanout ? 1 : 0

  event_source_arn        = aws_sqs_queue.work[0].arn
  function_name           = aws_lambda_function.rotator.arn
  batch_size              = var.fanout_batch_size
  function_response_types = ["ReportBatchItemFailures"]

  # Never more pollers than reserved copies of the function: a throttled invocation would still count as a
  # receive and push unprocessed messages towards the dead-letter queue.
  dynamic "scaling_config" {
    for_each = module.settings.fanout_maximum_concurrency == null ? [] : [module.settings.fanout_maximum_concurrency]

    content {
      maximum_concurrency = scaling_config.value
    }
  }
}
