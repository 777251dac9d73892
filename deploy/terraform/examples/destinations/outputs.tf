output "function_name" {
  description = "Rotator Lambda name, for a manual run: aws lambda invoke --function-name NAME --cli-binary-format raw-in-base64-out --payload '{}' out.json"
  value       = module.central.function_name
}

output "github_credentials_secret_arn" {
  description = "The secret to put the GitHub credential in (aws secretsmanager put-secret-value --secret-id ARN --secret-string file://github-app.json)."
  value       = aws_secretsmanager_secret.github.arn
}

output "ssm_parameter_prefixes" {
  description = "Where the member role may write parameters."
  value       = module.central.ssm_parameter_prefixes
}

output "member_role_arn" {
  description = "ARN of the rotation role in the member account."
  value       = module.member.role_arn
}
