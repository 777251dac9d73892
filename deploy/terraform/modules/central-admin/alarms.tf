# CloudWatch alarms that notify the alert topic (enable_failure_alarm): what fails silently otherwise.

locals {
  # Values of the Trigger dimension the function gives its metrics (src/OrgKeyRotation.Lambda).
  sweep_triggers = ["Scheduled", "Sqs", "Manual"]

  # One alarm per metric that must stay at zero, keyed by its name's suffix; `enabled` says when its metric exists.
  metric_alarms = {
    # A Secrets Manager rotation step that failed: Secrets Manager retries it and, without this, nobody is told.
    rotation-step-failures = {
      enabled     = var.enable_secrets_manager_rotation
      description = "A Secrets Manager rotation step of a hand-over secret failed; the function's logs name the secret and step."
      namespace   = "OrgKeyRotation"
      metric_name = "RotationStepFailures"
      dimensions  = tomap({ Trigger = "RotationStep" })
      statistic   = "Sum"
      period      = 3600
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
    }
    # An invocation that failed as a whole (crash, timeout, refused event): no rotation alert is published for it.
    function-errors = {
      enabled     = true
      description = "The rotator function failed an invocation; see its log group."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = tomap({ FunctionName = aws_lambda_function.rotator.function_name })
      statistic   = "Sum"
      period      = 3600
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
    }
    # A throttled invocation did not run at all (reserved concurrency reached).
    function-throttles = {
      enabled     = true
      description = "Invocations of the rotator function were throttled; raise reserved_concurrency or lower the fan-out."
      namespace   = "AWS/Lambda"
      metric_name = "Throttles"
      dimensions  = tomap({ FunctionName = aws_lambda_function.rotator.function_name })
      statistic   = "Sum"
      period      = 3600
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
    }
    # A work message that failed fanout_max_receive_count times: that account was not swept.
    dead-letters = {
      enabled     = var.enable_fanout
      description = "A fan-out work message reached the dead-letter queue: its account was not swept. Read it, fix the cause, redrive it."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = tomap({ QueueName = try(aws_sqs_queue.dead_letter[0].name, "") })
      statistic   = "Maximum"
      period      = 300
      comparison  = "GreaterThanThreshold"
      threshold   = 0
    }
  }
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

resource "aws_cloudwatch_metric_alarm" "single_metric" {
  for_each = { for suffix, alarm in local.metric_alarms : suffix => alarm if var.enable_failure_alarm && alarm.enabled }

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = var.tags
}

# The addresses these alarms have as separate resources: Terraform moves them in the state instead of replacing them.
moved {
  from = aws_cloudwatch_metric_alarm.rotation_step_failures[0]
  to   = aws_cloudwatch_metric_alarm.single_metric["rotation-step-failures"]
}

moved {
  from = aws_cloudwatch_metric_alarm.function_errors[0]
  to   = aws_cloudwatch_metric_alarm.single_metric["function-errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.function_throttles[0]
  to   = aws_cloudwatch_metric_alarm.single_metric["function-throttles"]
}

moved {
  from = aws_cloudwatch_metric_alarm.dead_letters[0]
  to   = aws_cloudwatch_metric_alarm.single_metric["dead-letters"]
}
