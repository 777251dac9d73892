#!/usr/bin/env bash
# Builds the Lambda's Native AOT `bootstrap` (custom runtime, provided.al2023) and zips it for deployment.
# Usage: deploy/package_lambda.sh [--arch x86_64|arm64]
# Writes artifacts/lambda/orgkeyrotation-lambda.zip (bootstrap at the zip root, mode 755, with the native libraries the
# publish put beside it), the path the Terraform examples pass as lambda_zip_path, and prints its path and SHA-256. The
# zip holds the architecture built last: pass the
# same --arch as the Terraform `architecture` input.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

arch=x86_64
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) [ $# -ge 2 ] || die "--arch needs a value: x86_64 or arm64"; arch=$2; shift 2 ;;
    --arch=*) arch=${1#--arch=}; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) die "unknown argument '$1'. Usage: deploy/package_lambda.sh [--arch x86_64|arm64]" ;;
  esac
done

case "$arch" in
  x86_64) rid=linux-x64; machine=x86_64 ;;
  arm64) rid=linux-arm64; machine=aarch64 ;;
  *) die "unsupported --arch '$arch': use x86_64 or arm64 (the two Lambda architectures)." ;;
esac

require_dotnet
command -v python3 >/dev/null 2>&1 || die "python3 is needed to write the zip."

publish_args=(publish src/OrgKeyRotation.Lambda -c Release -r "$rid" -o "artifacts/lambda/$arch/publish" --nologo -v quiet -nodeReuse:false)
if [ "$(uname -m)" != "$machine" ]; then
  # Cross-linking with gcc: the SDK assumes clang, so name the cross gcc and objcopy (the Lambda project drops the
  # clang-only --target flag when the linker is a gcc).
  cross=$machine-linux-gnu
  command -v "$cross-gcc" >/dev/null 2>&1 ||
    die "building $arch on $(uname -m) needs the $cross cross toolchain: apt-get install gcc-$cross (Debian/Ubuntu)."
  publish_args+=("-p:CppCompilerAndLinker=$cross-gcc" "-p:ObjCopyName=$cross-objcopy")
fi

log "publishing the Native AOT bootstrap for $rid"
dotnet "${publish_args[@]}"

binary="artifacts/lambda/$arch/publish/bootstrap"
[ -x "$binary" ] || die "publish finished but $binary is missing or not executable."
zip_path="$root/artifacts/lambda/orgkeyrotation-lambda.zip"

# Native libraries the publish placed beside the bootstrap (libsodium.so, the GitHub sealed box: docs/decisions/0007)
# ship beside it in the zip: the bootstrap loads them from its own directory.
natives=()
for library in "artifacts/lambda/$arch/publish"/*.so; do
  [ -e "$library" ] && natives+=("$library")
done

# provided.al2023 has glibc 2.34; a binary linked here (Debian 12, glibc 2.36) must not need newer symbols.
if command -v objdump >/dev/null 2>&1; then
  for file in "$binary" "${natives[@]}"; do
    needed=$(objdump -T "$file" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
    if [ -n "$needed" ] && [ "$(printf '%s\n2.34\n' "$needed" | sort -V | tail -n 1)" != "2.34" ]; then
      die "$file needs glibc $needed, newer than the 2.34 of provided.al2023: build on an older distribution."
    fi
  done
fi

# A fixed timestamp and mode keep the zip byte-identical for identical files (stable Lambda code hash).
python3 - "$zip_path" "$binary" "${natives[@]}" <<'PY'
import os, sys, zipfile
out, binary, natives = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(out, "w") as z:
    for path, name in [(binary, "bootstrap")] + [(n, os.path.basename(n)) for n in sorted(natives)]:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = (0o100755 << 16)
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as f:
            z.writestr(info, f.read())
PY

sha=$(sha256sum "$zip_path" | cut -d' ' -f1)
log "packaged $arch bootstrap ($(stat -c %s "$binary") bytes)${natives[*]:+ with $(basename -a "${natives[@]}" | tr '\n' ' ')}"
echo "$zip_path"
echo "sha256 $sha"
