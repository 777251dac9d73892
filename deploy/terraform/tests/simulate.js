#!/usr/bin/env node
// Evaluates requests against identity, resource and trust policies as AWS does, with @cloud-copilot/iam-simulate
// (AGPL-3.0: used by the tests only, never shipped with OrgKeyRotation).
// Usage: node simulate.js REQUESTS.json   where the file holds [{ "name", "simulation" }] (iam-simulate's Simulation)
// Prints [{ "name", "decision": "Allowed"|"ImplicitlyDenied"|"ExplicitlyDenied"|"Error", "errors"? }].
// A context key the request cannot carry is an error (decision "Error"), never silently dropped.
"use strict";
const fs = require("fs");
const path = require("path");
const { runSimulation } = require("@cloud-copilot/iam-simulate");

// iam-simulate handles AWS's templated context keys only where the variable part follows a '/' (aws:PrincipalTag/team).
// KMS's has it after a ':' - kms:EncryptionContext:${EncryptionContextKey}, which Secrets Manager sets as
// kms:EncryptionContext:SecretARN on every KMS call it makes for a secret - so the library would drop such a key from
// the request (not allowed for the action) and, allowed, file its value under the template's name. The two functions
// below close those two gaps for ':'-templates and leave every other key to the library; they replace the library's
// own, on the module objects it calls them through (an absolute path bypasses its export map).
const engineDir = path.join(__dirname, "node_modules/@cloud-copilot/iam-simulate/dist/cjs");
const allowedKeys = require(path.join(engineDir, "simulation_engine/contextKeys.js"));
const keyNames = require(path.join(engineDir, "context_keys/contextKeys.js"));
const libraryNormalize = keyNames.normalizeContextKeyCase;
keyNames.normalizeContextKeyCase = async (key) => {
  const normalized = await libraryNormalize(key);
  const variable = normalized.indexOf(":${");
  return variable < 0 ? normalized : normalized.slice(0, variable + 1) + key.slice(variable + 1);
};
const libraryAllowed = allowedKeys.allowedContextKeysForRequest;
let requestKeys = [];
allowedKeys.allowedContextKeysForRequest = async (...args) => {
  const allowed = await libraryAllowed(...args);
  const templates = allowed.filter((k) => /:\$\{[^}]+\}$/.test(k)).map((k) => k.slice(0, k.indexOf("${")));
  const instances = requestKeys.map((k) => k.toLowerCase()).filter((k) => templates.some((t) => k.startsWith(t) && k.length > t.length && !k.slice(t.length).includes(":")));
  return [...allowed, ...instances];
};

async function main(args) {
  if (args.length !== 1) {
    process.stderr.write("usage: node simulate.js REQUESTS.json\n");
    return 2;
  }
  const results = [];
  for (const { name, simulation } of JSON.parse(fs.readFileSync(args[0], "utf8"))) {
    requestKeys = Object.keys(simulation.request.contextVariables ?? {});
    const response = await runSimulation(simulation, {});
    const ignored = response.result?.ignoredContextKeys ?? [];
    results.push(response.resultType === "error"
      ? { name, decision: "Error", errors: JSON.stringify(response.errors) }
      : ignored.length > 0
        ? { name, decision: "Error", errors: `context keys the request cannot carry: ${ignored.join(", ")}` }
        : { name, decision: response.overallResult });
  }
  process.stdout.write(JSON.stringify(results));
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 1;
});
