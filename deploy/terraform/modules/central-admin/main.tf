data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  # The region of the provider, read from an ARN: data.aws_region's attribute is `name` in provider 5.x and
  # `region` in 6.x (where `name` is deprecated), so neither works across both.
  region = split(":", aws_cloudwatch_log_group.lambda.arn)[3]
}

# Everything computed from the inputs (environment, policies, derived names, cross-input rules) lives in a
# provider-free module, so tests/OrgKeyRotation.Deploy.Tests evaluates the same code with terraform offline.
module "settings" {
  source = "../central-settings"

  deployment = {
    partition         = local.partition
    region            = local.region
    account_id        = local.account_id
    topic_arn         = aws_sns_topic.alerts.arn
    topic_key_arn     = local.topic_key_arn
    log_group_arn     = aws_cloudwatch_log_group.lambda.arn
    work_queue_arn    = try(aws_sqs_queue.work[0].arn, null)
    work_queue_url    = try(aws_sqs_queue.work[0].url, null)
    results_queue_arn = try(aws_sqs_queue.results[0].arn, null)
    results_queue_url = try(aws_sqs_queue.results[0].url, null)
    secrets_key_arn   = try(aws_kms_key.secrets[0].arn, null)
  }

  config = {
    name                            = var.name
    execution_role_path             = var.execution_role_path
    rotator_operator_arns           = var.rotator_operator_arns
    accounts_users_json             = var.accounts_users_json
    rotation_role_name              = var.rotation_role_name
    rotation_external_id            = var.rotation_external_id
    discover_organization           = var.discover_organization
    organization_id                 = var.organization_id
    discovery_include_ous           = var.discovery_include_ous
    discovery_exclude_accounts      = var.discovery_exclude_accounts
    discovery_user_path             = var.discovery_user_path
    discovery_user_tag              = var.discovery_user_tag
    max_key_age_days                = var.max_key_age_days
    deactivate_after_days           = var.deactivate_after_days
    delete_after_days               = var.delete_after_days
    require_old_key_unused          = var.require_old_key_unused
    max_deactivation_delay_days     = var.max_deactivation_delay_days
    old_key_idle_days               = var.old_key_idle_days
    warn_days_before_forced         = var.warn_days_before_forced
    exempt_group                    = var.exempt_group
    exempt_tag                      = var.exempt_tag
    alert_owner_tag                 = var.alert_owner_tag
    secret_name_template            = var.secret_name_template
    secret_kms_key_id               = var.secret_kms_key_id
    secret_location                 = var.secret_location
    destinations                    = var.destinations
    github_api_url                  = var.github_api_url
    github_credentials_secret_arn   = var.github_credentials_secret_arn
    github_credentials_kms_key_arn  = var.github_credentials_kms_key_arn
    dry_run                         = var.dry_run
    concurrency_accounts            = var.concurrency_accounts
    concurrency_users_per_account   = var.concurrency_users_per_account
    verification_regions            = var.verification_regions
    enable_fanout                   = var.enable_fanout
    reserved_concurrency            = var.reserved_concurrency
    deadline_margin_seconds         = var.deadline_margin_seconds
    digest_delay_seconds            = var.digest_delay_seconds
    enable_secrets_manager_rotation = var.enable_secrets_manager_rotation
    sns_alert_email                 = var.sns_alert_email
    sns_filter_policy               = var.sns_filter_policy
  }
}
