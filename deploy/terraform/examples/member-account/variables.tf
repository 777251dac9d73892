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
  description = "The rotator's execution role ARN (central output execution_role_arn)."
}

variable "rotation_role_name" {
  type        = string
  description = "Role name; the same value as the central rotation_role_name."
  default     = "IAMKeyRotationRole"
}

variable "rotation_external_id" {
  type        = string
  description = "The same value as the central rotation_external_id; null for none."
  default     = null
}

variable "organization_id" {
  type        = string
  description = "Organization id (o-...) required of the caller; null for none."
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

variable "secret_kms_key_arn" {
  type        = string
  description = "KMS key of the hand-over secrets in this account; null for aws/secretsmanager."
  default     = null
}
