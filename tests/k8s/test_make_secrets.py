#!/usr/bin/env python3
"""k8s/make-secrets.sh, as an operator runs it, in a copy of k8s/:

  test_make_secrets.py SOURCE_ROOT

It writes postgres.env and server.env readable by their owner only, with
64 random hex digits per value (two runs in two copies differ); run again
it keeps them; --force replaces them; --llm-api-key-from-env adds the key
and refuses an empty one; --help answers; a bad argument fails."""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(k8s, *args, env=None):
    e = {"PATH": "/usr/bin:/bin"}
    e.update(env or {})
    return subprocess.run(["/bin/sh", os.path.join(k8s, "make-secrets.sh")] + list(args),
                          capture_output=True, text=True, env=e)


def read(k8s):
    out = {}
    for f in ("postgres.env", "server.env"):
        path = os.path.join(k8s, "base", "secrets", f)
        if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
            fail("%s is readable by others" % f)
        with open(path, encoding="utf-8") as fh:
            for line in fh.read().splitlines():
                k, _, v = line.partition("=")
                out[f + ":" + k] = v
    return out


def copy(src, tmp, name):
    k8s = os.path.join(tmp, name)
    shutil.copytree(os.path.join(src, "k8s"), k8s, ignore=shutil.ignore_patterns("*.env"))
    return k8s


def main():
    src = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="offerapi-make-secrets-")
    try:
        a, b = copy(src, tmp, "a"), copy(src, tmp, "b")
        if run(a).returncode or run(b).returncode:
            fail("make-secrets.sh failed")
            return 1
        va, vb = read(a), read(b)
        if set(va) != {"postgres.env:password", "server.env:secret", "server.env:data-key"}:
            fail("unexpected keys %s" % sorted(va))
        for k, v in va.items():
            if not re.fullmatch(r"[0-9a-f]{64}", v):
                fail("%s is not 64 hex digits: %r" % (k, v))
            if vb.get(k) == v:
                fail("%s is the same in two runs" % k)
        r = run(a)
        if r.returncode or read(a) != va or "kept" not in r.stdout:
            fail("a second run did not keep the values")
        if run(a, "--force").returncode or read(a)["server.env:secret"] == va["server.env:secret"]:
            fail("--force did not write new values")
        if run(a, "--force", "--llm-api-key-from-env").returncode == 0:
            fail("--llm-api-key-from-env accepted an unset LLM_API_KEY")
        r = run(a, "--force", "--llm-api-key-from-env", env={"LLM_API_KEY": "sk-test-123"})
        if r.returncode or read(a).get("server.env:llm-api-key") != "sk-test-123":
            fail("--llm-api-key-from-env did not store the key: %s" % r.stderr)
        r = run(a, "--help")
        if r.returncode or "usage:" not in r.stdout:
            fail("--help")
        if run(a, "--bogus").returncode != 2:
            fail("an unknown argument is not exit 2")
    finally:
        shutil.rmtree(tmp, True)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
