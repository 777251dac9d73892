output "trust_policy" {
  description = "The role's trust policy (JSON)."
  value       = local.trust_policy

  precondition {
    condition     = local.trusted_account_id != null
    error_message = "Set trusted_account_id or central_role_arn: the role must know which rotator it trusts."
  }
  precondition {
    condition     = var.central_role_arn == null || try(split(":", var.central_role_arn)[4], "") == local.trusted_account_id
    error_message = "central_role_arn is not in trusted_account_id."
  }
  precondition {
    condition     = !var.require_organization || local.organization_id != null
    error_message = "require_organization is on but no Organization is known: set organization_id, or require_organization = false for a rotator outside any Organization."
  }
}

output "permissions_policy" {
  description = "The role's permission policy (JSON)."
  value       = local.permissions_policy

  precondition {
    condition     = var.secret_kms_key_id == null || local.secret_kms_key_is_alias || try(split(":", var.secret_kms_key_id)[4] == var.account_id, false)
    error_message = "secret_kms_key_id is the ARN of another account's key (or, with the StackSet, of one account's key): each member account encrypts its own secrets. Use alias/NAME, which each account resolves to its own key."
  }
  precondition {
    condition     = alltrue([for arn in var.ssm_kms_key_arns : try(split(":", arn)[4] == var.account_id, false)])
    error_message = "ssm_kms_key_arns names a key of another account (or, with the StackSet, one account's key): Parameter Store encrypts with a key of the parameter's own account. List this account's keys, or none for aws/ssm."
  }
  precondition {
    condition     = length(var.ssm_kms_key_arns) == 0 || length(var.ssm_parameter_prefixes) > 0
    error_message = "ssm_kms_key_arns is set but ssm_parameter_prefixes is empty: the keys encrypt parameters the role may not write. Set ssm_parameter_prefixes (central-admin output of the same name)."
  }
}

output "trusted_principal_arn" {
  description = "The one principal the role trusts."
  value       = local.trusted_principal_arn
}

output "external_id" {
  description = "The sts:ExternalId the role requires; null when none."
  value       = local.external_id
}

output "role_name" {
  description = "Name of the role (role_name), for the calling module's role resource or template."
  value       = var.role_name
}
