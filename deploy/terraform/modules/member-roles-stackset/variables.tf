# Inputs of the StackSet that creates the rotation role in every account of the given OUs.
# Same role, same policies (rendered by ../member-policies) as the member-account module.

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

variable "role_name" {
  type        = string
  description = "Name of the role; must equal the central-admin rotation_role_name."
  default     = "IAMKeyRotationRole"

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "external_id" {
  type        = string
  description = "The sts:ExternalId AssumeRole must pass; must equal the central-admin rotation_external_id. null derives org-key-rotation-<central account id>, central-admin's default."
  default     = null

  validation {
    # Length with length(): RE2 (Terraform's regex engine) refuses repeat counts above 1000.
    condition     = var.external_id == null || try(length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[\\w+=,.@:/-]+$", var.external_id)), false)
    error_message = "external_id must be 2-1224 characters of letters, digits and +=,.@:/-."
  }
}

variable "require_external_id" {
  type        = bool
  description = "Require sts:ExternalId in the trust policy (on by default; turn off only for a rotator that sends none)."
  default     = true
}

variable "organization_id" {
  type        = string
  description = "Organization (o-...) the rotator's principal must belong to (aws:PrincipalOrgID); null looks up the Organization of the provider's (management) account (with require_organization)."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-abcd123456."
  }
}

variable "require_organization" {
  type        = bool
  description = "Require the caller to be in the Organization (aws:PrincipalOrgID): organization_id, or this account's own Organization when null (on by default)."
  default     = true
}

variable "secret_location" {
  type        = string
  description = "Where the hand-over secrets live, as the central-admin secret_location: with \"central\" the role gets no Secrets Manager permission."
  default     = "member"

  validation {
    condition     = contains(["member", "central"], var.secret_location)
    error_message = "secret_location must be \"member\" or \"central\"."
  }
}

variable "user_path" {
  type        = string
  description = "IAM path of the users whose keys the roles may rotate; must equal the central-admin discovery_user_path."
  default     = "/"

  validation {
    condition     = can(regex("^/([\\w+=,.@-]+/)*$", var.user_path)) && length(var.user_path) <= 512
    error_message = "user_path must start and end with '/', e.g. \"/\" or \"/automation/\"."
  }
}

variable "secret_name_prefix" {
  type        = string
  description = "Prefix of the hand-over secret names the roles may write; must equal the literal start of the central secret_name_template."
  default     = "iam-key-rotation/"

  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]+/$", var.secret_name_prefix))
    error_message = "secret_name_prefix must be a non-empty secret name prefix ending in '/', e.g. \"iam-key-rotation/\"."
  }
}

variable "secret_kms_key_arn" {
  type        = string
  description = "KMS key ARN usable from every target account (a key whose policy allows them) for the hand-over secrets; null uses each account's aws/secretsmanager key."
  default     = null

  validation {
    condition     = var.secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.secret_kms_key_arn))
    error_message = "secret_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "bulk_user_read" {
  type        = bool
  description = "Grant iam:GetAccountAuthorizationDetails on \"*\" (it takes no resource ARN) so the rotator reads each account's users and their tags in bulk (up to 1,000 users per call) instead of one iam:GetUser call per user. It also lets the roles read the configuration of every user, group, role and policy in their account, policy documents included (read-only, no secrets). false: no such grant; the rotator, denied the bulk read, falls back to iam:GetUser per user."
  default     = true
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
