variable "lambda_zip_path" {
  type        = string
  description = "The Lambda package deploy/package_lambda.sh writes (artifacts/lambda/orgkeyrotation-lambda.zip), relative to the directory Terraform runs in."
}

variable "region" {
  type        = string
  description = "Region of the rotator, its GitHub credential secret and the parameters (and of the member provider)."
  default     = "eu-west-1"
}

variable "accounts_users_json" {
  type        = string
  description = "Scope: JSON map of 12-digit account id to user names."
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
  description = "sts:ExternalId shared by the rotator and the member role; null derives it from the central account."
  default     = null
}

variable "sns_alert_email" {
  type        = any
  description = "Email address(es) that receive the alerts: one string or a list."
  default     = []
}

variable "dry_run" {
  type        = bool
  description = "Start in plan-only mode: nothing is written, the plans show which destinations would get the key."
  default     = true
}

variable "parameter_prefix" {
  type        = string
  description = "Start of every user's parameter name, ending in '/': each user's key goes to PREFIX<accountId>/<userName>."
  default     = "/orgkeyrotation/"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.parameter_prefix)) && !can(regex("^/(?i:aws|ssm)", var.parameter_prefix))
    error_message = "parameter_prefix must be a parameter path such as \"/orgkeyrotation/\": starting and ending with '/', not starting with aws or ssm."
  }
}

variable "ci_user_name" {
  type        = string
  description = "The IAM user (of member_account_id) whose key the deployment environment's workflows use."
}

variable "github_repository" {
  type        = string
  description = "The repository (owner/name) whose environment receives the CI user's key as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."

  validation {
    condition     = can(regex("^[^/\\s]+/[^/\\s]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "github_environment" {
  type        = string
  description = "The repository's deployment environment that receives the secrets."
  default     = "production"
}

variable "github_api_url" {
  type        = string
  description = "GitHub REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server."
  default     = "https://api.github.com"
}

variable "github_credentials_secret_name" {
  type        = string
  description = "Name of the secret this example creates, empty, for the GitHub credential."
  default     = "orgkeyrotation/github"
}
