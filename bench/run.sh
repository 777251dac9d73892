#!/usr/bin/env bash
# The benchmark in one command. Builds the driver, publishes keyrot as a Native AOT binary (scripts/publish_cli.sh),
# then runs the scenarios and prints one JSON line each. Not a test: figures go into bench/RESULTS.md by hand, with
# the machine facts. moto runs as two processes (--moto-shards 2) with its per-request module scan memoized
# (bench/moto_server_fast.py); the proxy routes each account to one of them.
#   bench/run.sh            20 accounts x 10 users through a 60 ms proxy, parallel and sequential side by side
#   bench/run.sh --large    also 1000 accounts x 10 users (takes minutes: moto is the bottleneck)
#   bench/run.sh --smoke    2 x 3, parallel only: proves the script and the AOT keyrot work (CI)
#   extra arguments after the mode go to the driver, e.g. --throttle 0.2, --moto-shards 1, --stock-moto
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
require_dotnet
ensure_moto

mode=default
case "${1:-}" in
  --large|--smoke) mode=${1#--}; shift ;;
esac

log "building the benchmark driver (Release)"
dotnet build bench/OrgKeyRotation.Bench -c Release --nologo -v quiet | tail -n 2 >&2
driver=(dotnet bench/OrgKeyRotation.Bench/bin/Release/net10.0/OrgKeyRotation.Bench.dll)
driver+=(--keyrot "$(scripts/publish_cli.sh)")

log "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
case "$mode" in
  smoke)
    "${driver[@]}" --accounts 2 --users 3 --latency-ms 0 "$@" ;;
  *)
    "${driver[@]}" --accounts 20 --users 10 --latency-ms 60 --baseline "$@"
    if [ "$mode" = large ]; then
      "${driver[@]}" --accounts 1000 --users 10 --latency-ms 60 --concurrency-accounts 16 --concurrency-users 4 --moto-shards 4 "$@"
    fi ;;
esac
