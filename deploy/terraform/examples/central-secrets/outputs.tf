output "function_name" {
  description = "Rotator Lambda name, for a manual run: aws lambda invoke --function-name NAME --cli-binary-format raw-in-base64-out --payload '{}' out.json"
  value       = module.central.function_name
}

output "rotator_role_arn" {
  description = "The rotator of the central secrets (the execution role, path included): keyrot writes them only as this role."
  value       = module.central.execution_role_arn
}

output "secrets_key_arn" {
  description = "The customer managed key that encrypts the central secrets."
  value       = module.central.secret_kms_key_id
}

output "secret_reader_policy" {
  description = "The identity policy a member user needs to read its own secret (attached to the readers' group here)."
  value       = module.central.secret_reader_policy
}

output "member_role_arn" {
  description = "ARN of the rotation role in the member account."
  value       = module.member.role_arn
}
