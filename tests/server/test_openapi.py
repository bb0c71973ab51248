#!/usr/bin/env python3
"""test_openapi.py - server/openapi.yaml against the real server.

1. The documented (method, path) pairs equal the server's API and ops routes
   (offerapi-server --list-routes): nothing undocumented, nothing stale.
2. Every documented operation is called on a running server, anonymously
   and as the owning recruiter; each answer must match the document
   (serverlib checks status, Content-Type and body schema: contract.py).
3. The document is served as JSON and YAML (ETag, 304) and as the page
   /api/docs in French and English, without any external asset.
Needs python3-yaml (Debian package)."""
import os
import re
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

# 3. The document is served: JSON equal to the file, YAML as written, a
# strong ETag and 304 on If-None-Match; /api/docs in French and English,
# with every operation, no script and no asset from elsewhere.
anon = srv.client()
r = anon.get("/api/v1/openapi.json")
T.status(r, 200, "GET /api/v1/openapi.json")
T.check(r.header("Content-Type") == "application/json", "openapi.json is application/json")
T.check(r.json() == spec, "openapi.json equals server/openapi.yaml")
etag = r.header("ETag") or ""
T.check(etag.startswith('"') and etag.endswith('"') and len(etag) > 10, "a strong ETag: %r" % etag)
r = anon.request("GET", "/api/v1/openapi.json", headers={"If-None-Match": 'W/"x", ' + etag})
T.status(r, 304, "If-None-Match with the ETag")
T.check(r.body == b"", "a 304 has no body")
r = anon.request("GET", "/api/v1/openapi.json", headers={"If-None-Match": '"other"'})
T.status(r, 200, "If-None-Match with another ETag")
r = anon.get("/api/v1/openapi.yaml")
T.status(r, 200, "GET /api/v1/openapi.yaml")
with open(spec_path, "rb") as f:
    T.check(r.body == f.read(), "openapi.yaml is the file as written")
T.check((r.header("Content-Type") or "").startswith("application/yaml"), "application/yaml")
op_ids = [op["operationId"] for item in spec["paths"].values() for m, op in item.items()
          if m in ("get", "put", "post", "delete", "patch")]
T.check(len(op_ids) == len(set(op_ids)), "operationIds are unique")
for lang, word in (("fr", "Réponses"), ("en", "Responses")):
    page = srv.client(lang=lang).get("/api/docs")
    T.status(page, 200, "GET /api/docs in " + lang)
    html = page.text
    T.check('<html lang="%s">' % lang in html and word in html, "/api/docs in %s" % lang)
    missing = [o for o in op_ids if 'id="op-%s"' % o not in html]
    T.check(not missing, "/api/docs (%s) shows every operation; missing %s" % (lang, missing))
    T.check("<script" not in html.lower(), "/api/docs has no script")
    T.check(not re.search(r'(src|href)="(https?:)?//', html), "/api/docs loads nothing from elsewhere")
    T.check("default-src 'none'" in (page.header("Content-Security-Policy") or ""),
            "/api/docs is served with the pages' CSP")
T.check(srv.client(lang="en").get("/api/docs").text
        != srv.client(lang="fr").get("/api/docs").text, "the French and English pages differ")
srv.stop()
srv.cleanup()
T.done()
