data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

# aws:PrincipalOrgID on by default: without organization_id, the Organization of this member account.
data "aws_organizations_organization" "current" {
  count = var.require_organization && var.organization_id == null ? 1 : 0
}

# The policies are computed in a provider-free module (shared with member-roles-stackset), so
# tests/OrgKeyRotation.Deploy.Tests evaluates the same code with terraform offline.
module "policies" {
  source = "../member-policies"

  partition                  = data.aws_partition.current.partition
  discovered_organization_id = try(data.aws_organizations_organization.current[0].id, null)

  account_id           = var.account_id
  role_name            = var.role_name
  trusted_account_id   = var.trusted_account_id
  central_role_arn     = var.central_role_arn
  external_id          = var.external_id
  require_external_id  = var.require_external_id
  organization_id      = var.organization_id
  require_organization = var.require_organization
  user_path            = var.user_path
  secret_location      = var.secret_location
  secret_name_prefix   = var.secret_name_prefix
  secret_kms_key_id    = var.secret_kms_key_id
  bulk_user_read       = var.bulk_user_read

  ssm_parameter_prefixes = var.ssm_parameter_prefixes
  ssm_kms_key_arns       = var.ssm_kms_key_arns
}

resource "aws_iam_role" "rotation" {
  name               = module.policies.role_name
  description        = "Assumed by the OrgKeyRotation Lambda in ${var.trusted_account_id} to rotate IAM user access keys."
  assume_role_policy = module.policies.trust_policy
  # A sweep takes minutes; one hour is the shortest allowed and plenty.
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = data.aws_caller_identity.current.account_id == var.account_id
      error_message = "The AWS provider of this module is not in account_id: configure it for the member account."
    }
  }
}

resource "aws_iam_role_policy" "rotation" {
  name   = "rotate-access-keys"
  role   = aws_iam_role.rotation.id
  policy = module.policies.permissions_policy
}
