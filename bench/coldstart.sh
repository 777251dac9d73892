#!/usr/bin/env bash
# Cold start of the Native AOT Lambda bootstrap, measured locally (for bench/RESULTS.md; not run in CI).
# Usage: bench/coldstart.sh [runs, default 20]
# Uses $ORGKEYROTATION_BOOTSTRAP, else artifacts/lambda/x86_64/publish/bootstrap, publishing it with
# deploy/package_lambda.sh when missing. Each run starts the bootstrap against a small Runtime API stub
# (python3) with a valid configuration and an AWS endpoint nothing listens on, and times:
#   init_ms:  process start -> first GET /runtime/invocation/next (configuration loaded, engine built);
#   first_ms: process start -> the answer to a malformed event (parsed and refused; no AWS call, so no network
#             time is counted).
# Peak RSS is VmHWM from /proc/<pid>/status, read after the first answer. Prints one JSON line with median and
# p90 of each and the load average at the start and end (the figures mean little on a busy machine).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

runs=${1:-20}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "runs must be a positive whole number, not '$runs'."

binary=${ORGKEYROTATION_BOOTSTRAP:-artifacts/lambda/x86_64/publish/bootstrap}
case "$binary" in /*) ;; *) binary="$root/$binary" ;; esac
if [ ! -x "$binary" ]; then
  [ -z "${ORGKEYROTATION_BOOTSTRAP:-}" ] || die "ORGKEYROTATION_BOOTSTRAP names $binary, which is missing or not executable."
  log "no bootstrap at $binary: publishing it"
  deploy/package_lambda.sh >&2
fi
command -v python3 >/dev/null 2>&1 || die "python3 is needed for the Runtime API stub."

python3 - "$binary" "$runs" <<'PY'
import http.server, json, os, socket, statistics, subprocess, sys, threading, time

binary, runs = sys.argv[1], int(sys.argv[2])


class Run:
    def __init__(self):
        self.start = None
        self.init = None
        self.first = None
        self.answered = threading.Event()
        self.release = threading.Event()


current = Run()


class RuntimeApi(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        run = current
        if self.path != "/2018-06-01/runtime/invocation/next":
            return self.reply(404, b"")
        if run.init is not None:
            # Second poll: hold it, as Lambda does while frozen, until the run is over.
            run.release.wait(30)
            return self.reply(503, b"")
        run.init = time.monotonic()
        body = b"this is not json"
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "coldstart-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:orgkeyrotation")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        run = current
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/2018-06-01/runtime/invocation/"):
            run.first = time.monotonic()
            run.answered.set()
        self.reply(202, b"{}")

    def reply(self, status, body):
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the bootstrap was stopped mid-poll


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Killing the bootstrap resets its keep-alive connection: expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


server = Server(("127.0.0.1", 0), RuntimeApi)
threading.Thread(target=server.serve_forever, daemon=True).start()

env = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "HOME": os.environ.get("HOME", "/tmp"),
    "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
    "AWS_REGION": "us-east-1",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "ACCOUNTS_USERS_JSON": '{"111111111111": ["deploy-bot"], "222222222222": ["ci-user", "backup"]}',
    "ROTATION_ROLE_NAME": "IAMKeyRotationRole",
    "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:rotation",
}


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc status")


load_before = os.getloadavg()
init_ms, first_ms, rss_mb = [], [], []
for i in range(runs):
    current = Run()
    current.start = time.monotonic()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not current.answered.wait(30):
            sys.exit(f"run {i + 1}: the bootstrap did not answer within 30 s (exit code {process.poll()})")
        rss_mb.append(vm_hwm_kb(process.pid) / 1024)
    finally:
        process.kill()
        process.wait()
        current.release.set()
    init_ms.append((current.init - current.start) * 1000)
    first_ms.append((current.first - current.start) * 1000)
server.shutdown()


def summary(values):
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))]
    return {"median": round(statistics.median(ordered), 1), "p90": round(p90, 1), "max": round(ordered[-1], 1)}


print(json.dumps({
    "bench": "lambda-coldstart",
    "runs": runs,
    "binaryBytes": os.path.getsize(binary),
    "initMs": summary(init_ms),
    "firstResponseMs": summary(first_ms),
    "peakRssMb": summary(rss_mb),
    "cpus": os.cpu_count(),
    "loadAvg1mBefore": round(load_before[0], 2),
    "loadAvg1mAfter": round(os.getloadavg()[0], 2),
}))
PY
