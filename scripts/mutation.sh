#!/usr/bin/env bash
# Mutation testing of the decision core (src/OrgKeyRotation.Core/Planning) with the Core tests.
# Slow (minutes), so not part of scripts/test.sh or CI; rerun it after changing the planner and record the score
# in docs/reliability.md ("Mutation testing"). Report: artifacts/mutation/reports/mutation-report.{html,json}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool_dir="$root/artifacts/tools/stryker"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ ! -x "$tool_dir/dotnet-stryker" ]]; then
  dotnet tool install dotnet-stryker --version '5.*' --tool-path "$tool_dir"
fi

rm -rf "$root/artifacts/mutation"
cd "$root/tests/OrgKeyRotation.Core.Tests"
"$tool_dir/dotnet-stryker" \
  --config-file "$root/scripts/stryker-config.json" \
  --output "$root/artifacts/mutation" \
  "$@"
