# The new key also goes where consumers read it: a SecureString parameter in the user's account (every rotated user)
# and two GitHub Actions secrets of a deployment environment (one CI user). The rotator in the central account, the
# rotation role in one member account, and the empty secret that holds the GitHub credential: put the GitHub App (or
# a fine-grained token) in it with the AWS CLI, never through Terraform, so that no state file holds it.

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

resource "aws_secretsmanager_secret" "github" {
  name        = var.github_credentials_secret_name
  description = "GitHub App (appId, privateKey, installationId) or fine-grained token (token) with which OrgKeyRotation writes Actions secrets."
}

module "central" {
  source = "../../modules/central-admin"

  lambda_zip_path      = var.lambda_zip_path
  accounts_users_json  = var.accounts_users_json
  rotation_role_name   = var.rotation_role_name
  rotation_external_id = var.rotation_external_id
  sns_alert_email      = var.sns_alert_email
  dry_run              = var.dry_run

  destinations = {
    defaults = [
      { type = "ssm", name = "${var.parameter_prefix}{accountId}/{userName}", format = "json" },
    ]
    accounts = {
      (var.member_account_id) = {
        users = {
          (var.ci_user_name) = [
            { type = "github", scope = "environment", repository = var.github_repository, environment = var.github_environment },
          ]
        }
      }
    }
  }
  github_api_url                = var.github_api_url
  github_credentials_secret_arn = aws_secretsmanager_secret.github.arn
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
  # The role may write parameters under exactly the prefixes of the configured ssm destinations.
  ssm_parameter_prefixes = module.central.ssm_parameter_prefixes
}

check "ci_user_is_rotated" {
  assert {
    condition     = contains(try(jsondecode(var.accounts_users_json)[var.member_account_id], []), var.ci_user_name)
    error_message = "ci_user_name is not among the users of member_account_id in accounts_users_json: its GitHub destination would never be written."
  }
}
