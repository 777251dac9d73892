output "function_name" {
  description = "Rotator Lambda name, for a manual run: aws lambda invoke --function-name NAME --cli-binary-format raw-in-base64-out --payload '{}' out.json"
  value       = module.central.function_name
}

output "sns_topic_arn" {
  description = "Alert topic ARN."
  value       = module.central.sns_topic_arn
}

output "work_queue_url" {
  description = "Fan-out work queue URL."
  value       = module.central.work_queue_url
}

output "stack_set_name" {
  description = "StackSet that creates the rotation role in the target OUs."
  value       = module.member_roles.stack_set_name
}
