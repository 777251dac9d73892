# The rotation role alone, applied with credentials of one member account (e.g. from that account's own
# pipeline). The values must match the central deployment: use its outputs execution_role_arn,
# rotation_role_name, user_path, secret_name_prefix and ssm_parameter_prefixes, and the same external id.

provider "aws" {
  region = var.region
}

module "member" {
  source = "../../modules/member-account"

  account_id         = var.account_id
  trusted_account_id = var.trusted_account_id
  central_role_arn   = var.central_role_arn
  role_name          = var.rotation_role_name
  external_id        = var.rotation_external_id
  organization_id    = var.organization_id
  user_path          = var.user_path
  secret_location    = var.secret_location
  secret_name_prefix = var.secret_name_prefix
  secret_kms_key_id  = var.secret_kms_key_id

  ssm_parameter_prefixes = var.ssm_parameter_prefixes
  ssm_kms_key_arns       = var.ssm_kms_key_arns
}
