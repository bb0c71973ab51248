// Validates what `finops-report --emit` writes, offline:
//   node validate_emit.cjs K8S_TEST_DIR WORKLOADS.json VPAS.json VPA_SCHEMA.json
// WORKLOADS.json: workloads with the emitted strategic-merge patches
// applied, checked with the npm package kubernetes-models (as tests/k8s
// does for the manifests). VPAS.json: the emitted VerticalPodAutoscalers,
// checked with ajv against VPA_SCHEMA.json, written for these tests from
// the VPA CRD since no npm model of the VPA exists. Wrong objects must be
// refused too, so a validator that accepts everything cannot pass.
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");
const k8s = createRequire(path.join(path.resolve(process.argv[2]), "package.json"));
const Ajv = k8s("ajv");

function model(o) {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : [null, o.apiVersion];
  const mod = group ? `kubernetes-models/${group}/${version}/${o.kind}` : `kubernetes-models/${version}/${o.kind}`;
  const M = k8s(mod)[o.kind];
  new M(o).validate();
}

const ajv = new Ajv({ allErrors: true, strict: false });
const vpaCheck = ajv.compile(JSON.parse(fs.readFileSync(process.argv[5], "utf8")));
function vpa(o) {
  if (!vpaCheck(o)) throw new Error(ajv.errorsText(vpaCheck.errors));
}

let bad = 0, n = 0;
function run(list, check, what) {
  for (const o of list) {
    n++;
    try {
      check(o);
      console.log(`valid ${what} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
    } catch (e) {
      bad++;
      console.log(`FAIL: ${what} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}: ${e.message}`);
    }
  }
}
run(JSON.parse(fs.readFileSync(process.argv[3], "utf8")), model, "patched");
run(JSON.parse(fs.readFileSync(process.argv[4], "utf8")), vpa, "emitted");
const wrong = [
  [model, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
            spec: { selector: {}, template: { spec: { containers: [{ name: "a", resources: { requests: "cpu" } }] } } } }],
  [vpa, { apiVersion: "autoscaling.k8s.io/v1", kind: "VerticalPodAutoscaler", metadata: { name: "x" },
          spec: { targetRef: { kind: "Deployment", name: "x" }, updatePolicy: { updateMode: "Sometimes" } } }],
  [vpa, { apiVersion: "autoscaling.k8s.io/v1", kind: "VerticalPodAutoscaler", metadata: { name: "x" },
          spec: { targetRef: { kind: "Deployment", name: "x" },
                  resourcePolicy: { containerPolicies: [{ containerName: "a", minAllowed: { cpu: "lots" } }] } } }],
];
for (const [check, w] of wrong) {
  try {
    check(w);
    bad++;
    console.log(`FAIL: accepted a wrong ${w.kind}`);
  } catch (e) {
    console.log(`refused, as it should: wrong ${w.kind}`);
  }
}
console.log(`${n} objects, ${bad} failures`);
process.exit(bad ? 1 : 0);
