output "execution_policy" {
  description = "The execution role's permission policy (JSON)."
  value       = local.execution_policy

  precondition {
    condition     = !var.config.discover_organization || var.config.organization_id != null
    error_message = "discover_organization = true needs organization_id (o-...): sts:AssumeRole is then limited to roles inside that Organization."
  }
  precondition {
    condition     = var.config.discover_organization || length(local.member_role_arns) > 0
    error_message = "accounts_users_json lists no account and discover_organization is false: there is nothing to rotate."
  }
  precondition {
    condition     = !var.config.enable_secrets_manager_rotation || local.central_secrets
    error_message = "enable_secrets_manager_rotation needs secret_location = \"central\": Secrets Manager can call the function only for secrets of this account, and the rotator turns rotation on only for central secrets."
  }
  precondition {
    condition     = !var.config.enable_fanout || var.config.reserved_concurrency == null || try(var.config.reserved_concurrency >= 2 + local.invocation_headroom, false)
    error_message = "With enable_fanout, reserved_concurrency must be null or at least 4: the SQS event source may start reserved_concurrency - 2 invocations (SQS maximum concurrency is at least 2), and 2 stay free for the schedule, manual runs and Secrets Manager rotation steps, which would otherwise be throttled."
  }
  precondition {
    condition     = !local.central_secrets || !local.aws_managed_secrets_key
    error_message = "secret_location = \"central\" cannot use the AWS managed key aws/secretsmanager: it cannot be used from another account, so users could never read their secrets. Set secret_kms_key_id = null (central-admin then creates a customer managed key whose policy lets each member user decrypt its own secret) or to the ARN of such a key of this account."
  }
  precondition {
    condition     = !local.central_secrets || var.config.secret_kms_key_id == null || local.aws_managed_secrets_key || (local.secret_key_is_arn && try(split(":", var.config.secret_kms_key_id)[4] == var.deployment.account_id, false))
    error_message = "With secret_location = \"central\", secret_kms_key_id must be null (central-admin creates the key) or the ARN of a key of this account whose policy is output secrets_key_policy: the execution role's policy names the key by its ARN."
  }
  precondition {
    condition     = var.config.warn_days_before_forced == 0 || var.config.max_deactivation_delay_days == 0 || var.config.warn_days_before_forced < var.config.max_deactivation_delay_days - var.config.deactivate_after_days
    error_message = "warn_days_before_forced must be 0 or less than max_deactivation_delay_days - deactivate_after_days: the warnings start that many days before the forced deactivation, which must come after the previous key may be deactivated at all. Lower warn_days_before_forced or set it to 0."
  }
  precondition {
    condition     = !local.github_destinations || var.config.github_credentials_secret_arn != null
    error_message = "A github destination needs github_credentials_secret_arn: the ARN of the secret in this account that holds the GitHub App or the fine-grained token."
  }
  precondition {
    condition     = var.config.github_credentials_secret_arn == null || try(split(":", var.config.github_credentials_secret_arn)[4] == var.deployment.account_id && split(":", var.config.github_credentials_secret_arn)[3] == var.deployment.region, false)
    error_message = "github_credentials_secret_arn must name a secret of this account and region: the function reads it with its own role, from its own region."
  }
  precondition {
    condition     = !local.member_key_is_foreign
    error_message = "A key ARN names one account's key, but with secret_location = \"member\" every member account encrypts its own secrets: set secret_kms_key_id to alias/NAME (each member account resolves it to its own key) or null (aws/secretsmanager)."
  }
}

output "lambda_trust_policy" {
  description = "The execution role's trust policy (JSON): the Lambda service, and the operator principals that run keyrot as the rotator."
  value       = templatefile("${local.policies_dir}/lambda-trust.json.tftpl", { operator_arns = var.config.rotator_operator_arns })
}

output "topic_key_policy" {
  description = "The policy of the KMS key created for the alert topic (JSON)."
  value = templatefile("${local.policies_dir}/topic-key-policy.json.tftpl", {
    partition       = var.deployment.partition
    account_id      = var.deployment.account_id
    lambda_role_arn = local.execution_role_arn
  })
}

output "organizations_delegation_policy" {
  description = "An AWS Organizations resource-based delegation policy that lets the rotator discover accounts from a member account (JSON)."
  value = templatefile("${local.policies_dir}/organizations-delegation.json.tftpl", {
    rotator_role_arn = local.execution_role_arn
  })
}

output "environment" {
  description = "The function's environment variables."
  value       = local.environment

  precondition {
    # Lambda limits the environment to 4 KB in total (keys and values); a long accounts_users_json or destinations hits it first.
    condition     = length(join("", keys(local.environment), values(local.environment))) <= 4096
    error_message = "The function's environment exceeds Lambda's 4 KB: accounts_users_json or destinations is too long for an environment variable. Use discover_organization instead of listing users, and destination defaults with {accountId} and {userName} instead of one destination per user."
  }
}

output "execution_role_name" {
  description = "Name of the execution role."
  value       = local.execution_role_name
}

output "execution_role_arn" {
  description = "ARN of the execution role (the principal member roles trust)."
  value       = local.execution_role_arn
}

output "function_arn" {
  description = "ARN of the function."
  value       = local.function_arn
}

output "external_id" {
  description = "The sts:ExternalId the rotator sends."
  value       = local.external_id
}

output "secret_name_prefix" {
  description = "Literal prefix of the hand-over secret names."
  value       = local.secret_name_prefix
}

output "alert_emails" {
  description = "The alert addresses as a list."
  value       = local.alert_emails
}

output "email_filter_policy" {
  description = "The filter policy of the email subscriptions (JSON); null lets every event through."
  value       = local.email_filter_policy
}

output "fanout_maximum_concurrency" {
  description = "Maximum concurrency of the SQS event source mapping; null when unbounded."
  value       = local.fanout_maximum_concurrency
}

output "create_secrets_key" {
  description = "Whether central-admin creates the customer managed key of the secrets: central secrets without secret_kms_key_id."
  value       = local.create_secrets_key
}

output "ssm_parameter_prefixes" {
  description = "The literal start of every ssm destination's parameter name (up to its first placeholder): the member roles' ssm_parameter_prefixes."
  value       = local.ssm_parameter_prefixes
}

output "secret_kms_key_id" {
  description = "The key of the hand-over secrets the function uses (SECRET_KMS_KEY_ID): secret_kms_key_id, or the created key's ARN; null for aws/secretsmanager."
  value       = local.secret_kms_key
}

output "secrets_key_policy" {
  description = "The policy of the central secrets' key (JSON): the account administers it, the rotator encrypts and decrypts through Secrets Manager, and each member user of the Organization (or of the listed accounts) decrypts its own secret through Secrets Manager."
  value       = local.secrets_key_policy
}

output "secret_reader_policy" {
  description = "With central secrets: the identity policy a member user needs besides the secret's and the key's policies to read its own hand-over secret (JSON); null with member secrets."
  value       = local.central_secrets ? local.secret_reader_policy : null
}
