# The function, its log group, and what may invoke it: the schedule and, with Secrets Manager rotation, Secrets
# Manager. The SQS event source is in fanout.tf.

resource "aws_cloudwatch_log_group" "lambda" {
  name              = "/aws/lambda/${var.name}"
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
  filename                       = var.lambda_zip_path
  source_code_hash               = filebase64sha256(var.lambda_zip_path)
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
