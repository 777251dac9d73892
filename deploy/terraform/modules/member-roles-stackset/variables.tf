# Inputs of the StackSet that creates the rotation role in every account of the given OUs.
# Same role, same policies (rendered by ../member-policies) as the member-account module; the inputs they share are
# in variables-role.tf.

variable "stack_set_name" {
  type        = string
  description = "Name of the CloudFormation StackSet."
  default     = "org-key-rotation-member-role"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,127}$", var.stack_set_name))
    error_message = "stack_set_name must start with a letter and hold up to 128 letters, digits and '-'."
  }
}

variable "organizational_unit_ids" {
  type        = list(string)
  description = "OUs (or the root r-...) whose accounts get the role, now and when they join later. The management account itself is never a target of a service-managed StackSet: use the member-account module there."

  validation {
    condition     = length(var.organizational_unit_ids) > 0 && alltrue([for ou in var.organizational_unit_ids : can(regex("^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$", ou))])
    error_message = "organizational_unit_ids must list at least one OU id (ou-xxxx-yyyyyyyy) or root id (r-xxxx)."
  }
}

variable "call_as" {
  type        = string
  description = "\"SELF\" from the management account, \"DELEGATED_ADMIN\" from a delegated CloudFormation administrator account."
  default     = "SELF"

  validation {
    condition     = contains(["SELF", "DELEGATED_ADMIN"], var.call_as)
    error_message = "call_as must be \"SELF\" or \"DELEGATED_ADMIN\"."
  }
}

variable "central_role_arn" {
  type        = string
  description = "ARN of the rotator Lambda's execution role (central-admin output execution_role_arn): the only principal the roles trust."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$", var.central_role_arn))
    error_message = "central_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)."
  }
}

variable "max_concurrent_percentage" {
  type        = number
  description = "Share of the target accounts deployed at once."
  default     = 25

  validation {
    condition     = var.max_concurrent_percentage >= 1 && var.max_concurrent_percentage <= 100
    error_message = "max_concurrent_percentage must be between 1 and 100."
  }
}

variable "failure_tolerance_percentage" {
  type        = number
  description = "Share of accounts that may fail before the StackSet operation stops."
  default     = 0

  validation {
    condition     = var.failure_tolerance_percentage >= 0 && var.failure_tolerance_percentage <= 100
    error_message = "failure_tolerance_percentage must be between 0 and 100."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the StackSet (CloudFormation propagates them to the stacks' resources)."
  default     = {}
}
