#!/usr/bin/env node
// Prints the JSON form of Terraform files for the static checks in tests/OrgKeyRotation.Deploy.Tests.
// Usage: node hcl2json.js PATH...  (a .tf/.tfvars/.tfvars.example file, or a directory searched recursively)
// Output: one JSON object mapping each file's path (relative to the current directory) to its parsed body.
"use strict";
const fs = require("fs");
const path = require("path");
const { parse } = require("@cdktf/hcl2json");

const isTerraform = (name) => /\.(tf|tfvars|tfvars\.example)$/.test(name);
const skipped = new Set(["node_modules", ".terraform"]);

function collect(target, files) {
  const stat = fs.statSync(target);
  if (stat.isFile()) {
    files.push(target);
    return;
  }
  for (const entry of fs.readdirSync(target, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(target, entry.name);
    if (entry.isDirectory() && !skipped.has(entry.name)) collect(full, files);
    else if (entry.isFile() && isTerraform(entry.name)) files.push(full);
  }
}

async function main(args) {
  if (args.length === 0) {
    process.stderr.write("usage: node hcl2json.js PATH...\n");
    return 2;
  }
  const files = [];
  for (const arg of args) collect(arg, files);
  const result = {};
  let failed = false;
  for (const file of files) {
    const name = path.relative(process.cwd(), file).split(path.sep).join("/");
    try {
      result[name] = await parse(name, fs.readFileSync(file, "utf8"));
    } catch (error) {
      failed = true;
      process.stderr.write(`${name}: ${String(error && error.message ? error.message : error)}\n`);
    }
  }
  if (failed) return 1;
  process.stdout.write(JSON.stringify(result));
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 1;
});
