#!/usr/bin/env python3
"""test_openapi.py - server/openapi.yaml against the real server.

1. The documented (method, path) pairs equal the server's API and ops routes
   (offerapi-server --list-routes): nothing undocumented, nothing stale.
2. Every documented operation is called on a running server, anonymously
   and as the owning recruiter; the status it answers must be one the file
   documents for that operation, and a JSON answer must be JSON.
Needs python3-yaml (Debian package)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import BIN, Checker, Server, apply_api, create_offer, fail, signup  # noqa: E402

try:
    import yaml
except ImportError:
    fail("python3-yaml is not installed (apt-get install python3-yaml)")

T = Checker("server-openapi")
spec_path = os.environ.get("OFFERAPI_OPENAPI") or fail("OFFERAPI_OPENAPI not set")
with open(spec_path) as f:
    spec = yaml.safe_load(f)
T.check(str(spec.get("openapi", "")).startswith("3."), "an OpenAPI 3 document")
documented = set()
for path, item in spec["paths"].items():
    for method in item:
        if method in ("get", "put", "post", "delete", "patch"):
            documented.add((method.upper(), path))
out = subprocess.run([BIN, "--list-routes"], capture_output=True, text=True, check=True).stdout
real = set()
for line in out.splitlines():
    method, tmpl, kind = line.split()
    if kind in ("api", "ops"):
        real.add((method, tmpl))
T.check(documented == real, "documented routes == real routes; undocumented: %s; stale: %s"
        % (sorted(real - documented), sorted(documented - real)))

srv = Server()
rec = signup(srv, "recruiter")
rec.token = rec.bearer
oid = create_offer(rec, questions=["Q ?"])
cand = signup(srv, "candidate")
cand.token = cand.bearer
r = apply_api(cand, oid, answers=["A"])
aid = r.json()["application"]["id"]
bodies = {
    ("POST", "/api/v1/users"): {"login": "openapi-user", "display_name": "O", "password": "staple-battery-horse-42",
                                "role": "candidate"},
    ("POST", "/api/v1/sessions"): {"login": rec.login, "password": "staple-battery-horse-42"},
    ("POST", "/api/v1/offers"): {"title": "t", "description": "d"},
    ("PUT", "/api/v1/offers/{id}"): {"title": "t", "description": "d", "questions": ["Q ?"]},
}
ids = {"/api/v1/applications/": aid}
for method, path in sorted(documented):
    op = spec["paths"][path][method.lower()]
    statuses = set(int(s) for s in op["responses"])
    real_id = aid if path.startswith("/api/v1/applications/") else oid
    url = path.replace("{id}", str(real_id))
    for who, client in (("anonymous", srv.client()), ("owner", rec)):
        if method == "DELETE" and who == "owner":
            continue  # would end the session the other checks use
        if (method, path) == ("POST", "/api/v1/offers/{id}/applications") and who == "owner":
            r = apply_api(client, oid)
        else:
            r = client.api(method, url, bodies.get((method, path)))
        T.check(r.status in statuses, "%s %s as %s: %d is not documented (%s)"
                % (method, path, who, r.status, sorted(statuses)))
        ctype = r.header("Content-Type") or ""
        if ctype.startswith("application/json"):
            try:
                r.json()
            except ValueError:
                T.check(False, "%s %s: invalid JSON" % (method, path))
srv.stop()
srv.cleanup()
T.done()
