output "stack_set_name" {
  description = "Name of the StackSet."
  value       = aws_cloudformation_stack_set.member_roles.name
}

output "stack_set_id" {
  description = "Id of the StackSet."
  value       = aws_cloudformation_stack_set.member_roles.stack_set_id
}

output "role_name" {
  description = "Name of the role created in every target account (equals the central rotation_role_name)."
  value       = var.role_name
}

output "template_body" {
  description = "The rendered CloudFormation template, for review."
  value       = local.template_body
}
