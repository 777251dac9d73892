# Internal module: call central-admin, not this. It takes central-admin's inputs as one object (validated there,
# passed unchanged) and the facts of central-admin's provider and resources as another.

variable "config" {
  type = object({
    name                            = string
    execution_role_path             = string
    rotator_operator_arns           = list(string)
    accounts_users_json             = string
    rotation_role_name              = string
    rotation_external_id            = string
    discover_organization           = bool
    organization_id                 = string
    discovery_include_ous           = list(string)
    discovery_exclude_accounts      = list(string)
    discovery_user_path             = string
    discovery_user_tag              = string
    max_key_age_days                = number
    deactivate_after_days           = number
    delete_after_days               = number
    require_old_key_unused          = bool
    max_deactivation_delay_days     = number
    old_key_idle_days               = number
    warn_days_before_forced         = number
    exempt_group                    = string
    exempt_tag                      = string
    alert_owner_tag                 = string
    secret_name_template            = string
    secret_kms_key_id               = string
    secret_location                 = string
    destinations                    = any
    github_api_url                  = string
    github_credentials_secret_arn   = string
    github_credentials_kms_key_arn  = string
    dry_run                         = bool
    concurrency_accounts            = number
    concurrency_users_per_account   = number
    verification_regions            = list(string)
    enable_fanout                   = bool
    reserved_concurrency            = number
    deadline_margin_seconds         = number
    digest_delay_seconds            = number
    enable_secrets_manager_rotation = bool
    sns_alert_email                 = any
    sns_filter_policy               = string
  })
  description = "central-admin's inputs of the same names, unchanged (null where central-admin's input is null): their types, defaults, validations and meaning are central-admin's."
}

variable "deployment" {
  type = object({
    partition         = string
    region            = string
    account_id        = string
    topic_arn         = string
    topic_key_arn     = string
    log_group_arn     = string
    work_queue_arn    = optional(string)
    work_queue_url    = optional(string)
    results_queue_arn = optional(string)
    results_queue_url = optional(string)
    secrets_key_arn   = optional(string)
  })
  description = "What central-admin's provider and resources give: partition, region and id of the central account; ARNs of the alert topic, its KMS key and the function's log group; ARNs and URLs of the fan-out work and results queues (null without fan-out); the ARN of the secrets key central-admin creates (null when it creates none)."
}
