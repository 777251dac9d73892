# Inputs of the member role's policies: the member modules' own inputs (validated there, passed unchanged) and the
# facts their providers know. Internal module: call member-account or member-roles-stackset, not this.

variable "partition" {
  type        = string
  description = "AWS partition of the member account, or a CloudFormation placeholder."
}

variable "account_id" {
  type        = string
  description = "The member account id, or a CloudFormation placeholder."
}

variable "trusted_account_id" {
  type        = string
  description = "The central account id; null takes it from central_role_arn."
  default     = null
}

variable "central_role_arn" {
  type        = string
  description = "The rotator's execution role ARN; null derives the central-admin default role of trusted_account_id."
  default     = null
}

variable "external_id" {
  type        = string
  description = "The sts:ExternalId the role requires; null derives org-key-rotation-<central account id>, as central-admin does."
  default     = null
}

variable "require_external_id" {
  type        = bool
  description = "Require sts:ExternalId in the trust policy."
  default     = true
}

variable "organization_id" {
  type        = string
  description = "The Organization the rotator's principal must belong to (aws:PrincipalOrgID); null uses discovered_organization_id."
  default     = null
}

variable "require_organization" {
  type        = bool
  description = "Require aws:PrincipalOrgID in the trust policy."
  default     = true
}

variable "discovered_organization_id" {
  type        = string
  description = "The Organization of the provider's account, looked up by the calling module when organization_id is null."
  default     = null
}

variable "user_path" {
  type        = string
  description = "IAM path of the rotated users."
}

variable "secret_location" {
  type        = string
  description = "\"member\" (the role writes the hand-over secrets) or \"central\" (it does not touch Secrets Manager)."
}

variable "secret_name_prefix" {
  type        = string
  description = "Prefix of the hand-over secret names."
}

variable "secret_kms_key_arn" {
  type        = string
  description = "KMS key of the hand-over secrets; null for aws/secretsmanager."
  default     = null
}

variable "bulk_user_read" {
  type        = bool
  description = "Grant iam:GetAccountAuthorizationDetails on \"*\" (the bulk read of users and their tags); false leaves it out."
  default     = true
}
