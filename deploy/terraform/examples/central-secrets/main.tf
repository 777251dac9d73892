# Hand-over secrets in the central account: the rotator's execution role (under a path) is their only writer and the
# explicit rotator of every secret (SECRETS_ROTATOR_ARN); a customer managed key, created by central-admin, encrypts
# them, and its policy lets each member user of the Organization decrypt its own secret through Secrets Manager. In the
# member account the rotation role gets no Secrets Manager permission, and the users to rotate join a group whose
# policy reads their own secret.

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

  lambda_zip_path       = var.lambda_zip_path
  accounts_users_json   = var.accounts_users_json
  organization_id       = var.organization_id
  rotation_role_name    = var.rotation_role_name
  rotation_external_id  = var.rotation_external_id
  execution_role_path   = var.execution_role_path
  rotator_operator_arns = var.rotator_operator_arns
  secret_location       = "central"
  sns_alert_email       = var.sns_alert_email
  dry_run               = var.dry_run
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
  organization_id    = var.organization_id
  user_path          = module.central.user_path
  secret_location    = module.central.secret_location
  secret_name_prefix = module.central.secret_name_prefix
  secret_kms_key_id  = module.central.secret_kms_key_id
  # Empty while no ssm destination is configured: the role then gets no Parameter Store permission.
  ssm_parameter_prefixes = module.central.ssm_parameter_prefixes
}

# A user reads its secret across accounts only when its own identity policy allows it too (besides the secret's
# resource policy and the key policy): the group's policy names each member's own secret by policy variables.
resource "aws_iam_group" "secret_readers" {
  provider = aws.member

  name = var.reader_group_name
  path = "/"
}

resource "aws_iam_group_policy" "secret_readers" {
  provider = aws.member

  name   = "read-own-hand-over-secret"
  group  = aws_iam_group.secret_readers.name
  policy = module.central.secret_reader_policy
}

resource "aws_iam_user_group_membership" "secret_readers" {
  for_each = toset(jsondecode(var.accounts_users_json)[var.member_account_id])
  provider = aws.member

  user   = each.value
  groups = [aws_iam_group.secret_readers.name]
}

check "member_account_is_in_scope" {
  assert {
    condition     = contains(keys(jsondecode(var.accounts_users_json)), var.member_account_id)
    error_message = "member_account_id is not a key of accounts_users_json: the role and the readers' group would be created where nothing is rotated."
  }
}
