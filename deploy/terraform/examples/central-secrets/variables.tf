variable "lambda_zip_path" {
  type        = string
  description = "The Lambda package deploy/package_lambda.sh writes (artifacts/lambda/orgkeyrotation-lambda.zip), relative to the directory Terraform runs in."
}

variable "region" {
  type        = string
  description = "Region of the rotator and of the central secrets (IAM itself is global)."
  default     = "eu-west-1"
}

variable "organization_id" {
  type        = string
  description = "The Organization id (o-...): the member users allowed to decrypt their secret with the central key are this Organization's (aws:PrincipalOrgID)."
}

variable "accounts_users_json" {
  type        = string
  description = "Scope: JSON map of 12-digit account id to user names."
}

variable "member_account_id" {
  type        = string
  description = "The member account (a key of accounts_users_json) in which this example creates the rotation role and the readers' group."
}

variable "member_admin_role_arn" {
  type        = string
  description = "Role Terraform assumes to create the rotation role and the readers' group in member_account_id (e.g. OrganizationAccountAccessRole)."
}

variable "rotation_role_name" {
  type        = string
  description = "Name of the role the rotator assumes in member accounts."
  default     = "IAMKeyRotationRole"
}

variable "rotation_external_id" {
  type        = string
  description = "sts:ExternalId shared by the rotator and the member role; null derives org-key-rotation-<central account id>."
  default     = null
}

variable "execution_role_path" {
  type        = string
  description = "IAM path of the rotator's execution role: its ARN, path included, is the secrets' rotator (SECRETS_ROTATOR_ARN)."
  default     = "/service/"
}

variable "rotator_operator_arns" {
  type        = list(string)
  description = "Operator roles that may assume the rotator's role to run keyrot rotate by hand (path included); empty: only the function rotates."
  default     = []
}

variable "reader_group_name" {
  type        = string
  description = "IAM group in the member account whose members read their own hand-over secret (the users of accounts_users_json join it)."
  default     = "org-key-rotation-secret-readers"
}

variable "sns_alert_email" {
  type        = any
  description = "Email address(es) that receive the alerts: one string or a list."
  default     = []
}

variable "dry_run" {
  type        = bool
  description = "Start in plan-only mode; set to false once the plans in the alerts look right."
  default     = true
}
