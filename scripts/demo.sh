#!/usr/bin/env bash
# The demo: on a fresh machine with no AWS account, run the rotation end to end against a local AWS emulator.
# Builds keyrot, starts moto on a free port, seeds a demo organization (4 member accounts, IAM users and keys,
# an exempt user, a key still in use, a Parameter Store destination), then runs `keyrot plan`, `keyrot rotate`, shows
# the key id the parameter holds, `keyrot plan --as-of` a few days on
# (the idle rule: which old keys are switched off, and the one still in use that is held) and `keyrot report`.
# The emulator is stopped on exit, Ctrl-C included; every run starts from a clean emulator.
# Usage: scripts/demo.sh            (outputs in artifacts/demo/)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

out=artifacts/demo
moto_pid=""

cleanup() {
  if [ -n "$moto_pid" ] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'echo; log "interrupted"; exit 130' INT TERM

require_dotnet
ensure_moto
python3 -c "import boto3" >/dev/null 2>&1 || die "boto3 is missing (it comes with moto[server]): python3 -m pip install boto3"

rm -rf "$out"; mkdir -p "$out"

log "building keyrot"
dotnet build src/OrgKeyRotation.Cli -c Release --nologo -v quiet -o "$out/bin" >"$out/build.log" 2>&1 \
  || { tail -n 20 "$out/build.log" >&2; die "the build failed (log: $out/build.log)"; }
keyrot="$out/bin/keyrot"

port=$(free_port)
endpoint="http://127.0.0.1:$port"
log "starting the AWS emulator (moto) on $endpoint"
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$out/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 150); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$endpoint" >/dev/null 2>&1; then
    break
  fi
  kill -0 "$moto_pid" 2>/dev/null || die "moto exited before answering (log: $out/moto.log)"
  sleep 0.2
done
python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$endpoint" >/dev/null 2>&1 \
  || die "moto did not answer on $endpoint within 30 s (log: $out/moto.log)"

# Fake credentials: the emulator accepts any. Nothing here can reach a real AWS account.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$endpoint"
unset AWS_PROFILE

log "seeding a demo organization"
python3 scripts/demo_seed.py --endpoint "$endpoint" --config-out "$out/rotation.json"

common=(--config "$out/rotation.json" --endpoint-url "$endpoint" --region us-east-1)
worst=0
step() { # title, then the keyrot arguments
  local title=$1 status=0
  shift
  log "$title"
  echo "\$ keyrot $*" >&2
  "$keyrot" "$@" || status=$?
  case $status in
    0) ;;
    1) log "some accounts or users failed (exit 1): see the errors above" ;;
    *) die "keyrot $1 exited with $status" ;;
  esac
  [ "$status" -gt "$worst" ] && worst=$status
  return 0
}

step "plan: what would be rotated (dry run, no change)" plan "${common[@]}"
step "rotate: create, verify and hand over new keys" rotate "${common[@]}"
log "ci-deployer's Parameter Store destination holds the new key (its id only; the secret part stays there)"
python3 - "$endpoint" "$out/rotation.json" <<'PY'
import json, sys
import boto3
endpoint, config = sys.argv[1], json.load(open(sys.argv[2]))
for account, spec in config["destinations"]["accounts"].items():
    for user, destinations in spec["users"].items():
        role = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        creds = boto3.client("sts", endpoint_url=endpoint).assume_role(RoleArn=role, RoleSessionName="demo")["Credentials"]
        ssm = boto3.client("ssm", endpoint_url=endpoint, aws_access_key_id=creds["AccessKeyId"],
                           aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
        for destination in destinations:
            name = destination["name"].replace("{accountId}", account).replace("{userName}", user)
            value = json.loads(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
            print(f"  ssm:{name} holds {value['AccessKeyId']}", file=sys.stderr)
PY
# The idle rule, seen from later dates: the old keys may go 1 day after the hand-off (deactivateAfterDays), but only once
# no one has used them for 7 days (oldKeyIdleDays). ci-deployer's old key signed a call at seeding time.
in_3_days=$(date -u -d '+3 days 1 hour' +%Y-%m-%dT%H:%M:%SZ)
in_8_days=$(date -u -d '+8 days 1 hour' +%Y-%m-%dT%H:%M:%SZ)
step "plan --as-of in 3 days: unused old keys are switched off; ci-deployer's, used 3 days before, is held" plan "${common[@]}" --as-of "$in_3_days"
step "plan --as-of in 8 days: ci-deployer's old key has been idle for 7 days, so it goes too" plan "${common[@]}" --as-of "$in_8_days"
step "report: org-wide inventory and compliance" report "${common[@]}" --output html --out "$out/report.html"
step "report (table)" report "${common[@]}" --quiet

echo
if [ -f "$out/report.html" ]; then
  log "done. The HTML report is at $(pwd)/$out/report.html"
else
  log "done, but no HTML report was written: see the errors above"
fi
exit "$worst"
