# Inputs of the central rotator. Defaults match src/OrgKeyRotation.Core/Configuration/RotationConfig.cs.
# Terraform >= 1.5 lets a validation block see only its own variable; rules that span variables are output
# preconditions of ../central-settings.

variable "name" {
  type        = string
  description = "Name of the Lambda function; also prefixes the role, topic, queues and alarm."
  default     = "org-key-rotation"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1-48 characters of letters, digits, '-' or '_' (it prefixes names limited to 64)."
  }
}

variable "lambda_zip_path" {
  type        = string
  description = "Path of the Lambda package, a zip holding the AOT 'bootstrap' at its root: deploy/package_lambda.sh writes artifacts/lambda/orgkeyrotation-lambda.zip. A relative path is read from the directory Terraform runs in."

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip")
    error_message = "lambda_zip_path must name the .zip that deploy/package_lambda.sh writes (artifacts/lambda/orgkeyrotation-lambda.zip)."
  }
}

variable "architecture" {
  type        = string
  description = "Lambda architecture; must match the runtime identifier the package was published for (linux-x64 or linux-arm64)."
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "execution_role_path" {
  type        = string
  description = "IAM path of the function's execution role, e.g. \"/service/\". Its ARN, path included, is what the member roles trust and, with secret_location = \"central\", the rotator the secrets name (SECRETS_ROTATOR_ARN)."
  default     = "/"

  validation {
    condition     = can(regex("^/([\\w+=,.@-]+/)*$", var.execution_role_path)) && length(var.execution_role_path) <= 512
    error_message = "execution_role_path must start and end with '/', e.g. \"/\" or \"/service/\"."
  }
}

variable "rotator_operator_arns" {
  type        = list(string)
  description = "IAM role ARNs (e.g. an operator's IAM Identity Center role, path included) that may assume the execution role to run keyrot as the rotator, which central secrets require of every run that writes them. Whoever assumes it has all of the rotator's permissions. Empty: only the Lambda service."
  default     = []

  validation {
    condition     = alltrue([for arn in var.rotator_operator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$", arn))])
    error_message = "rotator_operator_arns entries must be IAM role ARNs (arn:aws:iam::ACCOUNT:role/PATH/NAME)."
  }
}

variable "memory_size" {
  type        = number
  description = "Lambda memory in MB."
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  type        = number
  description = "Lambda timeout in seconds. The work queue's visibility timeout is six times this."
  default     = 900

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 1 and 900 (the Lambda maximum)."
  }
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrent executions of the function; null leaves it unreserved. A small number keeps IAM calls under their throttling limits. With enable_fanout (then at least 4) the work queue's event source may start reserved_concurrency - 2 invocations, so two stay free for the schedule, manual runs and Secrets Manager rotation steps."
  default     = null

  validation {
    # 0 would reserve the function out of existence: every invocation throttled.
    condition     = var.reserved_concurrency == null || try(var.reserved_concurrency >= 1 && floor(var.reserved_concurrency) == var.reserved_concurrency, false)
    error_message = "reserved_concurrency must be null or a whole number >= 1 (0 would throttle every invocation)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's CloudWatch log group, in days."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "schedule_expression" {
  type        = string
  description = "EventBridge schedule of the sweep, rate(...) or cron(...)."
  default     = "rate(1 day)"

  validation {
    # EventBridge wants the singular unit for 1 and the plural above it: rate(1 days) and rate(2 day) are refused.
    condition     = can(regex("^(rate\\(1 (minute|hour|day)\\)|rate\\(([2-9]|[1-9][0-9]+) (minutes|hours|days)\\)|cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\))$", var.schedule_expression))
    error_message = "schedule_expression must look like \"rate(1 day)\", \"rate(12 hours)\" (singular unit for 1, plural above) or \"cron(0 3 * * ? *)\" (six cron fields)."
  }
}

variable "sns_alert_email" {
  # One address or a list: Terraform has no "string or list" type, so the validation checks it.
  type        = any
  description = "Email address(es) subscribed to the alert topic (each must confirm the subscription): one string or a list."
  default     = []

  validation {
    condition     = try(alltrue([for e in flatten([var.sns_alert_email]) : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))]), false)
    error_message = "sns_alert_email must be an email address like ops@example.com, or a list of them."
  }
}

variable "sns_kms_key_arn" {
  type        = string
  description = "ARN of an existing KMS key for the alert topic; null creates a key for it (with rotation on)."
  default     = null

  validation {
    condition     = var.sns_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.sns_kms_key_arn))
    error_message = "sns_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "sns_filter_policy" {
  type        = string
  description = "SNS filter policy (JSON) of the email subscriptions. The default sends email only the sweep's digest and what a person must act on; \"all\" or null sends every event (one message per user per sweep)."
  default     = "{\"severity\":[\"action-required\",\"summary\"]}"

  validation {
    condition     = var.sns_filter_policy == null || var.sns_filter_policy == "all" || can(jsondecode(var.sns_filter_policy))
    error_message = "sns_filter_policy must be valid JSON, \"all\" or null."
  }
}

variable "rotation_role_name" {
  type        = string
  description = "Name of the role assumed in every member account (created there by the member-account or member-roles-stackset module)."
  default     = "IAMKeyRotationRole"

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.rotation_role_name))
    error_message = "rotation_role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "rotation_external_id" {
  type        = string
  description = "sts:ExternalId the rotator passes to AssumeRole; the member roles require the same value. null uses org-key-rotation-<central account id>, which the member modules derive the same way from trusted_account_id."
  default     = null

  validation {
    # Length with length(): RE2 (Terraform's regex engine) refuses repeat counts above 1000.
    condition     = var.rotation_external_id == null || try(length(var.rotation_external_id) >= 2 && length(var.rotation_external_id) <= 1224 && can(regex("^[\\w+=,.@:/-]+$", var.rotation_external_id)), false)
    error_message = "rotation_external_id must be 2-1224 characters of letters, digits and +=,.@:/-."
  }
}

variable "accounts_users_json" {
  type        = string
  description = "Explicit scope as JSON: 12-digit account id to a list of user names, e.g. {\"111111111111\": [\"ci-user\"]}. \"{}\" with discover_organization = true."
  default     = "{}"

  validation {
    condition = can(jsondecode(var.accounts_users_json)) && alltrue([
      for account, users in try(jsondecode(var.accounts_users_json), {}) :
      can(regex("^[0-9]{12}$", account)) && can(tolist(users))
    ])
    error_message = "accounts_users_json must be a JSON object whose keys are 12-digit account ids and whose values are lists of user names."
  }
}

variable "discover_organization" {
  type        = bool
  description = "Rotate in every ACTIVE account of the Organization (minus exclusions) instead of only accounts_users_json. Needs organization_id."
  default     = false
}

variable "organization_id" {
  type        = string
  description = "AWS Organization id (o-...). Restricts sts:AssumeRole to roles in the Organization (aws:ResourceOrgID); required with discover_organization."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-abcd123456."
  }
}

variable "discovery_include_ous" {
  type        = list(string)
  description = "Limit discovery to these OUs or roots (nested OUs included). Empty means the whole Organization."
  default     = []

  validation {
    condition     = alltrue([for ou in var.discovery_include_ous : can(regex("^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$", ou))])
    error_message = "discovery_include_ous entries must be OU ids (ou-xxxx-yyyyyyyy) or root ids (r-xxxx)."
  }
}

variable "discovery_exclude_accounts" {
  type        = list(string)
  description = "Account ids never touched by discovery."
  default     = []

  validation {
    condition     = alltrue([for a in var.discovery_exclude_accounts : can(regex("^[0-9]{12}$", a))])
    error_message = "discovery_exclude_accounts entries must be 12-digit account ids."
  }
}

variable "discovery_user_path" {
  type        = string
  description = "IAM path prefix of the users rotated by discovery, e.g. \"/automation/\". Must equal the member roles' user_path."
  default     = "/"

  validation {
    condition     = can(regex("^/([\\w+=,.@-]+/)*$", var.discovery_user_path)) && length(var.discovery_user_path) <= 512
    error_message = "discovery_user_path must start and end with '/', e.g. \"/\" or \"/automation/\"."
  }
}

variable "discovery_user_tag" {
  type        = string
  description = "Only rotate discovered users carrying this tag, as \"key\" or \"key=value\". null rotates every user on the path."
  default     = null

  validation {
    condition     = var.discovery_user_tag == null || can(regex("^[^=]{1,128}(=.{0,256})?$", var.discovery_user_tag))
    error_message = "discovery_user_tag must be \"key\" or \"key=value\" (key 1-128 characters)."
  }
}

variable "max_key_age_days" {
  type        = number
  description = "Rotate when the active key is older than this many days (CIS 1.14 says 90)."
  default     = 90

  validation {
    condition     = var.max_key_age_days >= 0 && var.max_key_age_days <= 3650 && floor(var.max_key_age_days) == var.max_key_age_days
    error_message = "max_key_age_days must be a whole number between 0 and 3650."
  }
}

variable "deactivate_after_days" {
  type        = number
  description = "Deactivate the previous key this many days after the new one was promoted."
  default     = 7

  validation {
    condition     = var.deactivate_after_days >= 0 && var.deactivate_after_days <= 365 && floor(var.deactivate_after_days) == var.deactivate_after_days
    error_message = "deactivate_after_days must be a whole number between 0 and 365."
  }
}

variable "delete_after_days" {
  type        = number
  description = "Delete a deactivated previous key this many days after deactivation."
  default     = 7

  validation {
    condition     = var.delete_after_days >= 0 && var.delete_after_days <= 365 && floor(var.delete_after_days) == var.delete_after_days
    error_message = "delete_after_days must be a whole number between 0 and 365."
  }
}

variable "require_old_key_unused" {
  type        = bool
  description = "Deactivate the previous key only when it was not used since the new key was promoted."
  default     = true
}

variable "max_deactivation_delay_days" {
  type        = number
  description = "When the previous key is still in use, deactivate it anyway this many days after promotion; 0 never forces."
  default     = 30

  validation {
    condition     = var.max_deactivation_delay_days >= 0 && var.max_deactivation_delay_days <= 365 && floor(var.max_deactivation_delay_days) == var.max_deactivation_delay_days
    error_message = "max_deactivation_delay_days must be a whole number between 0 and 365."
  }
}

variable "old_key_idle_days" {
  type        = number
  description = "A previous key unused for this many days may be deactivated before its grace period ends."
  default     = 7

  validation {
    condition     = var.old_key_idle_days >= 1 && var.old_key_idle_days <= 365 && floor(var.old_key_idle_days) == var.old_key_idle_days
    error_message = "old_key_idle_days must be a whole number between 1 and 365."
  }
}

variable "warn_days_before_forced" {
  type        = number
  description = "From this many whole days before the forced deactivation of a previous key still in use, the warning about it is action-required (delivered by the default email filter); 0 never. Below max_deactivation_delay_days - deactivate_after_days, so a daily sweep warns at least this many days ahead."
  default     = 7

  validation {
    condition     = var.warn_days_before_forced >= 0 && var.warn_days_before_forced <= 365 && floor(var.warn_days_before_forced) == var.warn_days_before_forced
    error_message = "warn_days_before_forced must be a whole number between 0 and 365."
  }
}

variable "exempt_group" {
  type        = string
  description = "Members of this IAM group are never rotated. null disables the group exemption."
  default     = "key-rotation-exempt"

  validation {
    condition     = var.exempt_group == null || can(regex("^[\\w+=,.@-]{1,128}$", var.exempt_group))
    error_message = "exempt_group must be an IAM group name (1-128 characters of letters, digits and +=,.@_-)."
  }
}

variable "exempt_tag" {
  type        = string
  description = "Users with this tag key are never rotated (a yyyy-MM-dd value ends the exemption). null disables the tag exemption."
  default     = "key-rotation:exempt"

  validation {
    condition     = var.exempt_tag == null || can(regex("^.{1,128}$", var.exempt_tag))
    error_message = "exempt_tag must be a tag key of 1-128 characters."
  }
}

variable "alert_owner_tag" {
  type        = string
  description = "User tag whose value names a key's owner in alerts; null or \"\" leaves owners out."
  default     = "owner"

  validation {
    condition     = var.alert_owner_tag == null || can(regex("^.{0,128}$", var.alert_owner_tag))
    error_message = "alert_owner_tag must be a tag key of up to 128 characters."
  }
}

variable "secret_name_template" {
  type        = string
  description = "Name of the secret that hands a new key over; placeholders {accountId} and {userName}. The literal part before the first '{' (ending in '/') is the prefix the roles may touch."
  default     = "iam-key-rotation/{accountId}/{userName}"

  validation {
    # The literal prefix (up to the first '{') scopes the roles' Secrets Manager ARNs and is the member modules'
    # secret_name_prefix, so it must end in '/'; the rest is secret-name characters and the two placeholders.
    condition     = try(can(regex("^[A-Za-z0-9/_+=.@-]+/\\{", var.secret_name_template)) && strcontains(var.secret_name_template, "{userName}") && can(regex("^[A-Za-z0-9/_+=.@-]*$", replace(replace(var.secret_name_template, "{accountId}", ""), "{userName}", ""))), false)
    error_message = "secret_name_template must start with a literal prefix ending in '/' (e.g. \"iam-key-rotation/\"), contain {userName}, and otherwise hold only {accountId} and letters, digits and /_+=.@-."
  }
}

variable "secret_kms_key_id" {
  type        = string
  description = "KMS key of the hand-over secrets (SECRET_KMS_KEY_ID). With secret_location = \"member\": alias/NAME, which each member account resolves to its own key (pass it to the member modules as secret_kms_key_id), a key ARN only when the one listed account owns that key, or null for each account's aws/secretsmanager key. With secret_location = \"central\": null creates a customer managed key whose policy lets each member user decrypt its own secret through Secrets Manager, or the ARN of such a key of this account (output secrets_key_policy is the policy it needs); never aws/secretsmanager, which cannot be used from another account."
  default     = null

  validation {
    condition     = var.secret_kms_key_id == null || can(regex("^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+|alias/[A-Za-z0-9/_-]{1,250})$", var.secret_kms_key_id))
    error_message = "secret_kms_key_id must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) or an alias name (alias/NAME)."
  }
}

variable "secret_location" {
  type        = string
  description = "Where hand-over secrets live: \"member\" (beside the user's consumers) or \"central\" (this account)."
  default     = "member"

  validation {
    condition     = contains(["member", "central"], var.secret_location)
    error_message = "secret_location must be \"member\" or \"central\"."
  }
}

variable "destinations" {
  type = object({
    defaults = optional(list(object({
      type                   = string
      name                   = optional(string)
      format                 = optional(string)
      kms_key_id             = optional(string)
      scope                  = optional(string)
      repository             = optional(string)
      environment            = optional(string)
      organization           = optional(string)
      visibility             = optional(string)
      selected_repositories  = optional(list(string))
      access_key_id_name     = optional(string)
      secret_access_key_name = optional(string)
    })), [])
    accounts = optional(map(object({
      defaults = optional(list(object({
        type                   = string
        name                   = optional(string)
        format                 = optional(string)
        kms_key_id             = optional(string)
        scope                  = optional(string)
        repository             = optional(string)
        environment            = optional(string)
        organization           = optional(string)
        visibility             = optional(string)
        selected_repositories  = optional(list(string))
        access_key_id_name     = optional(string)
        secret_access_key_name = optional(string)
      })), [])
      users = optional(map(list(object({
        type                   = string
        name                   = optional(string)
        format                 = optional(string)
        kms_key_id             = optional(string)
        scope                  = optional(string)
        repository             = optional(string)
        environment            = optional(string)
        organization           = optional(string)
        visibility             = optional(string)
        selected_repositories  = optional(list(string))
        access_key_id_name     = optional(string)
        secret_access_key_name = optional(string)
      }))), {})
    })), {})
  })
  description = "Where each rotated user's new key is written besides its secret (DESTINATIONS_JSON; docs/configuration.md, \"Destinations\"): defaults for every rotated user, and by account id its users' defaults and single users by name. A destination is {type = \"ssm\", name, format = \"json\" or \"pair\", kms_key_id} (a SecureString in the user's account, written by the member role: grant its prefix with the member modules' ssm_parameter_prefixes, output ssm_parameter_prefixes) or {type = \"github\", scope = \"repository\", \"environment\" or \"organization\", repository = \"owner/name\", environment, organization, visibility, selected_repositories, access_key_id_name, secret_access_key_name} (needs github_credentials_secret_arn). Names may hold {accountId} and {userName}. The previous key stays active until every destination holds the new key."
  default     = {}

  validation {
    condition     = alltrue([for account, entry in var.destinations.accounts : can(regex("^[0-9]{12}$", account)) && alltrue([for user in keys(entry.users) : can(regex("^[\\w+=,.@-]{1,64}$", user))])])
    error_message = "destinations.accounts must be keyed by 12-digit account ids, and each account's users by IAM user names."
  }

  validation {
    condition = alltrue([for d in concat(var.destinations.defaults, flatten([for entry in values(var.destinations.accounts) : concat(entry.defaults, flatten(values(entry.users)))])) :
      d.type == "ssm" ? (d.name != null && can(regex("^([A-Za-z0-9_./-]|\\{accountId\\}|\\{userName\\})+$", d.name)) && contains(["json", "pair"], coalesce(d.format, "json")) && alltrue([for f in [d.scope, d.repository, d.environment, d.organization, d.visibility, d.selected_repositories, d.access_key_id_name, d.secret_access_key_name] : f == null]))
      : d.type == "github" ? (contains(["repository", "environment", "organization"], coalesce(d.scope, "-")) && d.name == null && d.format == null && d.kms_key_id == null)
    : false])
    error_message = "Each destination is type = \"ssm\" with a name of letters, digits, _.-/ and the placeholders {accountId} and {userName} (format \"json\" or \"pair\", an optional kms_key_id, no GitHub fields), or type = \"github\" with scope \"repository\", \"environment\" or \"organization\" (no ssm fields)."
  }

  validation {
    condition = alltrue([for d in concat(var.destinations.defaults, flatten([for entry in values(var.destinations.accounts) : concat(entry.defaults, flatten(values(entry.users)))])) : d.type != "github" || (
      (d.scope == "organization" ? d.organization != null && contains(["all", "private", "selected"], coalesce(d.visibility, "-")) && (d.visibility == "selected") == (try(length(d.selected_repositories), 0) > 0) && d.repository == null && d.environment == null
      : can(regex("^[^/\\s]+/[^/\\s]+$", d.repository)) && (d.scope == "environment") == (d.environment != null) && d.organization == null && d.visibility == null && d.selected_repositories == null)
      && alltrue([for n in [d.access_key_id_name, d.secret_access_key_name] : n == null || can(regex("^([A-Za-z_]|\\{accountId\\}|\\{userName\\})([A-Za-z0-9_]|\\{accountId\\}|\\{userName\\})*$", n))])
    )])
    error_message = "A github destination of scope \"repository\" needs repository = \"owner/name\"; \"environment\" also needs environment; \"organization\" needs organization and visibility (\"all\", \"private\", or \"selected\" with selected_repositories). Secret names (access_key_id_name, secret_access_key_name) are letters, digits and _, not starting with a digit."
  }
}

variable "github_api_url" {
  type        = string
  description = "GitHub REST API root of the github destinations (GITHUB_API_URL): https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server."
  default     = "https://api.github.com"

  validation {
    condition     = can(regex("^https?://[^\\s?#]+$", var.github_api_url))
    error_message = "github_api_url must be an http(s) URL without a query, e.g. https://api.github.com or https://github.example.com/api/v3."
  }
}

variable "github_credentials_secret_arn" {
  type        = string
  description = "ARN of the Secrets Manager secret in this account and region that holds the GitHub credential of the github destinations (GITHUB_CREDENTIALS_SECRET_ARN): a GitHub App ({\"appId\", \"privateKey\", \"installationId\"}, recommended) or a fine-grained token ({\"token\"}). The execution role may read this one secret. Required with a github destination; null grants nothing."
  default     = null

  validation {
    condition     = var.github_credentials_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", var.github_credentials_secret_arn))
    error_message = "github_credentials_secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-abcdef)."
  }
}

variable "github_credentials_kms_key_arn" {
  type        = string
  description = "ARN of the customer managed KMS key that encrypts the GitHub credential secret; the execution role may decrypt with it through Secrets Manager only. null: the secret uses aws/secretsmanager, which needs no grant."
  default     = null

  validation {
    condition     = var.github_credentials_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.github_credentials_kms_key_arn))
    error_message = "github_credentials_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "dry_run" {
  type        = bool
  description = "Plan only: the rotator reports what it would do and changes nothing."
  default     = false
}

variable "concurrency_accounts" {
  type        = number
  description = "Accounts processed at once by one invocation."
  default     = 16

  validation {
    condition     = var.concurrency_accounts >= 1 && var.concurrency_accounts <= 256 && floor(var.concurrency_accounts) == var.concurrency_accounts
    error_message = "concurrency_accounts must be a whole number between 1 and 256."
  }
}

variable "concurrency_users_per_account" {
  type        = number
  description = "Users processed at once within one account (IAM throttles per account)."
  default     = 4

  validation {
    condition     = var.concurrency_users_per_account >= 1 && var.concurrency_users_per_account <= 32 && floor(var.concurrency_users_per_account) == var.concurrency_users_per_account
    error_message = "concurrency_users_per_account must be a whole number between 1 and 32."
  }
}

variable "verification_regions" {
  type        = list(string)
  description = "Regions whose consumers use the keys: a new key is handed over only once each region's STS accepts it (IAM makes a new key usable in each region on its own). Empty: the function's own region only."
  default     = []

  validation {
    condition     = alltrue([for r in var.verification_regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", r))])
    error_message = "verification_regions entries must be region codes such as us-east-1 or eu-west-1."
  }
}

variable "enable_fanout" {
  type        = bool
  description = "Fan a sweep out over an SQS work queue (one message per account) instead of one invocation doing every account."
  default     = false
}

variable "fanout_max_receive_count" {
  type        = number
  description = "Deliveries of one work message before it moves to the dead-letter queue (AWS advises at least 5 for a Lambda consumer)."
  default     = 5

  validation {
    condition     = var.fanout_max_receive_count >= 1 && var.fanout_max_receive_count <= 1000 && floor(var.fanout_max_receive_count) == var.fanout_max_receive_count
    error_message = "fanout_max_receive_count must be a whole number between 1 and 1000."
  }
}

variable "fanout_batch_size" {
  type        = number
  description = "Work messages (accounts) the queue hands one invocation; the invocation sweeps them together, up to concurrency_accounts at once, so their accounts' waits for new keys to propagate overlap. At most 10: above that Lambda needs a batching window, and the batch must fit one invocation's timeout (an item not started before the deadline is handed back for redelivery)."
  default     = 10

  validation {
    condition     = var.fanout_batch_size >= 1 && var.fanout_batch_size <= 10 && floor(var.fanout_batch_size) == var.fanout_batch_size
    error_message = "fanout_batch_size must be a whole number between 1 and 10."
  }
}

variable "deadline_margin_seconds" {
  type        = number
  description = "Seconds before the function's timeout after which an invocation starts no more work (ROTATION_DEADLINE_MARGIN_SECONDS): a fan-out item not started by then is handed back for redelivery. null leaves the function's default, the worst case of one user's work after its start (262 s with the default retry and verification settings)."
  default     = null

  validation {
    condition     = var.deadline_margin_seconds == null || try(var.deadline_margin_seconds >= 0 && var.deadline_margin_seconds <= 600 && floor(var.deadline_margin_seconds) == var.deadline_margin_seconds, false)
    error_message = "deadline_margin_seconds must be null or a whole number of seconds between 0 and 600."
  }
}

variable "digest_delay_seconds" {
  type        = number
  description = "With fan-out, seconds the sweep's digest item waits on the work queue before it first gathers the accounts' reports (DIGEST_DELAY_SECONDS; SQS delays a message at most 900 s). null leaves it to the function's default."
  default     = null

  validation {
    condition     = var.digest_delay_seconds == null || try(var.digest_delay_seconds >= 0 && var.digest_delay_seconds <= 900 && floor(var.digest_delay_seconds) == var.digest_delay_seconds, false)
    error_message = "digest_delay_seconds must be null or a whole number of seconds between 0 and 900 (the SQS maximum message delay)."
  }
}

variable "enable_secrets_manager_rotation" {
  type        = bool
  description = "Let Secrets Manager (of this account) rotate the central hand-over secrets with the function: the rotator turns rotation on for each secret it creates (SECRETS_ROTATION_LAMBDA_ARN). Needs secret_location = \"central\"."
  default     = false
}

variable "enable_failure_alarm" {
  type        = bool
  description = "Create the CloudWatch alarms that notify the alert topic: failed rotations and rotation steps (namespace OrgKeyRotation), function errors and throttles, and messages in the dead-letter queue."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every resource that takes tags."
  default     = {}
}
