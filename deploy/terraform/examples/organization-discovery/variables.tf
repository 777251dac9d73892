variable "lambda_zip_path" {
  type        = string
  description = "The Lambda package deploy/package_lambda.sh writes (artifacts/lambda/orgkeyrotation-lambda.zip), relative to the directory Terraform runs in."
}

variable "region" {
  type        = string
  description = "Region of the rotator and of the StackSet instances (IAM itself is global)."
  default     = "eu-west-1"
}

variable "management_admin_role_arn" {
  type        = string
  description = "Role in the management account (or a delegated CloudFormation administrator) that Terraform assumes to manage the StackSet."
}

variable "organization_id" {
  type        = string
  description = "The Organization id (o-...)."
}

variable "target_ou_ids" {
  type        = list(string)
  description = "OUs (or the root r-...) whose accounts are rotated and get the rotation role."
}

variable "exclude_accounts" {
  type        = list(string)
  description = "Accounts never touched; list the management account here (a service-managed StackSet does not reach it)."
  default     = []
}

variable "user_path" {
  type        = string
  description = "IAM path of the users to rotate; the member roles are scoped to it."
  default     = "/"
}

variable "rotation_role_name" {
  type        = string
  description = "Name of the role the rotator assumes in member accounts."
  default     = "IAMKeyRotationRole"
}

variable "rotation_external_id" {
  type        = string
  description = "sts:ExternalId shared by the rotator and the member roles; null for none."
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

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrency of the rotator; bounds how many accounts are worked on at once under fan-out."
  default     = 10
}

variable "fanout_batch_size" {
  type        = number
  description = "Accounts one invocation sweeps together (1-10); their waits for new keys to propagate overlap."
  default     = 10
}

variable "dry_run" {
  type        = bool
  description = "Start in plan-only mode; set to false once the plans in the alerts look right."
  default     = true
}

variable "delegate_discovery" {
  type        = bool
  description = "Apply an Organizations delegation policy in the management account so the rotator, running in another account, may list the accounts. false when the rotator runs in the management account, or when the Organization already has a delegation policy (then add the statement of the central output organizations_delegation_policy to it)."
  default     = true
}
