# Organization-wide deployment: the rotator runs in a central (e.g. security tooling) account, discovers
# every ACTIVE account of the Organization, fans out one work message per account, and the rotation role
# reaches every account of the target OUs through a service-managed StackSet from the management account.

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "management"
  region = var.region

  assume_role {
    role_arn = var.management_admin_role_arn
  }
}

module "central" {
  source = "../../modules/central-admin"

  lambda_zip_path            = var.lambda_zip_path
  discover_organization      = true
  organization_id            = var.organization_id
  discovery_include_ous      = var.target_ou_ids
  discovery_exclude_accounts = var.exclude_accounts
  discovery_user_path        = var.user_path
  rotation_role_name         = var.rotation_role_name
  rotation_external_id       = var.rotation_external_id
  sns_alert_email            = var.sns_alert_email
  schedule_expression        = var.schedule_expression
  enable_fanout              = true
  fanout_batch_size          = var.fanout_batch_size
  reserved_concurrency       = var.reserved_concurrency
  dry_run                    = var.dry_run
}

module "member_roles" {
  source = "../../modules/member-roles-stackset"
  providers = {
    aws = aws.management
  }

  organizational_unit_ids = var.target_ou_ids
  central_role_arn        = module.central.execution_role_arn
  role_name               = module.central.rotation_role_name
  external_id             = module.central.external_id
  organization_id         = var.organization_id
  user_path               = module.central.user_path
  secret_location         = module.central.secret_location
  secret_name_prefix      = module.central.secret_name_prefix
  secret_kms_key_id       = module.central.secret_kms_key_id
  # Empty while no ssm destination is configured: the roles then get no Parameter Store permission.
  ssm_parameter_prefixes = module.central.ssm_parameter_prefixes
}

# ListAccounts works only in the management account or a delegated administrator. When the rotator runs in another
# account, this resource-based delegation policy (applied in the management account) lets its execution role list
# the accounts. An Organization has one such policy: leave delegate_discovery off if you already manage one, and add
# the statement of module.central.organizations_delegation_policy to it instead.
resource "aws_organizations_resource_policy" "discovery" {
  count    = var.delegate_discovery ? 1 : 0
  provider = aws.management

  content = module.central.organizations_delegation_policy
}
