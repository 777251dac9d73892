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

# Terraform is checked statically: @cdktf/hcl2json parses HCL (there is no terraform binary here).
ensure_node_tools() {
  [ -f deploy/terraform/tests/package.json ] || return 0
  command -v npm >/dev/null 2>&1 || die "npm is needed for the Terraform static checks (@cdktf/hcl2json). Install Node.js 20+."
  if [ ! -d deploy/terraform/tests/node_modules/@cdktf/hcl2json ]; then
    log "installing @cdktf/hcl2json"
    (cd deploy/terraform/tests && npm ci --silent --no-audit --no-fund) || die "npm could not install @cdktf/hcl2json."
  fi
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
