output "function_name" {
  description = "Rotator Lambda name, for a manual run: aws lambda invoke --function-name NAME --cli-binary-format raw-in-base64-out --payload '{}' out.json"
  value       = module.central.function_name
}

output "sns_topic_arn" {
  description = "Alert topic ARN."
  value       = module.central.sns_topic_arn
}

output "member_role_arn" {
  description = "ARN of the rotation role in the member account."
  value       = module.member.role_arn
}
