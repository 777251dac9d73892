#!/usr/bin/env bash
# Publishes the operator CLI `keyrot` as one Native AOT binary for this machine: no .NET runtime is needed where it
# runs, it starts in milliseconds and spends no CPU on JIT compilation (the benchmark uses it).
# Usage: scripts/publish_cli.sh
# Writes artifacts/cli/<rid>/keyrot and prints its path. `dotnet run --project src/OrgKeyRotation.Cli` (JIT) runs the
# same code without publishing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

[ $# -eq 0 ] || { sed -n '2,6p' "$0" >&2; [ "$1" = -h ] || [ "$1" = --help ] && exit 0; die "publish_cli.sh takes no arguments."; }
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) die "no Native AOT target for $(uname -m) here: run the CLI with 'dotnet run --project src/OrgKeyRotation.Cli' instead." ;;
esac

require_dotnet
log "publishing keyrot (Native AOT, $rid)"
dotnet publish src/OrgKeyRotation.Cli -c Release -r "$rid" -p:PublishAot=true -p:StripSymbols=true \
  -o "artifacts/cli/$rid" --nologo -v quiet -nodeReuse:false >&2
binary="artifacts/cli/$rid/keyrot"
[ -x "$binary" ] || die "publish finished but $binary is missing or not executable."
echo "$(pwd)/$binary"
