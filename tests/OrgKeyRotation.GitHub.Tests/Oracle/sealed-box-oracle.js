// The contract server's independent sealed-box implementation (libsodium-wrappers), never the product's code.
// Reads one JSON request per line on stdin and answers one JSON line on stdout:
//   {"op":"keypair"}                                  -> {"publicKey": b64, "privateKey": b64}
//   {"op":"open","publicKey","privateKey","sealed"}   -> {"ok": true, "value": b64} or {"ok": false}
// Base64 is the ORIGINAL variant, as GitHub uses.
'use strict';
const readline = require('readline');
const sodium = require('libsodium-wrappers');

sodium.ready.then(() => {
  const b64 = sodium.base64_variants.ORIGINAL;
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let answer;
    try {
      const request = JSON.parse(line);
      if (request.op === 'keypair') {
        const pair = sodium.crypto_box_keypair();
        answer = { publicKey: sodium.to_base64(pair.publicKey, b64), privateKey: sodium.to_base64(pair.privateKey, b64) };
      } else if (request.op === 'open') {
        const opened = sodium.crypto_box_seal_open(
          sodium.from_base64(request.sealed, b64),
          sodium.from_base64(request.publicKey, b64),
          sodium.from_base64(request.privateKey, b64));
        answer = { ok: true, value: sodium.to_base64(opened, b64) };
      } else {
        answer = { error: 'unknown op' };
      }
    } catch (e) {
      answer = { ok: false };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  });
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
});
