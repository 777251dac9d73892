data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  policies_dir = "${path.module}/../../policies"

  trusted_principal_arn = coalesce(var.central_role_arn, "arn:${data.aws_partition.current.partition}:iam::${var.trusted_account_id}:root")
}

resource "aws_iam_role" "rotation" {
  name               = var.role_name
  description        = "Assumed by the OrgKeyRotation Lambda in ${var.trusted_account_id} to rotate IAM user access keys."
  assume_role_policy = templatefile("${local.policies_dir}/member-role-trust.json.tftpl", {
    trusted_principal_arn = local.trusted_principal_arn
    has_external_id       = var.external_id != null
    external_id           = coalesce(var.external_id, "none")
    has_organization_id   = var.organization_id != null
    organization_id       = coalesce(var.organization_id, "none")
  })
  # A sweep takes minutes; one hour is the shortest allowed and plenty.
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = data.aws_caller_identity.current.account_id == var.account_id
      error_message = "The AWS provider of this module is not in account_id: configure it for the member account."
    }
    precondition {
      condition     = var.central_role_arn == null || try(split(":", var.central_role_arn)[4], "") == var.trusted_account_id
      error_message = "central_role_arn is not in trusted_account_id."
    }
  }
}

resource "aws_iam_role_policy" "rotation" {
  name   = "rotate-access-keys"
  role   = aws_iam_role.rotation.id
  policy = templatefile("${local.policies_dir}/member-role-permissions.json.tftpl", {
    partition          = data.aws_partition.current.partition
    account_id         = var.account_id
    user_path          = var.user_path
    secret_name_prefix = var.secret_name_prefix
    has_secret_kms_key = var.secret_kms_key_arn != null
    secret_kms_key_arn = coalesce(var.secret_kms_key_arn, "none")
  })
}
