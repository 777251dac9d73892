locals {
  policies_dir = "${path.module}/policies"

  trusted_account_id = var.trusted_account_id != null ? var.trusted_account_id : try(split(":", var.central_role_arn)[4], null)
  # Exactly the rotator's execution role, never the whole central account: without central_role_arn, the role
  # central-admin creates under its default name (org-key-rotation -> org-key-rotation-lambda).
  trusted_principal_arn = var.central_role_arn != null ? var.central_role_arn : "arn:${var.partition}:iam::${local.trusted_account_id}:role/org-key-rotation-lambda"
  # The same default central-admin sends when rotation_external_id is null.
  external_id     = var.require_external_id ? coalesce(var.external_id, "org-key-rotation-${local.trusted_account_id}") : null
  organization_id = var.require_organization ? (var.organization_id != null ? var.organization_id : var.discovered_organization_id) : null

  secret_kms_key_is_alias = startswith(coalesce(var.secret_kms_key_id, "-"), "alias/")

  trust_policy = templatefile("${local.policies_dir}/member-role-trust.json.tftpl", {
    trusted_principal_arn = local.trusted_principal_arn
    external_id           = local.external_id == null ? "" : local.external_id
    organization_id       = local.organization_id == null ? "" : local.organization_id
  })

  permissions_policy = templatefile("${local.policies_dir}/member-role-permissions.json.tftpl", {
    partition          = var.partition
    account_id         = var.account_id
    user_path          = var.user_path
    secret_name_prefix = var.secret_name_prefix
    member_secrets     = var.secret_location == "member"
    has_secret_kms_key = var.secret_kms_key_id != null
    # A key ARN is granted as such; an alias, resolved in the account, is granted on the account's keys it names.
    secret_kms_key_resource = local.secret_kms_key_is_alias ? "arn:${var.partition}:kms:*:${var.account_id}:key/*" : coalesce(var.secret_kms_key_id, "-")
    secret_kms_key_alias    = local.secret_kms_key_is_alias ? var.secret_kms_key_id : ""
    bulk_user_read          = var.bulk_user_read
    # Parameter ARNs drop the name's leading '/': /a/b is arn:...:parameter/a/b.
    ssm_parameter_arns = [for p in var.ssm_parameter_prefixes : "arn:${var.partition}:ssm:*:${var.account_id}:parameter/${trimprefix(p, "/")}*"]
    ssm_kms_key_arns   = length(var.ssm_parameter_prefixes) > 0 ? var.ssm_kms_key_arns : []
  })
}
