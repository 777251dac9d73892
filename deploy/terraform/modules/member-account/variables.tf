# Inputs of the role the central rotator assumes in one member account; the inputs it shares with
# member-roles-stackset are in variables-role.tf. Terraform >= 1.5 lets a validation block see only its own variable; rules that span variables are output
# preconditions of ../member-policies (and the provider-account check in main.tf).

variable "account_id" {
  type        = string
  description = "Id of the member account this role is created in; scopes every resource ARN of its policy. Must be the provider's account."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "trusted_account_id" {
  type        = string
  description = "Id of the central (rotator) account. Without central_role_arn the role trusts that account's rotator role under the central-admin default name (org-key-rotation-lambda), never the whole account."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.trusted_account_id))
    error_message = "trusted_account_id must be a 12-digit AWS account id."
  }
}

variable "central_role_arn" {
  type        = string
  description = "ARN of the rotator Lambda's execution role (central-admin output execution_role_arn), the only principal the role trusts; null derives arn:<partition>:iam::<trusted_account_id>:role/org-key-rotation-lambda (central-admin's default name)."
  default     = null

  validation {
    condition     = var.central_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$", var.central_role_arn))
    error_message = "central_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the role."
  default     = {}
}
