#!/usr/bin/env python3
"""test_problems.py - API errors as RFC 9457 problem details.

application/problem+json with type, title, status, detail, a stable code
and the request id; every invalid field of a body at once, each with its
JSON pointer; titles and details in the language of Accept-Language; a bad
bearer token (invalid_token) told apart from none (unauthenticated); an
unknown ?rank is 400 with the allowed values. Conditional requests: ETag
and 304 on GET, If-Match and 412 on offer writes. (Every answer is also checked
against server/openapi.yaml by serverlib.)"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, apply_api, create_offer, signup  # noqa: E402

T = Checker("server-problems")
srv = Server()
rec = signup(srv, "recruiter")
rec.token = rec.bearer
oid = create_offer(rec)
cand = signup(srv, "candidate")
cand.token = cand.bearer
apply_api(cand, oid)


def problem(r, status, code, what):
    T.status(r, status, what)
    T.check(r.header("Content-Type") == "application/problem+json",
            "%s: application/problem+json (%s)" % (what, r.header("Content-Type")))
    p = r.json()
    T.check(p.get("status") == status and p.get("code") == code and
            p.get("type") == "/api/docs#problem-" + code and p.get("title") and
            isinstance(p.get("detail"), str) and p.get("request_id") == r.header("X-Request-Id"),
            "%s: a complete problem: %s %s" % (what, r.status, r.text[:300]))
    return p


# every invalid field at once, with JSON pointers
bad = {"title": 5, "location": "x" * 201, "skills": "C", "questions": [1, "ok", 2]}
for lang, title, missing in (("fr", "Données invalides", "champ requis"), ("en", "Invalid data", "required")):
    r = rec.api("POST", "/api/v1/offers", bad, headers={"Accept-Language": lang})
    p = problem(r, 422, "invalid", "POST /offers with five bad fields (%s)" % lang)
    ptrs = sorted(e.get("pointer") for e in p.get("errors", []))
    T.check(ptrs == ["/description", "/location", "/questions/0", "/questions/2", "/skills", "/title"],
            "all invalid fields at once: %s" % ptrs)
    T.check(p["title"] == title, "title in %s: %r" % (lang, p["title"]))
    d = [e["detail"] for e in p["errors"] if e["pointer"] == "/description"]
    T.check(d == [missing], "a field's detail in %s: %s" % (lang, d))
r = rec.api("PUT", "/api/v1/offers/%d" % oid, {"title": None, "description": ["x"]})
p = problem(r, 422, "invalid", "PUT with two bad fields")
T.check(sorted(e["pointer"] for e in p.get("errors", [])) == ["/description", "/title"],
        "PUT: both fields: %s" % p.get("errors"))
# an error the library finds: the pointer from its message, the text translated
r = rec.api("POST", "/api/v1/offers", {"title": "   ", "description": "d"})
p = problem(r, 422, "invalid", "a blank title (the library's check)")
T.check(p.get("errors") == [{"pointer": "/title", "detail": "ne doit pas être vide"}],
        "the library's field error with its pointer, in French: %s" % p.get("errors"))
r = srv.client(lang="en").api("POST", "/api/v1/users", {"login": 1, "password": True})
p = problem(r, 422, "invalid", "sign-up with four bad fields")
T.check(sorted(e["pointer"] for e in p.get("errors", [])) ==
        ["/display_name", "/login", "/password", "/role"], "sign-up: every field: %s" % p.get("errors"))

# bad token versus no token
anon = srv.client()
p = problem(anon.get("/api/v1/me"), 401, "unauthenticated", "no token")
for tok in ("f" * 64, "short", ""):
    c = srv.client()
    r = c.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + tok})
    problem(r, 401, "invalid_token", "token %r" % tok[:8])
    T.check(r.header("WWW-Authenticate") == 'Bearer error="invalid_token"', "RFC 6750 header")
r = srv.client().request("GET", "/api/v1/offers", headers={"Authorization": "Bearer " + "0" * 64})
problem(r, 401, "invalid_token", "a bad token on a public route")
T.status(srv.client().get("/api/v1/offers"), 200, "the public route without a token")

# unknown ?rank: 400 with the allowed values
for path in ("/api/v1/offers/%d/applications" % oid, "/api/v1/offers/%d/applications.csv" % oid):
    p = problem(rec.get(path + "?rank=bogus"), 400, "invalid", "?rank=bogus on " + path)
    e = (p.get("errors") or [{}])[0]
    T.check(e.get("parameter") == "rank" and "random" in e.get("allowed", []),
            "the allowed values are listed: %s" % e)
    T.status(rec.get(path + "?rank=random"), 200, "?rank=random on " + path)

# conditional requests: ETag and 304 on GET, If-Match and 412 on writes
url = "/api/v1/offers/%d" % oid
r = rec.get(url)
etag = r.header("ETag") or ""
T.check(len(etag) == 34 and etag[0] == '"', "GET gives a strong ETag: %r" % etag)
r = rec.request("GET", url, headers={"If-None-Match": etag})
T.status(r, 304, "If-None-Match with the current ETag")
T.check(r.body == b"" and r.header("ETag") == etag, "304: no body, the same ETag")
T.status(rec.request("GET", url, headers={"If-None-Match": '"0"'}), 200, "another ETag: 200")
fields = {"title": "Nouveau titre", "description": "d"}
r = rec.api("PUT", url, fields, headers={"If-Match": '"' + "0" * 32 + '"'})
problem(r, 412, "precondition_failed", "PUT with a stale If-Match")
T.check(rec.get(url).json()["offer"]["title"] != "Nouveau titre", "a 412 changes nothing")
r = rec.api("PUT", url, fields, headers={"If-Match": etag})
T.status(r, 200, "PUT with the current ETag")
problem(rec.api("PUT", url, fields, headers={"If-Match": etag}), 412, "precondition_failed",
        "the ETag read before the change is stale now")
new_etag = rec.get(url).header("ETag")
T.check(new_etag != etag, "the ETag changes with the offer")
problem(rec.api("POST", url + "/close", None, headers={"If-Match": "W/" + new_etag}), 412,
        "precondition_failed", "If-Match compares strongly: a weak tag never matches")
T.status(rec.api("POST", url + "/close", None, headers={"If-Match": new_etag}), 200,
         "close with the current ETag")
T.status(rec.api("POST", url + "/reopen", None, headers={"If-Match": "*"}), 200, "If-Match: *")

# PATCH: a JSON Merge Patch (RFC 7396)
MP = {"Content-Type": "application/merge-patch+json"}
before = rec.get(url).json()["offer"]
r = rec.api("PATCH", url, {"location": "Paris", "questions": None}, headers=MP)
T.status(r, 200, "PATCH location, remove questions")
after = r.json()["offer"]
T.check(after["location"] == "Paris" and after["questions"] == [] and
        after["title"] == before["title"] and after["skills"] == before["skills"],
        "only the patched members changed: %s" % after)
p = problem(rec.api("PATCH", url, {"title": None, "skills": [1]}, headers=MP), 422, "invalid",
            "PATCH removing the title, a bad skill")
T.check(sorted(e["pointer"] for e in p.get("errors", [])) == ["/skills/0", "/title"],
        "PATCH: both faults: %s" % p.get("errors"))
problem(rec.api("PATCH", url, {"location": "x"}), 415, "unsupported_media_type",
        "PATCH with application/json")
problem(rec.api("PATCH", url, {"location": "x"}, headers=dict(MP, **{"If-Match": etag})), 412,
        "precondition_failed", "PATCH with a stale If-Match")
problem(cand.api("PATCH", url, {"location": "x"}, headers=MP), 403, "forbidden",
        "a candidate's PATCH")

# the router's own answers
problem(anon.get("/api/v1/nothing"), 404, "not_found", "an unknown API route")
p = problem(srv.client(lang="en").request("PUT", "/api/v1/me"), 405, "method_not_allowed", "405")
T.check(p["detail"] == "Method not allowed here.", "405 detail in English: %r" % p["detail"])
srv.stop()
srv.cleanup()
T.done()
