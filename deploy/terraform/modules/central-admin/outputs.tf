output "function_name" {
  description = "Name of the rotator Lambda (for aws lambda invoke)."
  value       = aws_lambda_function.rotator.function_name
}

output "function_arn" {
  description = "ARN of the rotator Lambda."
  value       = aws_lambda_function.rotator.arn
}

output "execution_role_arn" {
  description = "ARN of the Lambda's execution role: the only principal member roles should trust (central_role_arn)."
  value       = aws_iam_role.lambda.arn
}

output "rotation_role_name" {
  description = "Name of the role the rotator assumes; pass it to the member modules as role_name."
  value       = var.rotation_role_name
}

output "secret_name_prefix" {
  description = "Literal prefix of the hand-over secret names; pass it to the member modules as secret_name_prefix."
  value       = module.settings.secret_name_prefix
}

output "ssm_parameter_prefixes" {
  description = "The literal start of every ssm destination's parameter name; pass it to the member modules as ssm_parameter_prefixes (their role may write parameters under these prefixes only)."
  value       = module.settings.ssm_parameter_prefixes
}

output "secret_location" {
  description = "Where the hand-over secrets live; pass it to the member modules as secret_location."
  value       = var.secret_location
}

output "external_id" {
  description = "The sts:ExternalId the rotator sends (rotation_external_id or its derived default); pass it to the member modules as external_id."
  value       = module.settings.external_id
}

output "organizations_delegation_policy" {
  description = "An AWS Organizations resource-based delegation policy letting the rotator list accounts when it does not run in the management account (apply it there, e.g. with aws_organizations_resource_policy)."
  value       = module.settings.organizations_delegation_policy
}

output "user_path" {
  description = "IAM path of the users rotated by discovery; pass it to the member modules as user_path."
  value       = var.discovery_user_path
}

output "sns_topic_arn" {
  description = "ARN of the KMS-encrypted alert topic."
  value       = aws_sns_topic.alerts.arn
}

output "sns_kms_key_arn" {
  description = "ARN of the KMS key encrypting the alert topic (created or given)."
  value       = local.topic_key_arn
}

output "work_queue_url" {
  description = "URL of the fan-out work queue; null when enable_fanout is false."
  value       = try(aws_sqs_queue.work[0].url, null)
}

output "results_queue_url" {
  description = "URL of the fan-out results queue (account reports for the sweep's digest); null when enable_fanout is false."
  value       = try(aws_sqs_queue.results[0].url, null)
}

output "dead_letter_queue_url" {
  description = "URL of the fan-out dead-letter queue; null when enable_fanout is false."
  value       = try(aws_sqs_queue.dead_letter[0].url, null)
}

output "schedule_rule_name" {
  description = "Name of the EventBridge rule that starts sweeps."
  value       = aws_cloudwatch_event_rule.schedule.name
}

output "secret_kms_key_id" {
  description = "The KMS key of the hand-over secrets (secret_kms_key_id, or the key created for central secrets); pass it to the member modules as secret_kms_key_id. null for aws/secretsmanager."
  value       = module.settings.secret_kms_key_id
}

output "secrets_key_policy" {
  description = "The key policy central secrets need: the one the created key has, and the one to give your own key when you pass secret_kms_key_id with secret_location = \"central\"."
  value       = module.settings.secrets_key_policy
}

output "secret_reader_policy" {
  description = "With secret_location = \"central\": the identity policy each member user needs to read its own hand-over secret (attach it to the users, e.g. through a group); null with member secrets."
  value       = module.settings.secret_reader_policy
}
