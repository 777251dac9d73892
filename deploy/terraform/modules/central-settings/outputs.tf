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
    condition     = !var.config.enable_fanout || var.config.reserved_concurrency == null || try(var.config.reserved_concurrency >= 2, false)
    error_message = "With enable_fanout, reserved_concurrency must be null or at least 2: the SQS event source's maximum concurrency, capped at it, cannot be below 2."
  }
}

output "lambda_trust_policy" {
  description = "The execution role's trust policy (JSON): the Lambda service only."
  value       = templatefile("${local.policies_dir}/lambda-trust.json.tftpl", {})
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
    # Lambda limits the environment to 4 KB in total (keys and values); a long accounts_users_json hits it first.
    condition     = length(join("", keys(local.environment), values(local.environment))) <= 4096
    error_message = "The function's environment exceeds Lambda's 4 KB: accounts_users_json is too long for an environment variable. Use discover_organization instead."
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
