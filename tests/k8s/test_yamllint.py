#!/usr/bin/env python3
"""yamllint (Debian package yamllint) over k8s/ with tests/k8s/yamllint.yaml,
and every YAML document there parses.  test_yamllint.py SOURCE_ROOT"""
import os
import shutil
import subprocess
import sys

import yaml


def main():
    src = sys.argv[1]
    k8s = os.path.join(src, "k8s")
    exe = shutil.which("yamllint")
    if not exe:
        print("FAIL: yamllint is missing (Debian package yamllint)")
        return 1
    bad = 0
    n = 0
    for d, _, files in os.walk(k8s):
        for f in files:
            if f.endswith((".yaml", ".yml")):
                n += 1
                try:
                    with open(os.path.join(d, f), encoding="utf-8") as fh:
                        list(yaml.safe_load_all(fh))
                except yaml.YAMLError as e:
                    print("FAIL: %s: %s" % (f, e))
                    bad += 1
    r = subprocess.run([exe, "--strict", "-f", "parsable", "-c",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "yamllint.yaml"), k8s])
    print("%d YAML files; yamllint exit %d" % (n, r.returncode))
    return 1 if bad or r.returncode or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
