# The function's execution role: trusted by the Lambda service only, with the least-privilege policy central-settings
# renders.

resource "aws_iam_role" "lambda" {
  name               = module.settings.execution_role_name
  path               = var.execution_role_path
  description        = "Runs the OrgKeyRotation Lambda: assumes ${var.rotation_role_name} in member accounts."
  assume_role_policy = module.settings.lambda_trust_policy
  tags               = var.tags
}

resource "aws_iam_role_policy" "lambda" {
  name   = "least-privilege"
  role   = aws_iam_role.lambda.id
  policy = module.settings.execution_policy
}
