# Inputs of the member role's policies besides the shared role inputs (variables-role.tf): the facts the calling
# module's provider knows and the trusted rotator. Internal module: call member-account or member-roles-stackset.

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

variable "discovered_organization_id" {
  type        = string
  description = "The Organization of the provider's account, looked up by the calling module when organization_id is null."
  default     = null
}
