#!/usr/bin/env python3
"""test_secret.py - the server refuses to start with a weak CSRF and
session key (issue "Hardening": the manifests once shipped placeholders):

- a placeholder the project once published (k8s/, git history) is refused
  wherever the server listens;
- a key shorter than 32 bytes is refused unless --listen is on loopback
  (the tests' "test-secret" stays allowed there);
- a 64-hex-digit key, or none (a random key per process), starts.
Each refusal exits with 2 and a message naming OFFERAPI_SECRET.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import BIN, Checker, fail, free_port  # noqa: E402

T = Checker("server-secret")
if not BIN:
    fail("OFFERAPI_SERVER_BIN is not set")
tmp = tempfile.mkdtemp(prefix="offerapi-secret.")
DB = "sqlite:" + os.path.join(tmp, "t.db")
PLACEHOLDERS = ("FAKE-change-me-csrf-key-0000000000000000", "FAKE-change-me-postgres-password",
                "FAKE-sk-not-a-real-key")
STRONG = os.urandom(32).hex()


def run(listen, secret, env_var=False):
    """Start the server; return (exit code or None if it runs, stderr)."""
    args = [BIN, "--listen", listen, "--database", DB, "--scorers", ""]
    env = dict(os.environ)
    env.pop("OFFERAPI_SECRET", None)
    if env_var:
        env["OFFERAPI_SECRET"] = secret
    elif secret is not None:
        args += ["--secret", secret]
    p = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port = int(listen.rsplit(":", 1)[1])
    deadline = time.time() + 20
    while time.time() < deadline and p.poll() is None:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.05)
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        return None, p.stderr.read().decode()
    return p.returncode, p.stderr.read().decode()


for ph in PLACEHOLDERS:
    for listen in ("127.0.0.1:%d" % free_port(), "0.0.0.0:%d" % free_port()):
        for env_var in (False, True):
            rc, err = run(listen, ph, env_var)
            T.check(rc == 2 and "placeholder" in err and "OFFERAPI_SECRET" in err,
                    "placeholder %s on %s (env %s): refused (rc %s, %r)" % (ph[:20], listen, env_var, rc, err))
for short in ("test-secret", "x" * 31, "changeme"):
    rc, err = run("0.0.0.0:%d" % free_port(), short)
    T.check(rc == 2 and "at least 32" in err, "a %d-byte key off loopback: refused (rc %s, %r)"
            % (len(short), rc, err))
    rc, err = run("127.0.0.1:%d" % free_port(), short)
    T.check(rc is None, "a %d-byte key on loopback: starts (rc %s, %r)" % (len(short), rc, err))
rc, err = run("0.0.0.0:%d" % free_port(), STRONG)
T.check(rc is None, "a 32-byte random key off loopback: starts (rc %s, %r)" % (rc, err))
rc, err = run("0.0.0.0:%d" % free_port(), None)
T.check(rc is None, "no key (random per process) off loopback: starts (rc %s, %r)" % (rc, err))
T.done()
