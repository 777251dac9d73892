#!/usr/bin/env python3
"""Recomputes a SigV4 signature with botocore's signer, independently of the .NET signer under test.

stdin: JSON {method, url, headers: {name: value} (the signed headers only), body_b64, access_key, secret_key,
        token (optional), region, service, timestamp ("YYYYMMDDTHHMMSSZ")}
stdout: JSON {signature, signed_headers, body_sha256}
"""
import base64
import hashlib
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    spec = json.load(sys.stdin)
    body = base64.b64decode(spec["body_b64"])
    # Only the headers the request claims to sign: botocore signs every header it is given.
    headers = dict(spec["headers"])
    # Never trust the request's own payload hash: recompute it from the body.
    headers = {k: v for k, v in headers.items() if k.lower() != "x-amz-content-sha256"}
    request = AWSRequest(method=spec["method"], url=spec["url"], data=body, headers=headers)
    request.context["timestamp"] = spec["timestamp"]
    auth = SigV4Auth(Credentials(spec["access_key"], spec["secret_key"], spec.get("token")), spec["service"], spec["region"])
    had_sha_header = any(k.lower() == "x-amz-content-sha256" for k in spec["headers"])
    body_sha = hashlib.sha256(body).hexdigest()
    if had_sha_header:
        request.headers["X-Amz-Content-SHA256"] = body_sha
    canonical = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical)
    json.dump({
        "signature": auth.signature(string_to_sign, request),
        "signed_headers": auth.signed_headers(auth.headers_to_sign(request)),
        "body_sha256": body_sha,
    }, sys.stdout)


if __name__ == "__main__":
    main()
