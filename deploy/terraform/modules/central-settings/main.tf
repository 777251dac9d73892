locals {
  policies_dir = "${path.module}/../../policies"

  execution_role_name = "${var.name}-lambda"
  execution_role_arn  = "arn:${var.partition}:iam::${var.account_id}:role/${local.execution_role_name}"
  # Known before the function exists, so its own environment can name it (SECRETS_ROTATION_LAMBDA_ARN).
  function_arn = "arn:${var.partition}:lambda:${var.region}:${var.account_id}:function:${var.name}"

  # The rotator always sends an ExternalId; member roles require the same value (their default derives it the same way).
  external_id = coalesce(var.rotation_external_id, "org-key-rotation-${var.account_id}")

  accounts           = jsondecode(var.accounts_users_json)
  member_role_arns   = [for account in sort(keys(local.accounts)) : "arn:${var.partition}:iam::${account}:role/${var.rotation_role_name}"]
  secret_name_prefix = split("{", var.secret_name_template)[0]
  central_secrets    = var.secret_location == "central"

  # The seed wrote one address as a string; a list is the general form.
  alert_emails = distinct(flatten([var.sns_alert_email]))

  # "all" (or null) lets every event through; otherwise the policy goes out as given, normalised by jsonencode.
  email_filter_policy = var.sns_filter_policy == null || var.sns_filter_policy == "all" ? null : jsonencode(jsondecode(var.sns_filter_policy))

  kms_key_arns = concat(
    [var.topic_key_arn],
    local.central_secrets && var.secret_kms_key_id != null ? [var.secret_kms_key_id] : [],
  )

  # The event source mapping may invoke at most as many copies as are reserved, so a throttled poll never
  # counts as a receive (AWS: do not set maximum concurrency above the function's reserved concurrency).
  fanout_maximum_concurrency = var.enable_fanout && var.reserved_concurrency != null ? var.reserved_concurrency : null

  # Names match src/OrgKeyRotation.Core/Configuration/EnvironmentVariables.cs (a test checks both directions).
  # Optional ones are left out when unset so the code's defaults apply; an empty EXEMPT_GROUP/EXEMPT_TAG/
  # ALERT_OWNER_TAG disables that feature.
  optional_environment = {
    DISCOVERY_INCLUDE_OUS       = length(var.discovery_include_ous) > 0 ? join(",", var.discovery_include_ous) : null
    DISCOVERY_EXCLUDE_ACCOUNTS  = length(var.discovery_exclude_accounts) > 0 ? join(",", var.discovery_exclude_accounts) : null
    DISCOVERY_USER_TAG          = var.discovery_user_tag
    SECRET_KMS_KEY_ID           = var.secret_kms_key_id
    WORK_QUEUE_URL              = var.enable_fanout ? var.work_queue_url : null
    RESULTS_QUEUE_URL           = var.enable_fanout ? var.results_queue_url : null
    SECRETS_ROTATION_LAMBDA_ARN = var.enable_secrets_manager_rotation ? local.function_arn : null
  }
  required_environment = {
    ACCOUNTS_USERS_JSON           = var.accounts_users_json
    ROTATION_ROLE_NAME            = var.rotation_role_name
    ROTATION_EXTERNAL_ID          = local.external_id
    SNS_TOPIC_ARN                 = var.topic_arn
    DISCOVER_ORGANIZATION         = tostring(var.discover_organization)
    DISCOVERY_USER_PATH           = var.discovery_user_path
    MAX_KEY_AGE_DAYS              = tostring(var.max_key_age_days)
    DEACTIVATE_AFTER_DAYS         = tostring(var.deactivate_after_days)
    DELETE_AFTER_DAYS             = tostring(var.delete_after_days)
    REQUIRE_OLD_KEY_UNUSED        = tostring(var.require_old_key_unused)
    MAX_DEACTIVATION_DELAY_DAYS   = tostring(var.max_deactivation_delay_days)
    OLD_KEY_IDLE_DAYS             = tostring(var.old_key_idle_days)
    EXEMPT_GROUP                  = var.exempt_group == null ? "" : var.exempt_group
    EXEMPT_TAG                    = var.exempt_tag == null ? "" : var.exempt_tag
    ALERT_OWNER_TAG               = var.alert_owner_tag == null ? "" : var.alert_owner_tag
    SECRET_NAME_TEMPLATE          = var.secret_name_template
    SECRET_LOCATION               = var.secret_location
    DRY_RUN                       = tostring(var.dry_run)
    CONCURRENCY_ACCOUNTS          = tostring(var.concurrency_accounts)
    CONCURRENCY_USERS_PER_ACCOUNT = tostring(var.concurrency_users_per_account)
  }
  environment = merge(local.required_environment, { for k, v in local.optional_environment : k => v if v != null })

  execution_policy = templatefile("${local.policies_dir}/central-execution.json.tftpl", {
    partition                = var.partition
    region                   = var.region
    account_id               = var.account_id
    role_name                = var.rotation_role_name
    organization_id          = var.organization_id == null ? "" : var.organization_id
    member_role_arns         = local.member_role_arns
    discover_organization    = var.discover_organization
    enable_fanout            = var.enable_fanout
    work_queue_arn           = var.work_queue_arn == null ? "" : var.work_queue_arn
    results_queue_arn        = var.results_queue_arn == null ? "" : var.results_queue_arn
    central_secrets          = local.central_secrets
    secrets_manager_rotation = var.enable_secrets_manager_rotation
    function_arn             = local.function_arn
    secret_name_prefix       = local.secret_name_prefix
    topic_arn                = var.topic_arn
    kms_key_arns             = local.kms_key_arns
    log_group_arn            = var.log_group_arn
  })
}
