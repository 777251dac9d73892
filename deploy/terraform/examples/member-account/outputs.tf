output "role_arn" {
  description = "ARN of the rotation role in this account."
  value       = module.member.role_arn
}
