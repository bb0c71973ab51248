// Validates rendered Kubernetes objects against the schemas of the npm
// packages kubernetes-models and @kubernetes-models/prometheus-operator,
// offline. They catch wrong types, missing required fields and bad enums,
// not unknown fields.
//   node validate.cjs OBJECTS.json     (a JSON array, from render.py)
// Also checks that a deliberately wrong object is refused, so a validator
// that accepts everything cannot pass.
"use strict";
const fs = require("fs");
const path = require("path");

function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  let mod;
  if (group === "monitoring.coreos.com") {
    mod = `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  } else if (group === null) {
    mod = `kubernetes-models/${version}/${kind}`;
  } else {
    mod = `kubernetes-models/${group}/${version}/${kind}`;
  }
  let m;
  try {
    m = require(mod);
  } catch (e) {
    throw new Error(`no schema for ${apiVersion} ${kind} (${mod})`);
  }
  if (!m[kind]) throw new Error(`module ${mod} has no ${kind}`);
  return m[kind];
}

function check(obj) {
  const Model = modelFor(obj.apiVersion, obj.kind);
  new Model(obj).validate();
}

const objs = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let bad = 0;
for (const o of objs) {
  const id = `${o.kind} ${(o.metadata || {}).namespace || "-"}/${(o.metadata || {}).name}`;
  try {
    check(o);
    console.log(`valid ${o.apiVersion} ${id}`);
  } catch (e) {
    bad++;
    console.log(`FAIL: ${o.apiVersion} ${id}: ${e.message}`);
  }
}
// self-test: these must be refused
const wrong = [
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
    spec: { replicas: "two", selector: {}, template: {} } },
  { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "x" },
    spec: { endpoints: "http" } },
];
for (const w of wrong) {
  try {
    check(w);
    bad++;
    console.log(`FAIL: the validator accepted a wrong ${w.kind}`);
  } catch (e) {
    console.log(`refused, as it should: wrong ${w.kind} (${e.message.split("\n")[0]})`);
  }
}
console.log(`${objs.length} objects, ${bad} failures`);
process.exit(bad ? 1 : 0);
