# Inputs of the role the central rotator assumes in one member account.
# Terraform >= 1.5 lets a validation block see only its own variable; rules that span variables are output
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
  description = "Organization (o-...) the rotator's principal must belong to (aws:PrincipalOrgID); null looks up this account's Organization (with require_organization)."
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
  description = "IAM path of the users whose keys the role may rotate; must equal the central-admin discovery_user_path."
  default     = "/"

  validation {
    condition     = can(regex("^/([\\w+=,.@-]+/)*$", var.user_path)) && length(var.user_path) <= 512
    error_message = "user_path must start and end with '/', e.g. \"/\" or \"/automation/\"."
  }
}

variable "secret_name_prefix" {
  type        = string
  description = "Prefix of the hand-over secret names the role may write; must equal the literal start of the central secret_name_template."
  default     = "iam-key-rotation/"

  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]+/$", var.secret_name_prefix))
    error_message = "secret_name_prefix must be a non-empty secret name prefix ending in '/', e.g. \"iam-key-rotation/\"."
  }
}

variable "secret_kms_key_arn" {
  type        = string
  description = "KMS key ARN encrypting the hand-over secrets in this account; null uses aws/secretsmanager and grants no KMS permission."
  default     = null

  validation {
    condition     = var.secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.secret_kms_key_arn))
    error_message = "secret_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "bulk_user_read" {
  type        = bool
  description = "Grant iam:GetAccountAuthorizationDetails on \"*\" (it takes no resource ARN) so the rotator reads this account's users and their tags in bulk (up to 1,000 users per call) instead of one iam:GetUser call per user. It also lets the role read the configuration of every user, group, role and policy in the account, policy documents included (read-only, no secrets). false: no such grant; the rotator, denied the bulk read, falls back to iam:GetUser per user."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the role."
  default     = {}
}
