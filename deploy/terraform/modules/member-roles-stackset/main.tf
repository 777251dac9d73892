data "aws_region" "current" {}

locals {
  policies_dir = "${path.module}/../../policies"

  # The same templates as the member-account module. Account and partition are left to CloudFormation:
  # each stack instance substitutes its own through Fn::Sub.
  trust_policy = jsondecode(templatefile("${local.policies_dir}/member-role-trust.json.tftpl", {
    trusted_principal_arn = var.central_role_arn
    has_external_id       = var.external_id != null
    external_id           = coalesce(var.external_id, "none")
    has_organization_id   = var.organization_id != null
    organization_id       = coalesce(var.organization_id, "none")
  }))
  permissions_policy = jsondecode(templatefile("${local.policies_dir}/member-role-permissions.json.tftpl", {
    partition          = "$${AWS::Partition}"
    account_id         = "$${AWS::AccountId}"
    user_path          = var.user_path
    secret_name_prefix = var.secret_name_prefix
    has_secret_kms_key = var.secret_kms_key_arn != null
    secret_kms_key_arn = coalesce(var.secret_kms_key_arn, "none")
  }))

  template_body = jsonencode({
    AWSTemplateFormatVersion = "2010-09-09"
    Description              = "OrgKeyRotation: the role the central rotator assumes to rotate IAM user access keys."
    Resources = {
      RotationRole = {
        Type = "AWS::IAM::Role"
        Properties = {
          RoleName                 = var.role_name
          Description              = "Assumed by the OrgKeyRotation Lambda (${var.central_role_arn}) to rotate IAM user access keys."
          MaxSessionDuration       = 3600
          AssumeRolePolicyDocument = local.trust_policy
          Policies = [{
            PolicyName = "rotate-access-keys"
            PolicyDocument = merge(local.permissions_policy, {
              Statement = [for s in local.permissions_policy.Statement : merge(s, { Resource = { "Fn::Sub" = s.Resource } })]
            })
          }]
        }
      }
    }
    Outputs = {
      RoleArn = { Value = { "Fn::GetAtt" = ["RotationRole", "Arn"] } }
    }
  })
}

resource "aws_cloudformation_stack_set" "member_roles" {
  name             = var.stack_set_name
  description      = "OrgKeyRotation member role (${var.role_name}) in every account of the target OUs."
  permission_model = "SERVICE_MANAGED"
  call_as          = var.call_as
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = local.template_body

  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }

  operation_preferences {
    max_concurrent_percentage    = var.max_concurrent_percentage
    failure_tolerance_percentage = var.failure_tolerance_percentage
  }

  tags = var.tags

  lifecycle {
    # AWS fills this in for SERVICE_MANAGED StackSets; without this every plan would show a change.
    ignore_changes = [administration_role_arn]
  }
}

resource "aws_cloudformation_stack_set_instance" "member_roles" {
  stack_set_name = aws_cloudformation_stack_set.member_roles.name
  call_as        = var.call_as
  region         = coalesce(var.deployment_region, data.aws_region.current.name)

  deployment_targets {
    organizational_unit_ids = var.organizational_unit_ids
  }

  operation_preferences {
    max_concurrent_percentage    = var.max_concurrent_percentage
    failure_tolerance_percentage = var.failure_tolerance_percentage
  }
}
