output "role_arn" {
  description = "ARN of the role the central rotator assumes in this account."
  value       = aws_iam_role.rotation.arn
}

output "role_name" {
  description = "Name of the role (equals the central rotation_role_name)."
  value       = aws_iam_role.rotation.name
}
