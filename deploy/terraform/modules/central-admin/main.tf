data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  lambda_zip_path = coalesce(var.lambda_zip_path, "${path.module}/../../../../artifacts/lambda/orgkeyrotation-lambda.zip")
  log_group_name  = "/aws/lambda/${var.name}"
  policies_dir    = "${path.module}/../../policies"

  accounts           = jsondecode(var.accounts_users_json)
  member_role_arns   = [for account in sort(keys(local.accounts)) : "arn:${local.partition}:iam::${account}:role/${var.rotation_role_name}"]
  secret_name_prefix = split("{", var.secret_name_template)[0]

  # Values of the Trigger dimension the function gives its metrics (src/OrgKeyRotation.Lambda).
  sweep_triggers = ["Scheduled", "Sqs", "Manual"]

  create_topic_key = var.sns_kms_key_arn == null
  topic_key_arn    = local.create_topic_key ? aws_kms_key.topic[0].arn : var.sns_kms_key_arn
  kms_key_arns = concat(
    [local.topic_key_arn],
    var.secret_location == "central" && var.secret_kms_key_id != null ? [var.secret_kms_key_id] : [],
  )

  # Names match src/OrgKeyRotation.Core/Configuration/EnvironmentVariables.cs (checked by
  # tests/OrgKeyRotation.Deploy.Tests). Optional ones are left out when unset so the code's defaults apply;
  # an empty EXEMPT_GROUP/EXEMPT_TAG disables that exemption.
  optional_environment = {
    ROTATION_EXTERNAL_ID       = var.rotation_external_id
    DISCOVERY_INCLUDE_OUS      = length(var.discovery_include_ous) > 0 ? join(",", var.discovery_include_ous) : null
    DISCOVERY_EXCLUDE_ACCOUNTS = length(var.discovery_exclude_accounts) > 0 ? join(",", var.discovery_exclude_accounts) : null
    DISCOVERY_USER_TAG         = var.discovery_user_tag
    SECRET_KMS_KEY_ID          = var.secret_kms_key_id
    WORK_QUEUE_URL             = var.enable_fanout ? aws_sqs_queue.work[0].url : null
  }
  required_environment = {
    ACCOUNTS_USERS_JSON           = var.accounts_users_json
    ROTATION_ROLE_NAME            = var.rotation_role_name
    SNS_TOPIC_ARN                 = aws_sns_topic.alerts.arn
    DISCOVER_ORGANIZATION         = tostring(var.discover_organization)
    DISCOVERY_USER_PATH           = var.discovery_user_path
    MAX_KEY_AGE_DAYS              = tostring(var.max_key_age_days)
    DEACTIVATE_AFTER_DAYS         = tostring(var.deactivate_after_days)
    DELETE_AFTER_DAYS             = tostring(var.delete_after_days)
    REQUIRE_OLD_KEY_UNUSED        = tostring(var.require_old_key_unused)
    MAX_DEACTIVATION_DELAY_DAYS   = tostring(var.max_deactivation_delay_days)
    EXEMPT_GROUP                  = coalesce(var.exempt_group, "")
    EXEMPT_TAG                    = coalesce(var.exempt_tag, "")
    SECRET_NAME_TEMPLATE          = var.secret_name_template
    SECRET_LOCATION               = var.secret_location
    DRY_RUN                       = tostring(var.dry_run)
    CONCURRENCY_ACCOUNTS          = tostring(var.concurrency_accounts)
    CONCURRENCY_USERS_PER_ACCOUNT = tostring(var.concurrency_users_per_account)
  }
  environment = merge(local.required_environment, { for k, v in local.optional_environment : k => v if v != null })
}

# --- Execution role -------------------------------------------------------------------------------

resource "aws_iam_role" "lambda" {
  name               = "${var.name}-lambda"
  description        = "Runs the OrgKeyRotation Lambda: assumes ${var.rotation_role_name} in member accounts."
  assume_role_policy = templatefile("${local.policies_dir}/lambda-trust.json.tftpl", {})
  tags               = var.tags
}

resource "aws_iam_role_policy" "lambda" {
  name   = "least-privilege"
  role   = aws_iam_role.lambda.id
  policy = templatefile("${local.policies_dir}/central-execution.json.tftpl", {
    partition                  = local.partition
    region                     = local.region
    account_id                 = local.account_id
    role_name                  = var.rotation_role_name
    organization_id            = coalesce(var.organization_id, "none")
    member_role_arns           = local.member_role_arns
    discover_organization      = var.discover_organization
    enable_fanout              = var.enable_fanout
    work_queue_arn             = try(aws_sqs_queue.work[0].arn, "")
    central_secrets            = var.secret_location == "central"
    secret_name_prefix         = local.secret_name_prefix
    topic_arn                  = aws_sns_topic.alerts.arn
    kms_key_arns               = local.kms_key_arns
    log_group_arn              = aws_cloudwatch_log_group.lambda.arn
  })

  lifecycle {
    precondition {
      condition     = !var.discover_organization || var.organization_id != null
      error_message = "discover_organization = true needs organization_id (o-...): sts:AssumeRole is then limited to roles inside that Organization."
    }
    precondition {
      condition     = var.discover_organization || length(local.member_role_arns) > 0
      error_message = "accounts_users_json lists no account and discover_organization is false: there is nothing to rotate."
    }
  }
}

# --- Alerts: KMS-encrypted topic, email subscriptions, failure alarm -------------------------------

resource "aws_kms_key" "topic" {
  count = local.create_topic_key ? 1 : 0

  description         = "Encrypts the OrgKeyRotation alert topic ${var.name}-alerts."
  enable_key_rotation = true
  policy              = templatefile("${local.policies_dir}/topic-key-policy.json.tftpl", {
    partition       = local.partition
    account_id      = local.account_id
    lambda_role_arn = aws_iam_role.lambda.arn
  })
  tags = var.tags
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

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.sns_alert_email)

  topic_arn     = aws_sns_topic.alerts.arn
  protocol      = "email"
  endpoint      = each.value
  filter_policy = var.sns_filter_policy
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
    variables = local.environment
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

resource "aws_lambda_permission" "secrets_manager" {
  count = var.enable_secrets_manager_rotation ? 1 : 0

  statement_id   = "AllowSecretsManagerRotation"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.rotator.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = local.account_id
}

# --- Fan-out: one work message per account ---------------------------------------------------------

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
  redrive_policy             = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.fanout_max_receive_count
  })
  tags = var.tags
}

resource "aws_lambda_event_source_mapping" "work" {
  count = var.enable_fanout ? 1 : 0

  event_source_arn        = aws_sqs_queue.work[0].arn
  function_name           = aws_lambda_function.rotator.arn
  batch_size              = 1
  function_response_types = ["ReportBatchItemFailures"]
}
