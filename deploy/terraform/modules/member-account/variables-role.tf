# The member role's inputs that member-account and member-roles-stackset share, declared once here and passed by both
# unchanged to this module. member-account/variables-role.tf and member-roles-stackset/variables-role.tf are byte-for-
# byte copies of this file (tests/OrgKeyRotation.Deploy.Tests checks it); after an edit here, copy it over them:
#   cp deploy/terraform/modules/member-policies/variables-role.tf deploy/terraform/modules/member-account/
#   cp deploy/terraform/modules/member-policies/variables-role.tf deploy/terraform/modules/member-roles-stackset/

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
  description = "Organization (o-...) the rotator's principal must belong to (aws:PrincipalOrgID); null looks up the Organization of the provider's account (with require_organization)."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-abcd123456."
  }
}

variable "require_organization" {
  type        = bool
  description = "Require the caller to be in the Organization (aws:PrincipalOrgID): organization_id, or the provider account's own Organization when null (on by default)."
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
  description = "Prefix of the hand-over secret names the role may write; must equal the literal start of the central secret_name_template (central-admin output secret_name_prefix)."
  default     = "iam-key-rotation/"

  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]+/$", var.secret_name_prefix))
    error_message = "secret_name_prefix must be a non-empty secret name prefix ending in '/', e.g. \"iam-key-rotation/\"."
  }
}

variable "secret_kms_key_id" {
  type        = string
  description = "KMS key of the hand-over secrets in the member account (with secret_location = \"member\"), as central-admin sends it (central-admin output secret_kms_key_id): alias/NAME, resolved in each member account, or the ARN of a key of this account. The role may use it only through Secrets Manager. null uses aws/secretsmanager and grants no KMS permission."
  default     = null

  validation {
    condition     = var.secret_kms_key_id == null || can(regex("^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+|alias/[A-Za-z0-9/_-]{1,250})$", var.secret_kms_key_id))
    error_message = "secret_kms_key_id must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) or an alias name (alias/NAME)."
  }
}

variable "bulk_user_read" {
  type        = bool
  description = "Grant iam:GetAccountAuthorizationDetails on \"*\" (it takes no resource ARN) so the rotator reads the member account's users and their tags in bulk (up to 1,000 users per call) instead of one iam:GetUser call per user. It also lets the role read the configuration of every user, group, role and policy in the account, policy documents included (read-only, no secrets). false: no such grant; the rotator, denied the bulk read, falls back to iam:GetUser per user."
  default     = true
}

variable "ssm_parameter_prefixes" {
  type        = list(string)
  description = "Parameter Store names (prefixes) the rotator may write in this account for ssm destinations: central-admin output ssm_parameter_prefixes, e.g. [\"/orgkeyrotation/\"]. The role may put SecureString parameters and their tags under these prefixes only. Empty: no Parameter Store permission."
  default     = []

  validation {
    condition     = alltrue([for p in var.ssm_parameter_prefixes : can(regex("^/?[A-Za-z0-9_./-]+$", p)) && !can(regex("^/?(?i:aws|ssm)", p))])
    error_message = "ssm_parameter_prefixes entries must be parameter name prefixes of letters, digits and _.-/ (e.g. \"/orgkeyrotation/\"), not starting with aws or ssm (reserved by AWS)."
  }
}

variable "ssm_kms_key_arns" {
  type        = list(string)
  description = "ARNs of this account's customer managed KMS keys that encrypt the ssm destinations' SecureString parameters (their kms_key_id); the role may encrypt with them through Parameter Store only. Empty: the AWS managed key aws/ssm, which needs no grant."
  default     = []

  validation {
    condition     = alltrue([for arn in var.ssm_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", arn))])
    error_message = "ssm_kms_key_arns entries must be KMS key ARNs (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}
