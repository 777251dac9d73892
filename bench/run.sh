#!/usr/bin/env bash
# The benchmark in one command. Builds the driver, publishes keyrot as a Native AOT binary (scripts/publish_cli.sh) and,
# for the fan-out, the Lambda bootstrap (deploy/package_lambda.sh, every run, unless ORGKEYROTATION_BOOTSTRAP names one), then
# runs the scenarios and prints one JSON line each. Not a test: figures go into bench/RESULTS.md by hand, with the
# machine facts. Every sweep runs through the AWS model (tests/OrgKeyRotation.Testing/Modelling) behind a loopback
# proxy: 60 ms per call, and a new key refused (InvalidClientTokenId) for its first P seconds. moto runs as two
# processes (--moto-shards 2) with its per-request module scan memoized (bench/moto_server_fast.py).
#   bench/run.sh            20 accounts x 10 users, single process; at P = 0 also the sequential run side by side
#   bench/run.sh --large    also 1000 accounts x 10 users (takes minutes: moto is the bottleneck)
#   bench/run.sh --smoke    2 x 3 at P = 2 s: proves the script, the AOT keyrot and the propagation path (CI)
#   bench/run.sh --matrix   the propagation matrix: 20x10 and 1000x10, single process and SQS fan-out, P = 0 and P = 10
#                           (8 lines, product concurrency defaults 16 x 4; more than an hour on 2 cores)
# Options after the mode:
#   --fanout                the Lambda's SQS fan-out (bootstrap workers) instead of one keyrot process
#   --propagation-seconds P how long a new key is refused (default 0; --smoke: 2)
#   --second-rotation       (single process) then a steady-state rotation: the seeded keys are deleted behind the
#                           scenes, so each user has one key and its secret, and keyrot rotates again (its figures in
#                           "secondRotation")
#   --destinations          per user one SSM Parameter Store destination and one GitHub repository
#                           secret pair; GitHub is the contract server (tests/OrgKeyRotation.Testing/GitHub) with its
#                           sealed-box oracle (node, npm-installed here); the end state of both is verified
#   anything else goes to the driver, e.g. --throttle 0.1, --moto-shards 1, --stock-moto, --fanout-workers 8,
#                           --fanout-batch-size 1 (work items per invocation; default 10, Terraform's fanout_batch_size)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
require_dotnet
ensure_moto

mode=default
case "${1:-}" in
  --large|--smoke|--matrix) mode=${1#--}; shift ;;
esac
fanout=false
propagation=
driver_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fanout) fanout=true; shift ;;
    --destinations) ensure_node_tools; driver_args+=("$1"); shift ;;
    --propagation-seconds) [ $# -ge 2 ] || die "--propagation-seconds needs a value"; propagation=$2; shift 2 ;;
    *) driver_args+=("$1"); shift ;;
  esac
done
if [ -z "$propagation" ]; then
  propagation=0
  [ "$mode" = smoke ] && propagation=2
fi

log "building the benchmark driver (Release)"
dotnet build bench/OrgKeyRotation.Bench -c Release --nologo -v quiet | tail -n 2 >&2
driver=(dotnet bench/OrgKeyRotation.Bench/bin/Release/net10.0/OrgKeyRotation.Bench.dll)
driver+=(--keyrot "$(scripts/publish_cli.sh)")
if [ "$fanout" = true ] || [ "$mode" = matrix ]; then
  bootstrap=${ORGKEYROTATION_BOOTSTRAP:-artifacts/lambda/x86_64/publish/bootstrap}
  if [ -n "${ORGKEYROTATION_BOOTSTRAP:-}" ]; then
    [ -x "$bootstrap" ] || die "ORGKEYROTATION_BOOTSTRAP names $bootstrap, which is missing or not executable."
  else
    # Always from the current sources, as keyrot is: a bootstrap left from an earlier build measures old code.
    log "publishing the Lambda bootstrap (Native AOT)"
    deploy/package_lambda.sh >&2
  fi
  driver+=(--bootstrap "$bootstrap")
fi
single_or_fanout=(--mode single)
[ "$fanout" = true ] && single_or_fanout=(--mode fanout)

log "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
case "$mode" in
  smoke)
    "${driver[@]}" "${single_or_fanout[@]}" --accounts 2 --users 3 --latency-ms 0 --propagation-seconds "$propagation" --fanout-workers 2 "${driver_args[@]}" ;;
  matrix)
    # Product defaults (16 accounts x 4 users in flight; in the fan-out, 16 function instances, each given batches of
    # up to 10 accounts, Terraform's fanout_batch_size, swept together with 4 users each).
    for size in "20 10 2" "1000 10 4"; do
      read -r accounts users shards <<<"$size"
      for run_mode in single fanout; do
        for p in 0 10; do
          log "${accounts}x${users} $run_mode P=$p (load $(cut -d' ' -f1 /proc/loadavg))"
          "${driver[@]}" --mode "$run_mode" --accounts "$accounts" --users "$users" --latency-ms 60 --propagation-seconds "$p" \
            --concurrency-accounts 16 --concurrency-users 4 --fanout-workers 16 --moto-shards "$shards" "${driver_args[@]}"
        done
      done
    done ;;
  *)
    baseline=()
    # The sequential run waits out every key's propagation one after another: only measured at P = 0.
    [ "$fanout" = false ] && [ "$propagation" = 0 ] && baseline=(--baseline)
    "${driver[@]}" "${single_or_fanout[@]}" --accounts 20 --users 10 --latency-ms 60 --propagation-seconds "$propagation" "${baseline[@]}" "${driver_args[@]}"
    if [ "$mode" = large ]; then
      "${driver[@]}" "${single_or_fanout[@]}" --accounts 1000 --users 10 --latency-ms 60 --propagation-seconds "$propagation" --concurrency-accounts 16 --concurrency-users 4 --moto-shards 4 "${driver_args[@]}"
    fi ;;
esac
