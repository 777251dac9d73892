#!/usr/bin/env bash
# The whole test suite from a fresh machine: prepares what it needs, builds with zero warnings,
# runs unit tests and the integration tests against a local AWS emulator (moto, started by the tests).
# Usage: scripts/test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Iam]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

log "checking prerequisites"
require_dotnet
ensure_moto
ensure_node_tools
ensure_chromium

log "restoring and building (warnings are errors)"
dotnet restore OrgKeyRotation.sln --nologo -v quiet
dotnet build OrgKeyRotation.sln --no-restore --nologo -v quiet -c Release -warnaserror | tail -n 3

# The Lambda end-to-end tests run the real Native AOT bootstrap: publish it once, here, rather than inside a test.
deploy/package_lambda.sh >/dev/null
export ORGKEYROTATION_BOOTSTRAP=artifacts/lambda/x86_64/publish/bootstrap
# The CLI's end-to-end tests run the Native AOT keyrot too: published once here, as its users get it.
ORGKEYROTATION_KEYROT=$(scripts/publish_cli.sh)
export ORGKEYROTATION_KEYROT

results="$root/artifacts/test-results"
scan="$root/artifacts/secret-scan"
rm -rf "$results" "$scan"; mkdir -p "$results"

run_suite() { # name filter
  local name=$1 filter=$2 log_file="$results/$1.log" status=0
  log "running $name tests"
  dotnet test OrgKeyRotation.sln --no-build --nologo -c Release --filter "$filter" \
    --results-directory "$results/$name" --logger "trx;LogFilePrefix=$name" "${@:3}" 2>&1 | tee "$log_file" | { grep -E '^(Passed!|Failed!|  Failed |Error Message|\s+at OrgKeyRotation)' || true; }
  # dotnet test's own status (an "|| true" after the whole pipeline would overwrite PIPESTATUS when a test failed).
  status=${PIPESTATUS[0]}
  return "$status"
}

unit_status=0; integration_status=0
run_suite unit "Category!=Integration" "$@" || unit_status=$?
run_suite integration "Category=Integration" "$@" || integration_status=$?

# The benchmark is not a test, but CI proves its script still works on a tiny size.
bench_status=0
bench/run.sh --smoke > "$results/bench-smoke.json" || bench_status=$?
if [ "$bench_status" -eq 0 ]; then log "benchmark smoke run: $(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["parallel"]; print(p["usersRotated"], "users rotated,", p["callsPerRotatedUser"], "calls per user")' "$results/bench-smoke.json")"; fi

# The suite-wide secret scan: every secret the tests created or read, against every text the product produced.
scan_status=0
python3 scripts/secret_scan.py "$scan" || scan_status=$?

# One closing line in the form CI reads: "N passed, N failed".
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
root = sys.argv[1]
totals = {}
for suite in ("unit", "integration"):
    p = f = s = 0
    for trx in glob.glob(f"{root}/{suite}/*.trx"):
        c = ET.parse(trx).getroot().find(".//{*}Counters")
        if c is None:
            continue
        p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0))
        s += int(c.get("total", 0)) - int(c.get("executed", 0))
    totals[suite] = (p, f, s)
    label = "integration (against moto)" if suite == "integration" else "unit"
    print(f"{label}: {p} passed, {f} failed, {s} skipped")
p = sum(t[0] for t in totals.values()); f = sum(t[1] for t in totals.values()); s = sum(t[2] for t in totals.values())
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY


if [ "$bench_status" -ne 0 ] || [ "$scan_status" -ne 0 ] || [ "$unit_status" -ne 0 ] || [ "$integration_status" -ne 0 ]; then
  echo "FAILED: see $results/*.log" >&2
  exit 1
fi
