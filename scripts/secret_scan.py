#!/usr/bin/env python3
"""Suite-wide secret scan: fails if any secret registered by the tests occurs in any recorded output.

The tests write artifacts/secret-scan/secrets-*.txt (every secret access key and session token they created or read)
and outputs-*.txt (every log line, alert, exception message, result, CLI output and report the product produced).
"""
import glob
import os
import sys

scan_dir = sys.argv[1]
secrets = set()
for path in glob.glob(os.path.join(scan_dir, "secrets-*.txt")):
    with open(path, encoding="utf-8") as f:
        secrets.update(line.rstrip("\n") for line in f if len(line.strip()) >= 16)

outputs = 0
leaks = []
for path in glob.glob(os.path.join(scan_dir, "outputs-*.txt")):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            outputs += 1
            for secret in secrets:
                if secret in line:
                    leaks.append(f"{os.path.basename(path)}:{number}: {line.replace(secret, '<SECRET>')[:300]}")

print(f"secret scan: {len(secrets)} secrets checked against {outputs} recorded outputs, {len(leaks)} leaks")
for leak in leaks[:20]:
    print("  LEAK " + leak)
if not secrets or not outputs:
    print("secret scan: nothing recorded; the scan would prove nothing", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if leaks else 0)
