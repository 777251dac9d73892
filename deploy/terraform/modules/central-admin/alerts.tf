# The alert topic, encrypted with a KMS key (created here unless sns_kms_key_arn names one), and its email
# subscriptions.

locals {
  create_topic_key = var.sns_kms_key_arn == null
  topic_key_arn    = local.create_topic_key ? aws_kms_key.topic[0].arn : var.sns_kms_key_arn
}

resource "aws_kms_key" "topic" {
  count = local.create_topic_key ? 1 : 0

  description         = "Encrypts the OrgKeyRotation alert topic ${var.name}-alerts."
  enable_key_rotation = true
  policy              = module.settings.topic_key_policy
  tags                = var.tags

  # KMS refuses a key policy naming a principal that does not exist yet.
  depends_on = [aws_iam_role.lambda]
}

resource "aws_kms_alias" "topic" {
  count = local.create_topic_key ? 1 : 0

  name          = "alias/${var.name}-alerts"
  target_key_id = aws_kms_key.topic[0].key_id
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = local.topic_key_arn
  tags              = var.tags
}

# Quiet by default: email gets the sweep's digest and what a person must act on (sns_filter_policy); every other
# event stays on the topic for machine subscribers (docs/alerts.md).
resource "aws_sns_topic_subscription" "email" {
  for_each = toset(module.settings.alert_emails)

  topic_arn     = aws_sns_topic.alerts.arn
  protocol      = "email"
  endpoint      = each.value
  filter_policy = module.settings.email_filter_policy
}
