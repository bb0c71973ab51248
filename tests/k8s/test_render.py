#!/usr/bin/env python3
"""k8s/ and its overlays render: with tests/k8s/render.py always, and, where
kubectl is installed, `kubectl kustomize` must give the same objects. Both
render a copy of k8s/ whose Secrets' files k8s/make-secrets.sh made
(render.prepared), as an operator does before `kubectl apply -k k8s/`.

  test_render.py SOURCE_ROOT

Without kubectl the comparison is not made and the test says so (render.py
still renders and the other tests check its output); kubectl here comes
from the `kubectl` package of Google's apt repository or Debian's
kubernetes-client (whose kustomize is too old for `labels`)."""
import os
import shutil
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402


def key(o):
    m = o.get("metadata", {})
    return (o.get("apiVersion"), o.get("kind"), m.get("namespace"), m.get("name"))


def main():
    k8s = render.prepared(sys.argv[1])
    src = os.path.dirname(k8s)
    dirs = [k8s, os.path.join(k8s, "overlays", "single-node")]
    bad = 0
    kubectl = shutil.which("kubectl")
    for d in dirs:
        try:
            mine = render.build(d)
        except (render.RenderError, OSError, yaml.YAMLError) as e:
            print("FAIL: render.py %s: %s" % (d, e))
            bad += 1
            continue
        keys = [key(o) for o in mine]
        if len(set(keys)) != len(keys):
            print("FAIL: %s: duplicate objects" % d)
            bad += 1
        print("render.py %s: %d objects" % (os.path.relpath(d, src), len(mine)))
        if not kubectl:
            continue
        r = subprocess.run([kubectl, "kustomize", d], capture_output=True, text=True)
        if r.returncode != 0:
            print("FAIL: kubectl kustomize %s: %s" % (d, r.stderr.strip()))
            bad += 1
            continue
        theirs = [o for o in yaml.safe_load_all(r.stdout) if o]
        a = {key(o): o for o in mine}
        b = {key(o): o for o in theirs}
        if set(a) != set(b):
            print("FAIL: %s: objects differ: only render.py %s, only kubectl %s"
                  % (d, sorted(map(str, set(a) - set(b))), sorted(map(str, set(b) - set(a)))))
            bad += 1
            continue
        for k in a:
            if a[k] != b[k]:
                print("FAIL: %s: %s differs between render.py and kubectl kustomize" % (d, k))
                bad += 1
        print("kubectl kustomize %s: the same %d objects" % (os.path.relpath(d, src), len(b)))
    if not kubectl:
        print("NOTE: kubectl not found: render.py's output was not compared with kubectl kustomize")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
