variable "region" {
  type        = string
  description = "Provider region (IAM is global; the role is usable from every region)."
  default     = "eu-west-1"
}

variable "account_id" {
  type        = string
  description = "This member account's id (the provider's credentials must be in it)."
}

variable "trusted_account_id" {
  type        = string
  description = "The central account running the rotator."
}

variable "central_role_arn" {
  type        = string
  description = "The rotator's execution role ARN (central output execution_role_arn); null derives the central-admin default role of trusted_account_id."
  default     = null
}

variable "rotation_role_name" {
  type        = string
  description = "Role name; the same value as the central rotation_role_name."
  default     = "IAMKeyRotationRole"
}

variable "rotation_external_id" {
  type        = string
  description = "The same value as the central rotation_external_id (central output external_id); null derives central-admin's default from trusted_account_id."
  default     = null
}

variable "organization_id" {
  type        = string
  description = "Organization id (o-...) required of the caller (aws:PrincipalOrgID); null uses this account's Organization."
  default     = null
}

variable "user_path" {
  type        = string
  description = "IAM path of the users to rotate (central output user_path)."
  default     = "/"
}

variable "secret_name_prefix" {
  type        = string
  description = "Hand-over secret name prefix (central output secret_name_prefix)."
  default     = "iam-key-rotation/"
}

variable "secret_kms_key_id" {
  type        = string
  description = "KMS key of the hand-over secrets in this account, as the central output secret_kms_key_id (alias/NAME or a key ARN of this account); null for aws/secretsmanager."
  default     = null
}

variable "secret_location" {
  type        = string
  description = "Where the hand-over secrets live (central output secret_location); with \"central\" the role gets no Secrets Manager permission."
  default     = "member"
}

variable "ssm_parameter_prefixes" {
  type        = list(string)
  description = "Parameter name prefixes of the central deployment's ssm destinations (central output ssm_parameter_prefixes); empty for none."
  default     = []
}

variable "ssm_kms_key_arns" {
  type        = list(string)
  description = "This account's KMS keys that encrypt the ssm destinations' parameters (their kms_key_id); empty for aws/ssm."
  default     = []
}
