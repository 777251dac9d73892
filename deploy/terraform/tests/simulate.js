#!/usr/bin/env node
// Evaluates requests against identity, resource and trust policies as AWS does, with @cloud-copilot/iam-simulate
// (AGPL-3.0: used by the tests only, never shipped with OrgKeyRotation).
// Usage: node simulate.js REQUESTS.json   where the file holds [{ "name", "simulation" }] (iam-simulate's Simulation)
// Prints [{ "name", "decision": "Allowed"|"ImplicitlyDenied"|"ExplicitlyDenied", "errors"? }].
"use strict";
const fs = require("fs");
const { runSimulation } = require("@cloud-copilot/iam-simulate");

async function main(args) {
  if (args.length !== 1) {
    process.stderr.write("usage: node simulate.js REQUESTS.json\n");
    return 2;
  }
  const results = [];
  for (const { name, simulation } of JSON.parse(fs.readFileSync(args[0], "utf8"))) {
    const response = await runSimulation(simulation, {});
    results.push(response.resultType === "error"
      ? { name, decision: "Error", errors: JSON.stringify(response.errors) }
      : { name, decision: response.overallResult });
  }
  process.stdout.write(JSON.stringify(results));
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 1;
});
