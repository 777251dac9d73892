variable "lambda_zip_path" {
  type        = string
  description = "The Lambda package deploy/package_lambda.sh writes (artifacts/lambda/orgkeyrotation-lambda.zip), relative to the directory Terraform runs in."
}

variable "region" {
  type        = string
  description = "Region of the rotator (and of the member provider; IAM itself is global)."
  default     = "eu-west-1"
}

variable "accounts_users_json" {
  type        = string
  description = "The scope: JSON map of 12-digit account id to user names."
}

variable "member_account_id" {
  type        = string
  description = "The member account (a key of accounts_users_json) in which this example creates the rotation role."
}

variable "member_admin_role_arn" {
  type        = string
  description = "Role Terraform assumes to create the rotation role in member_account_id (e.g. OrganizationAccountAccessRole)."
}

variable "rotation_role_name" {
  type        = string
  description = "Name of the role the rotator assumes in member accounts."
  default     = "IAMKeyRotationRole"
}

variable "rotation_external_id" {
  type        = string
  description = "sts:ExternalId shared by the rotator and the member role; null for none."
  default     = null
}

variable "sns_alert_email" {
  type        = any
  description = "Email address(es) that receive the alerts: one string or a list."
  default     = []
}

variable "schedule_expression" {
  type        = string
  description = "EventBridge schedule of the sweep."
  default     = "rate(1 day)"
}

variable "max_key_age_days" {
  type        = number
  description = "Rotate keys older than this many days."
  default     = 90
}

variable "dry_run" {
  type        = bool
  description = "Start in plan-only mode; set to false once the plans in the alerts look right."
  default     = true
}
