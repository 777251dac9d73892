# With secret_location = "central" and no secret_kms_key_id: the customer managed key of the hand-over secrets. The AWS
# managed key aws/secretsmanager cannot be used from another account, so member users could never read their secret.

resource "aws_kms_key" "secrets" {
  count = module.settings.create_secrets_key ? 1 : 0

  description         = "Encrypts the OrgKeyRotation hand-over secrets of ${var.name}; each member user decrypts its own secret through Secrets Manager."
  enable_key_rotation = true
  policy              = module.settings.secrets_key_policy
  tags                = var.tags

  # KMS refuses a key policy naming a principal that does not exist yet.
  depends_on = [aws_iam_role.lambda]
}

resource "aws_kms_alias" "secrets" {
  count = module.settings.create_secrets_key ? 1 : 0

  name          = "alias/${var.name}-secrets"
  target_key_id = aws_kms_key.secrets[0].key_id
}
