# aws:PrincipalOrgID on by default: without organization_id, the Organization of the provider's (management) account.
data "aws_organizations_organization" "current" {
  count = var.require_organization && var.organization_id == null ? 1 : 0
}

# The same provider-free module as member-account. Account and partition are left to CloudFormation: each stack
# instance substitutes its own through Fn::Sub.
module "policies" {
  source = "../member-policies"

  partition                  = "$${AWS::Partition}"
  account_id                 = "$${AWS::AccountId}"
  discovered_organization_id = try(data.aws_organizations_organization.current[0].id, null)

  role_name            = var.role_name
  central_role_arn     = var.central_role_arn
  external_id          = var.external_id
  require_external_id  = var.require_external_id
  organization_id      = var.organization_id
  require_organization = var.require_organization
  user_path            = var.user_path
  secret_location      = var.secret_location
  secret_name_prefix   = var.secret_name_prefix
  secret_kms_key_id    = var.secret_kms_key_id
  bulk_user_read       = var.bulk_user_read

  ssm_parameter_prefixes = var.ssm_parameter_prefixes
  ssm_kms_key_arns       = var.ssm_kms_key_arns
}

locals {
  trust_policy       = jsondecode(module.policies.trust_policy)
  permissions_policy = jsondecode(module.policies.permissions_policy)

  template_body = jsonencode({
    AWSTemplateFormatVersion = "2010-09-09"
    Description              = "OrgKeyRotation: the role the central rotator assumes to rotate IAM user access keys."
    Resources = {
      RotationRole = {
        Type = "AWS::IAM::Role"
        Properties = {
          RoleName                 = module.policies.role_name
          Description              = "Assumed by the OrgKeyRotation Lambda (${var.central_role_arn}) to rotate IAM user access keys."
          MaxSessionDuration       = 3600
          AssumeRolePolicyDocument = local.trust_policy
          Policies = [{
            PolicyName = "rotate-access-keys"
            PolicyDocument = merge(local.permissions_policy, {
              # Each resource through Fn::Sub (a statement's Resource is one ARN or a list of them).
              Statement = [for s in local.permissions_policy.Statement : merge(s, { Resource = try([for r in tolist(s.Resource) : { "Fn::Sub" = r }], { "Fn::Sub" = s.Resource }) })]
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

# The instances are created in the provider's region (IAM is global, one region suffices). The argument that would
# name another one is `region` in provider 5.x and `stack_set_instance_region` in 6.x, so it is left unset.
resource "aws_cloudformation_stack_set_instance" "member_roles" {
  stack_set_name = aws_cloudformation_stack_set.member_roles.name
  call_as        = var.call_as

  deployment_targets {
    organizational_unit_ids = var.organizational_unit_ids
  }

  operation_preferences {
    max_concurrent_percentage    = var.max_concurrent_percentage
    failure_tolerance_percentage = var.failure_tolerance_percentage
  }
}
