#!/usr/bin/env python3
"""Seeds a demo AWS Organization into a local AWS emulator (moto) and writes a keyrot configuration for it.

The organization: a management account with an SNS alert topic, 4 member accounts, each with the member role
the rotator assumes and 3-5 IAM users with one access key each. One user is in the exemption group, and one key has
signed a call so IAM records it as "still in use": after the rotation the idle rule holds that old key until its
consumer has left it for policy.oldKeyIdleDays. That user's CI reads its key from a Parameter Store parameter, a
destination the rotator writes each new key to (SSM_DESTINATION).

Usage: demo_seed.py --endpoint http://127.0.0.1:PORT --config-out artifacts/demo/rotation.json
Needs boto3 (installed beside moto) and the fake credentials the demo exports (AWS_ACCESS_KEY_ID=testing ...).
"""
import argparse
import json
import sys

import boto3

ROLE_NAME = "IAMKeyRotationRole"
EXEMPT_GROUP = "key-rotation-exempt"
REGION = "us-east-1"

# Per member account, the IAM users. Each has one key the rotator did not create: the rotator never deletes such a
# key (a second one, say a person's, would block the first rotation until a person decides; tests cover that case).
ACCOUNTS = {
    "payments": ["ci-deployer", "batch-exporter", "legacy-ftp"],
    "analytics": ["etl-runner", "dashboard-reader", "notebook-svc", "backup-agent"],
    "platform": ["terraform", "monitoring", "break-glass"],
    "sandbox": ["experiments", "demo-app", "load-tester", "chaos-bot", "intern-tools"],
}
EXEMPT_USER = ("platform", "break-glass")
IN_USE_USER = ("payments", "ci-deployer")
SSM_DESTINATION = "/orgkeyrotation/{accountId}/{userName}"

TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{central}:root"}, "Action": "sts:AssumeRole"}],
}
ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["iam:ListAccessKeys", "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey",
                                       "iam:GetAccessKeyLastUsed", "iam:GetUser", "iam:ListUsers", "iam:GetGroup"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": ["secretsmanager:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["ssm:PutParameter", "ssm:AddTagsToResource"], "Resource": "*"},
    ],
}


def client(service, endpoint, credentials=None):
    kwargs = {"endpoint_url": endpoint, "region_name": REGION}
    if credentials:
        kwargs.update(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                      aws_session_token=credentials["SessionToken"])
    return boto3.client(service, **kwargs)


def member_session(endpoint, account_id):
    """Credentials in a member account: moto maps AssumeRole credentials to the account of the role ARN."""
    sts = client("sts", endpoint)
    role_arn = f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
    return sts.assume_role(RoleArn=role_arn, RoleSessionName="demo-seed")["Credentials"]


def seed(endpoint):
    orgs = client("organizations", endpoint)
    orgs.create_organization(FeatureSet="ALL")
    central = client("sts", endpoint).get_caller_identity()["Account"]
    topic_arn = client("sns", endpoint).create_topic(Name="key-rotation-alerts")["TopicArn"]

    scope = {}
    for name, users in ACCOUNTS.items():
        status = orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        account_id = status["AccountId"]
        iam = client("iam", endpoint, member_session(endpoint, account_id))
        trust = json.dumps(TRUST_POLICY).replace("{central}", central)
        iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=trust, Description="Assumed by the central key rotator")
        iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="key-rotation", PolicyDocument=json.dumps(ROLE_POLICY))
        iam.create_group(GroupName=EXEMPT_GROUP)
        for user in users:
            iam.create_user(UserName=user, Tags=[{"Key": "owner", "Value": f"team-{name}"}])
            keys = [iam.create_access_key(UserName=user)["AccessKey"]]
            if (name, user) == EXEMPT_USER:
                iam.add_user_to_group(GroupName=EXEMPT_GROUP, UserName=user)
            if (name, user) == IN_USE_USER:
                # A call signed with the key makes IAM record its last use, as a running consumer would.
                boto3.client("iam", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=keys[0]["AccessKeyId"],
                             aws_secret_access_key=keys[0]["SecretAccessKey"]).get_user(UserName=user)
        scope[account_id] = list(users)
        print(f"  account {account_id} ({name}): {len(users)} users", file=sys.stderr)
    return central, topic_arn, scope


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="moto endpoint, e.g. http://127.0.0.1:5000")
    parser.add_argument("--config-out", required=True, help="where to write the keyrot configuration (JSON)")
    args = parser.parse_args()

    central, topic_arn, scope = seed(args.endpoint)
    config = {
        "roleName": ROLE_NAME,
        "accounts": scope,
        # Every key is due at once, so the demo shows a full rotation. The old keys may be switched off a day after
        # the hand-off, once idle for 7 days (the default): `keyrot plan --as-of` shows both sides of that rule.
        "policy": {"maxKeyAgeDays": 0, "deactivateAfterDays": 1, "oldKeyIdleDays": 7},
        "exemptions": {"group": EXEMPT_GROUP},
        "alerts": {"snsTopicArn": topic_arn},
        # Central configuration only: no tag in a member account can name a destination.
        "destinations": {"accounts": {account_id: {"users": {IN_USE_USER[1]: [{"type": "ssm", "name": SSM_DESTINATION}]}}
                                      for account_id, users in scope.items() if IN_USE_USER[1] in users}},
    }
    with open(args.config_out, "w", encoding="utf-8") as out:
        json.dump(config, out, indent=2)
        out.write("\n")
    print(f"  management account {central}, alerts to {topic_arn}", file=sys.stderr)


if __name__ == "__main__":
    main()
