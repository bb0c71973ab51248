#!/usr/bin/env python3
"""test_api_doc.py - every ```sh example of docs/api.md runs, in order, in
one shell (sh -eu) against a real server; the test fails if any fails.
Needs curl (Debian package). The API answers are not checked against
server/openapi.yaml here (curl talks to the server, not serverlib)."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, fail  # noqa: E402

T = Checker("server-api-doc")
doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "api.md")
with open(doc, encoding="utf-8") as f:
    blocks = re.findall(r"^```sh\n(.*?)^```", f.read(), flags=re.S | re.M)
T.check(len(blocks) >= 6, "docs/api.md has its examples (%d)" % len(blocks))
if not shutil.which("curl"):
    fail("curl is not installed (apt-get install curl)")
srv = Server()
script = "set -eu\n"
for i, b in enumerate(blocks):
    script += b + "echo 'example %d ok'\n" % (i + 1)
env = dict(os.environ, BASE="http://127.0.0.1:%d" % srv.port, PATH="/usr/bin:/bin")
r = subprocess.run(["sh", "-c", script], cwd=srv.tmp, env=env, capture_output=True, text=True,
                   timeout=120)
done = r.stdout.count(" ok\n")
T.check(r.returncode == 0 and done == len(blocks),
        "every example of docs/api.md runs: %d of %d; stderr: %s; stdout tail: %s"
        % (done, len(blocks), r.stderr[-500:], r.stdout[-300:]))
srv.stop()
srv.cleanup()
T.done()
