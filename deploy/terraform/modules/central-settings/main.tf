locals {
  policies_dir = "${path.module}/policies"

  execution_role_name = "${var.config.name}-lambda"
  # With its path: the member roles trust this ARN, and central secrets name it as their only writer.
  execution_role_arn = "arn:${var.deployment.partition}:iam::${var.deployment.account_id}:role${var.config.execution_role_path}${local.execution_role_name}"
  # Known before the function exists, so its own environment can name it (SECRETS_ROTATION_LAMBDA_ARN).
  function_arn = "arn:${var.deployment.partition}:lambda:${var.deployment.region}:${var.deployment.account_id}:function:${var.config.name}"

  # The rotator always sends an ExternalId; member roles require the same value (their default derives it the same way).
  external_id = coalesce(var.config.rotation_external_id, "org-key-rotation-${var.deployment.account_id}")

  accounts         = jsondecode(var.config.accounts_users_json)
  member_role_arns = [for account in sort(keys(local.accounts)) : "arn:${var.deployment.partition}:iam::${account}:role/${var.config.rotation_role_name}"]
  # The literal part of the name template before its first placeholder: every hand-over secret name starts with it,
  # so it scopes the Secrets Manager ARNs of the policies (central-admin output secret_name_prefix, member input of the
  # same name). The only place Terraform computes it.
  secret_name_prefix = split("{", var.config.secret_name_template)[0]
  central_secrets    = var.config.secret_location == "central"

  # Central secrets need a customer managed key (users in other accounts decrypt them): the one given, or the one
  # central-admin creates. Member secrets use the given key id (an alias resolves in each member account) or none.
  create_secrets_key      = local.central_secrets && var.config.secret_kms_key_id == null
  secret_kms_key          = var.config.secret_kms_key_id != null ? var.config.secret_kms_key_id : (local.create_secrets_key ? var.deployment.secrets_key_arn : null)
  aws_managed_secrets_key = can(regex("(^|:)alias/aws/secretsmanager$", coalesce(var.config.secret_kms_key_id, "none")))
  secret_key_is_arn       = can(regex("^arn:[^:]+:kms:[^:]+:[0-9]{12}:key/", coalesce(var.config.secret_kms_key_id, "none")))
  # A key ARN names one account's key: member secrets may use it only when that account is the one in scope.
  member_key_is_foreign = !local.central_secrets && local.secret_key_is_arn && (var.config.discover_organization || tolist(keys(local.accounts)) != tolist([try(split(":", var.config.secret_kms_key_id)[4], "")]))

  # Each hand-over secret of a member user, as a policy pattern: {accountId} and {userName} become the requester's
  # account and user name (policy variables), so a user matches its own secret only.
  own_secret_arn = "arn:${var.deployment.partition}:secretsmanager:${var.deployment.region}:${var.deployment.account_id}:secret:${replace(replace(var.config.secret_name_template, "{accountId}", "$${aws:PrincipalAccount}"), "{userName}", "$${aws:username}")}-??????"

  # The destinations in the configuration's own shape (camelCase, unset fields left out): DESTINATIONS_JSON.
  destination_fields = {
    type               = "type", name = "name", format = "format", kms_key_id = "kmsKeyId", scope = "scope", repository = "repository", environment = "environment",
    organization       = "organization", visibility = "visibility", selected_repositories = "selectedRepositories",
    access_key_id_name = "accessKeyIdName", secret_access_key_name = "secretAccessKeyName",
  }
  destination_defaults = [for d in var.config.destinations.defaults : { for k, v in d : local.destination_fields[k] => v if v != null }]
  destination_accounts = { for account, entry in var.config.destinations.accounts : account => {
    defaults = [for d in entry.defaults : { for k, v in d : local.destination_fields[k] => v if v != null }]
    users    = { for user, list in entry.users : user => [for d in list : { for k, v in d : local.destination_fields[k] => v if v != null }] }
  } }
  all_destinations    = concat(local.destination_defaults, flatten([for entry in values(local.destination_accounts) : concat(entry.defaults, flatten(values(entry.users)))]))
  has_destinations    = length(local.all_destinations) > 0
  github_destinations = length([for d in local.all_destinations : d if d.type == "github"]) > 0
  # The literal start of each parameter name (up to its first placeholder): what the member roles must be granted
  # (member input ssm_parameter_prefixes, output of the same name).
  ssm_parameter_prefixes = sort(distinct([for d in local.all_destinations : split("{", d.name)[0] if d.type == "ssm"]))

  # One address as a string, or a list.
  alert_emails = distinct(flatten([var.config.sns_alert_email]))

  # "all" (or null) lets every event through; otherwise the policy goes out as given, normalised by jsonencode.
  email_filter_policy = var.config.sns_filter_policy == null || var.config.sns_filter_policy == "all" ? null : jsonencode(jsondecode(var.config.sns_filter_policy))

  kms_key_arns = concat(
    [var.deployment.topic_key_arn],
    local.central_secrets && local.secret_kms_key != null ? [local.secret_kms_key] : [],
  )

  # Invocations that do not come from the work queue and must find a free copy of the function: a scheduled or manual
  # sweep and a Secrets Manager rotation step. The event source gets the rest of the reserved concurrency: a throttled
  # poll still counts as a receive and pushes messages towards the dead-letter queue, and a throttled rotation step fails.
  invocation_headroom        = 2
  fanout_maximum_concurrency = var.config.enable_fanout && var.config.reserved_concurrency != null ? var.config.reserved_concurrency - local.invocation_headroom : null

  # Names match src/OrgKeyRotation.Core/Configuration/EnvironmentVariables.cs (a test checks both directions).
  # Optional ones are left out when unset so the code's defaults apply; an empty EXEMPT_GROUP/EXEMPT_TAG/
  # ALERT_OWNER_TAG disables that feature.
  optional_environment = {
    DISCOVERY_INCLUDE_OUS       = length(var.config.discovery_include_ous) > 0 ? join(",", var.config.discovery_include_ous) : null
    DISCOVERY_EXCLUDE_ACCOUNTS  = length(var.config.discovery_exclude_accounts) > 0 ? join(",", var.config.discovery_exclude_accounts) : null
    DISCOVERY_USER_TAG          = var.config.discovery_user_tag
    VERIFICATION_REGIONS        = length(var.config.verification_regions) > 0 ? join(",", var.config.verification_regions) : null
    SECRET_KMS_KEY_ID           = local.secret_kms_key
    SECRETS_ROTATOR_ARN         = local.central_secrets ? local.execution_role_arn : null
    WORK_QUEUE_URL              = var.config.enable_fanout ? var.deployment.work_queue_url : null
    RESULTS_QUEUE_URL           = var.config.enable_fanout ? var.deployment.results_queue_url : null
    SECRETS_ROTATION_LAMBDA_ARN = var.config.enable_secrets_manager_rotation ? local.function_arn : null
    # null leaves them unset: the function then derives the margin and the digest's delay itself.
    ROTATION_DEADLINE_MARGIN_SECONDS = var.config.deadline_margin_seconds == null ? null : tostring(var.config.deadline_margin_seconds)
    DIGEST_DELAY_SECONDS             = var.config.digest_delay_seconds == null ? null : tostring(var.config.digest_delay_seconds)
    DESTINATIONS_JSON                = local.has_destinations ? jsonencode({ defaults = local.destination_defaults, accounts = local.destination_accounts }) : null
    GITHUB_API_URL                   = local.github_destinations ? var.config.github_api_url : null
    GITHUB_CREDENTIALS_SECRET_ARN    = local.github_destinations ? var.config.github_credentials_secret_arn : null
  }
  required_environment = {
    ACCOUNTS_USERS_JSON           = var.config.accounts_users_json
    ROTATION_ROLE_NAME            = var.config.rotation_role_name
    ROTATION_EXTERNAL_ID          = local.external_id
    SNS_TOPIC_ARN                 = var.deployment.topic_arn
    DISCOVER_ORGANIZATION         = tostring(var.config.discover_organization)
    DISCOVERY_USER_PATH           = var.config.discovery_user_path
    MAX_KEY_AGE_DAYS              = tostring(var.config.max_key_age_days)
    DEACTIVATE_AFTER_DAYS         = tostring(var.config.deactivate_after_days)
    DELETE_AFTER_DAYS             = tostring(var.config.delete_after_days)
    REQUIRE_OLD_KEY_UNUSED        = tostring(var.config.require_old_key_unused)
    MAX_DEACTIVATION_DELAY_DAYS   = tostring(var.config.max_deactivation_delay_days)
    OLD_KEY_IDLE_DAYS             = tostring(var.config.old_key_idle_days)
    WARN_DAYS_BEFORE_FORCED       = tostring(var.config.warn_days_before_forced)
    EXEMPT_GROUP                  = var.config.exempt_group == null ? "" : var.config.exempt_group
    EXEMPT_TAG                    = var.config.exempt_tag == null ? "" : var.config.exempt_tag
    ALERT_OWNER_TAG               = var.config.alert_owner_tag == null ? "" : var.config.alert_owner_tag
    SECRET_NAME_TEMPLATE          = var.config.secret_name_template
    SECRET_LOCATION               = var.config.secret_location
    DRY_RUN                       = tostring(var.config.dry_run)
    CONCURRENCY_ACCOUNTS          = tostring(var.config.concurrency_accounts)
    CONCURRENCY_USERS_PER_ACCOUNT = tostring(var.config.concurrency_users_per_account)
  }
  environment = merge(local.required_environment, { for k, v in local.optional_environment : k => v if v != null })

  execution_policy = templatefile("${local.policies_dir}/central-execution.json.tftpl", {
    partition                = var.deployment.partition
    region                   = var.deployment.region
    account_id               = var.deployment.account_id
    role_name                = var.config.rotation_role_name
    organization_id          = var.config.organization_id == null ? "" : var.config.organization_id
    member_role_arns         = local.member_role_arns
    discover_organization    = var.config.discover_organization
    enable_fanout            = var.config.enable_fanout
    work_queue_arn           = var.deployment.work_queue_arn == null ? "" : var.deployment.work_queue_arn
    results_queue_arn        = var.deployment.results_queue_arn == null ? "" : var.deployment.results_queue_arn
    central_secrets          = local.central_secrets
    secrets_manager_rotation = var.config.enable_secrets_manager_rotation
    function_arn             = local.function_arn
    secret_name_prefix       = local.secret_name_prefix
    topic_arn                = var.deployment.topic_arn
    kms_key_arns             = local.kms_key_arns
    log_group_arn            = var.deployment.log_group_arn
    # The GitHub credential is read only when a github destination needs it.
    github_credentials_secret_arn  = local.github_destinations && var.config.github_credentials_secret_arn != null ? var.config.github_credentials_secret_arn : ""
    github_credentials_kms_key_arn = local.github_destinations && var.config.github_credentials_kms_key_arn != null ? var.config.github_credentials_kms_key_arn : ""
  })
}

locals {
  secrets_key_policy = templatefile("${local.policies_dir}/secrets-key-policy.json.tftpl", {
    partition       = var.deployment.partition
    region          = var.deployment.region
    account_id      = var.deployment.account_id
    rotator_arn     = local.execution_role_arn
    own_secret_arn  = local.own_secret_arn
    organization_id = var.config.organization_id == null ? "" : var.config.organization_id
    member_accounts = sort(keys(local.accounts))
  })

  secret_reader_policy = templatefile("${local.policies_dir}/secret-reader-policy.json.tftpl", {
    region         = var.deployment.region
    own_secret_arn = local.own_secret_arn
    key_arn        = local.secret_kms_key == null ? "" : local.secret_kms_key
  })
}
