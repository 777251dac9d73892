# An explicit account -> users map, one central account and one member account.
# The central account runs the rotator; Terraform reaches the member account through member_admin_role_arn.

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "member"
  region = var.region

  assume_role {
    role_arn = var.member_admin_role_arn
  }
}

data "aws_caller_identity" "central" {}

module "central" {
  source = "../../modules/central-admin"

  lambda_zip_path      = var.lambda_zip_path
  accounts_users_json  = var.accounts_users_json
  rotation_role_name   = var.rotation_role_name
  rotation_external_id = var.rotation_external_id
  sns_alert_email      = var.sns_alert_email
  schedule_expression  = var.schedule_expression
  max_key_age_days     = var.max_key_age_days
  dry_run              = var.dry_run
}

module "member" {
  source = "../../modules/member-account"
  providers = {
    aws = aws.member
  }

  account_id         = var.member_account_id
  trusted_account_id = data.aws_caller_identity.central.account_id
  central_role_arn   = module.central.execution_role_arn
  role_name          = module.central.rotation_role_name
  external_id        = module.central.external_id
  user_path          = module.central.user_path
  secret_location    = module.central.secret_location
  secret_name_prefix = module.central.secret_name_prefix
  secret_kms_key_id  = module.central.secret_kms_key_id
  # Empty while no ssm destination is configured: the role then gets no Parameter Store permission.
  ssm_parameter_prefixes = module.central.ssm_parameter_prefixes
}

check "member_account_is_in_scope" {
  assert {
    condition     = contains(keys(jsondecode(var.accounts_users_json)), var.member_account_id)
    error_message = "member_account_id is not a key of accounts_users_json: the role would be created where nothing is rotated."
  }
}
