#!/usr/bin/env python3
"""Schema validation of the rendered manifests (k8s/ and the single-node
overlay) with the npm packages kubernetes-models and
@kubernetes-models/prometheus-operator (tests/k8s/validate.cjs), offline.

  test_schema.py SOURCE_ROOT WORK_DIR

Runs `npm ci` in tests/k8s only when tests/k8s/node_modules is missing (it
needs the npm registry once); needs node and npm (Debian: nodejs, npm)."""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import render  # noqa: E402


def main():
    src, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        print("FAIL: node is missing (Debian package nodejs)")
        return 1
    mods = os.path.join(HERE, "node_modules")
    if not os.path.isdir(os.path.join(mods, "kubernetes-models")) or \
            not os.path.isdir(os.path.join(mods, "@kubernetes-models", "prometheus-operator")):
        npm = shutil.which("npm")
        if not npm:
            print("FAIL: tests/k8s/node_modules is missing and so is npm (Debian package npm)")
            return 1
        print("npm ci (once: tests/k8s/node_modules is missing)")
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"], cwd=HERE)
        if r.returncode:
            print("FAIL: npm ci")
            return 1
    bad = 0
    for d in ("k8s", os.path.join("k8s", "overlays", "single-node")):
        objs = render.build(os.path.join(os.path.dirname(render.prepared(src)), d))
        # kustomize writes Secret data as base64 in lines of 70; the API
        # server's decoder (Go's encoding/base64) skips the line breaks,
        # the schema's "byte" format does not: give it what the API reads.
        for o in objs:
            if o.get("kind") == "Secret":
                o["data"] = {k: v.replace("\n", "") for k, v in (o.get("data") or {}).items()}
        path = os.path.join(work, d.replace(os.sep, "_") + ".json")
        with open(path, "w") as f:
            json.dump(objs, f)
        print("== %s" % d)
        r = subprocess.run([node, os.path.join(HERE, "validate.cjs"), path])
        bad += r.returncode != 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
