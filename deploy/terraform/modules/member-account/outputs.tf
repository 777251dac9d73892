output "role_arn" {
  description = "ARN of the role the central rotator assumes in this account."
  value       = aws_iam_role.rotation.arn
}

output "role_name" {
  description = "Name of the role (equals the central rotation_role_name)."
  value       = aws_iam_role.rotation.name
}

output "trusted_principal_arn" {
  description = "The one principal the role trusts (central_role_arn, or the derived default rotator role)."
  value       = module.policies.trusted_principal_arn
}
