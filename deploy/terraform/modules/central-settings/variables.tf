# Inputs of the central settings: the central-admin module's own inputs (validated there, passed unchanged) and the
# facts of its resources. Internal module: call central-admin, not this.

variable "partition" {
  type        = string
  description = "AWS partition of the central account (aws, aws-cn, aws-us-gov)."
}

variable "region" {
  type        = string
  description = "Region of the function, its queues and, with secret_location = \"central\", the secrets."
}

variable "account_id" {
  type        = string
  description = "The central account id."
}

variable "name" {
  type        = string
  description = "Name of the function (central-admin name)."
}

variable "topic_arn" {
  type        = string
  description = "ARN of the alert topic."
}

variable "topic_key_arn" {
  type        = string
  description = "ARN of the KMS key encrypting the alert topic."
}

variable "log_group_arn" {
  type        = string
  description = "ARN of the function's log group."
}

variable "work_queue_arn" {
  type        = string
  description = "ARN of the fan-out work queue; null without fan-out."
  default     = null
}

variable "work_queue_url" {
  type        = string
  description = "URL of the fan-out work queue; null without fan-out."
  default     = null
}

variable "results_queue_arn" {
  type        = string
  description = "ARN of the fan-out results queue; null without fan-out."
  default     = null
}

variable "results_queue_url" {
  type        = string
  description = "URL of the fan-out results queue; null without fan-out."
  default     = null
}

variable "accounts_users_json" {
  type        = string
  description = "central-admin accounts_users_json."
}

variable "rotation_role_name" {
  type        = string
  description = "central-admin rotation_role_name."
}

variable "rotation_external_id" {
  type        = string
  description = "central-admin rotation_external_id; null derives org-key-rotation-<central account id>."
  default     = null
}

variable "discover_organization" {
  type        = bool
  description = "central-admin discover_organization."
}

variable "organization_id" {
  type        = string
  description = "central-admin organization_id."
  default     = null
}

variable "discovery_include_ous" {
  type        = list(string)
  description = "central-admin discovery_include_ous."
}

variable "discovery_exclude_accounts" {
  type        = list(string)
  description = "central-admin discovery_exclude_accounts."
}

variable "discovery_user_path" {
  type        = string
  description = "central-admin discovery_user_path."
}

variable "discovery_user_tag" {
  type        = string
  description = "central-admin discovery_user_tag."
  default     = null
}

variable "max_key_age_days" {
  type        = number
  description = "central-admin max_key_age_days."
}

variable "deactivate_after_days" {
  type        = number
  description = "central-admin deactivate_after_days."
}

variable "delete_after_days" {
  type        = number
  description = "central-admin delete_after_days."
}

variable "require_old_key_unused" {
  type        = bool
  description = "central-admin require_old_key_unused."
}

variable "max_deactivation_delay_days" {
  type        = number
  description = "central-admin max_deactivation_delay_days."
}

variable "old_key_idle_days" {
  type        = number
  description = "central-admin old_key_idle_days."
}

variable "exempt_group" {
  type        = string
  description = "central-admin exempt_group; null disables the group exemption."
  default     = null
}

variable "exempt_tag" {
  type        = string
  description = "central-admin exempt_tag; null disables the tag exemption."
  default     = null
}

variable "alert_owner_tag" {
  type        = string
  description = "central-admin alert_owner_tag; null or \"\" disables owner names in alerts."
  default     = null
}

variable "secret_name_template" {
  type        = string
  description = "central-admin secret_name_template."
}

variable "secret_kms_key_id" {
  type        = string
  description = "central-admin secret_kms_key_id."
  default     = null
}

variable "secret_location" {
  type        = string
  description = "central-admin secret_location."
}

variable "dry_run" {
  type        = bool
  description = "central-admin dry_run."
}

variable "concurrency_accounts" {
  type        = number
  description = "central-admin concurrency_accounts."
}

variable "concurrency_users_per_account" {
  type        = number
  description = "central-admin concurrency_users_per_account."
}

variable "enable_fanout" {
  type        = bool
  description = "central-admin enable_fanout."
}

variable "reserved_concurrency" {
  type        = number
  description = "central-admin reserved_concurrency."
  default     = null
}

variable "enable_secrets_manager_rotation" {
  type        = bool
  description = "central-admin enable_secrets_manager_rotation."
}

variable "sns_alert_email" {
  type        = any
  description = "central-admin sns_alert_email: one address or a list."
  default     = []
}

variable "sns_filter_policy" {
  type        = string
  description = "central-admin sns_filter_policy: JSON, or \"all\" / null for every event."
  default     = null
}
