#!/usr/bin/env python3
"""test_tokens.py - personal access tokens over real HTTP (issue 15).

- a recruiter makes tokens through the API (201, the secret once, never
  again in the list) and the /me/tokens page (shown once, no-store);
- a token acts as its owner within its scopes: applications:read reads the
  dashboard but cannot publish (403 insufficient_scope naming offers:write,
  WWW-Authenticate says so); offers:write publishes without X-Requested-With;
- no token reaches the account's own routes, whatever its scopes: tokens,
  sessions, e-mail, export, logout (403 insufficient_scope);
- revoked, unknown, malformed or expired tokens are 401 invalid_token; a
  token revoked from the page stops at once; another account's token id is
  404; a bad name, scope or lifetime is 422 naming the field; the 21st live
  token is 409;
- last_used_at is set by a use; the secret never appears in the log;
- the list is paged like the other API lists: 7 tokens 3 a page by next
  and by Link, each once, newest first, total 7; a token made between two
  pages does not shift them; a bad or another account's cursor, a bad
  limit and an unknown parameter are 400 naming it; the page /me/tokens
  still shows every live token; the same for 7 sessions of one user
  (GET /api/v1/me/sessions; the page /me/sessions shows them all).
Runs on SQLite, or PostgreSQL with the argument 'postgresql'."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (Checker, Server, check_paged_list, create_offer, personal,  # noqa: E402
                       signup, sql)

T = Checker("server-tokens")
XRW = {"X-Requested-With": "test"}


def as_token(srv, secret):
    c = srv.client("en")
    c.token = secret
    return c




def make(c, body):
    return c.api("POST", "/api/v1/me/tokens", body, headers=XRW)


def api_checks(srv, rec, rec2):
    offer = create_offer(rec)
    r = make(rec, {"name": "ATS sync", "scopes": ["applications:read"]})
    T.status(r, 201, "a token is made")
    tok = r.json()
    T.check(re.fullmatch(r"oapat_[0-9a-f]{64}", tok["token"]) is not None, "the secret's form")
    T.check(tok["scopes"] == ["applications:read"], "its scopes come back")
    T.check(tok["last_used_at"] is None, "never used yet")
    T.check(tok["expires_at"] is not None and tok["expires_at"] - tok["created_at"] == 90 * 86400,
            "no lifetime given: 90 days")
    personal(tok["token"])
    # an answer with a secret is never kept for an Idempotency-Key: a retry
    # makes another token (a kept answer would hold the secret in clear)
    key = {"Idempotency-Key": "k-%s" % tok["id"], **XRW}
    r1 = rec.api("POST", "/api/v1/me/tokens", {"name": "twice", "scopes": ["applications:read"]}, headers=key)
    r2 = rec.api("POST", "/api/v1/me/tokens", {"name": "twice", "scopes": ["applications:read"]}, headers=key)
    T.status(r1, 201, "a token with an Idempotency-Key")
    T.status(r2, 201, "the same key again")
    T.check(r2.header("Idempotent-Replayed") is None and r1.json()["token"] != r2.json()["token"],
            "no answer with a secret is replayed (nor kept)")
    for x in (r1, r2):
        personal(x.json()["token"])
        T.status(rec.api("DELETE", "/api/v1/me/tokens/%d" % x.json()["id"], headers=XRW), 204,
                 "revoke the key's token")
    r = rec.get("/api/v1/me/tokens")
    T.status(r, 200, "the list")
    T.check(tok["token"] not in r.text, "the list never holds the secret")
    T.check([t["id"] for t in r.json()["tokens"]] == [tok["id"]], "the list holds the token")

    reader = as_token(srv, tok["token"])
    r = reader.get("/api/v1/offers/%d/applications" % offer)
    T.status(r, 200, "applications:read reads the dashboard")
    r = reader.get("/api/v1/me")
    T.status(r, 200, "any token reads /me")
    T.check(r.json()["user"]["login"] == rec.login, "the token acts as its owner")
    r = reader.api("POST", "/api/v1/offers", {"title": "x", "description": "y"})
    T.status(r, 403, "applications:read cannot publish")
    T.check(r.json().get("code") == "insufficient_scope", "the code is insufficient_scope")
    T.check("offers:write" in (r.header("WWW-Authenticate") or ""), "the header names the scope")
    T.check("offers:write" in r.json().get("detail", ""), "the detail names the scope")
    for method, path, body in (("GET", "/api/v1/me/tokens", None),
                               ("POST", "/api/v1/me/tokens", {"name": "x", "scopes": ["offers:read"]}),
                               ("GET", "/api/v1/me/sessions", None),
                               ("PUT", "/api/v1/me/email", {"email": "x@example.org"}),
                               ("GET", "/api/v1/me/export", None),
                               ("DELETE", "/api/v1/sessions/current", None),
                               ("DELETE", "/api/v1/me/tokens/%d" % tok["id"], None)):
        r = reader.api(method, path, body)
        T.status(r, 403, "a token on the account route %s %s" % (method, path))
        T.check(r.json().get("code") == "insufficient_scope", "%s %s: insufficient_scope" % (method, path))

    r = make(rec, {"name": "Publisher", "scopes": ["offers:write", "offers:read"],
                   "expires_in_days": None})
    T.status(r, 201, "a token without end")
    T.check(r.json()["expires_at"] is None, "no end: expires_at null")
    writer = as_token(srv, r.json()["token"])
    personal(r.json()["token"])
    r = writer.api("POST", "/api/v1/offers", {"title": "Ingénieure C", "description": "Du C.",
                                              "location": "Lyon", "skills": ["C"]})
    T.status(r, 201, "offers:write publishes, without X-Requested-With")
    r = writer.get("/api/v1/offers/%d/applications" % offer)
    T.status(r, 403, "offers:write does not read applications")

    r = rec.get("/api/v1/me/tokens")
    used = [t for t in r.json()["tokens"] if t["id"] == tok["id"]][0]
    T.check(used["last_used_at"] is not None, "a use sets last_used_at")

    # refusals of the fields
    for body, ptr in (({"scopes": ["offers:read"]}, "/name"),
                      ({"name": "", "scopes": ["offers:read"]}, "/name"),
                      ({"name": "x" * 101, "scopes": ["offers:read"]}, "/name"),
                      ({"name": "x"}, "/scopes"),
                      ({"name": "x", "scopes": []}, "/scopes"),
                      ({"name": "x", "scopes": ["admin"]}, "/scopes"),
                      ({"name": "x", "scopes": ["offers:read"], "expires_in_days": 0}, "/expires_in_days"),
                      ({"name": "x", "scopes": ["offers:read"], "expires_in_days": 4000}, "/expires_in_days"),
                      ({"name": "x", "scopes": ["offers:read"], "expires_in_days": "7"}, "/expires_in_days")):
        r = make(rec, body)
        T.status(r, 422, "refused: %r" % (body,))
        ptrs = [e.get("pointer", "") for e in r.json().get("errors", [])]
        T.check(any(p.startswith(ptr) for p in ptrs), "%r names %s (got %r)" % (body, ptr, ptrs))

    # another account cannot revoke it; its owner can, and it stops at once
    r = rec2.api("DELETE", "/api/v1/me/tokens/%d" % tok["id"], headers=XRW)
    T.status(r, 404, "another account's token id is not found")
    r = rec.api("DELETE", "/api/v1/me/tokens/%d" % tok["id"], headers=XRW)
    T.status(r, 204, "revoked")
    r = reader.get("/api/v1/me")
    T.status(r, 401, "a revoked token")
    T.check(r.json().get("code") == "invalid_token", "a revoked token is invalid_token")
    for bad in ("oapat_" + "0" * 64, "oapat_short", "oapat_" + "G" * 64):
        r = as_token(srv, bad).get("/api/v1/me")
        T.status(r, 401, "an unknown or malformed token")
        T.check(r.json().get("code") == "invalid_token", "%s...: invalid_token" % bad[:10])
    r = rec.api("DELETE", "/api/v1/me/tokens/%d" % tok["id"], headers=XRW)
    T.status(r, 404, "revoked twice: 404")

    # at most 20 live tokens
    n = len(rec.get("/api/v1/me/tokens").json()["tokens"])
    for i in range(20 - n):
        T.status(make(rec, {"name": "t%d" % i, "scopes": ["offers:read"]}), 201, "token %d" % i)
    r = make(rec, {"name": "one too many", "scopes": ["offers:read"]})
    T.status(r, 409, "the 21st live token")


def expiry_check(srv, cand):
    """A token whose end has passed: the store's clock cannot be moved from
    here, so the row's end is set in the past by the test through SQL."""
    r = make(cand, {"name": "Short", "scopes": ["applications:read"], "expires_in_days": 1})
    T.status(r, 201, "a one-day token")
    tok = r.json()
    personal(tok["token"])
    c = as_token(srv, tok["token"])
    T.status(c.get("/api/v1/me/applications"), 200, "a candidate's token reads their applications")
    sql(srv.db_url, "UPDATE api_tokens SET expires_at = 1000 WHERE id = %d" % tok["id"])
    r = c.get("/api/v1/me/applications")
    T.status(r, 401, "an expired token")
    T.check(not [t for t in cand.get("/api/v1/me/tokens").json()["tokens"] if t["id"] == tok["id"]],
            "an expired token leaves the list")


def page_checks(srv, rec):
    r = rec.get("/me/tokens")
    T.status(r, 200, "the page")
    T.check('name="offers:write"' in r.text and 'id="f-name"' in r.text, "the form")
    r = rec.post_form("/me/tokens", {"name": "", "days": "30"}, csrf_from="/me/tokens")
    T.status(r, 422, "the page refuses an empty name and no scope")
    T.check('id="e-name"' in r.text and 'id="e-scopes"' in r.text, "each error beside its field")
    r = rec.post_form("/me/tokens", {"name": "Script", "applications:read": "1", "days": "30"},
                      csrf_from="/me/tokens")
    T.status(r, 200, "made from the page")
    m = re.search(r'value="(oapat_[0-9a-f]{64})"', r.text)
    T.check(m is not None, "the page shows the secret once")
    T.check((r.header("Cache-Control") or "").find("no-store") >= 0, "never cached")
    secret = m.group(1) if m else ""
    personal(secret)
    T.check(secret not in rec.get("/me/tokens").text, "not shown again")
    c = as_token(srv, secret)
    T.status(c.get("/api/v1/me"), 200, "the page's token works")
    tid = [t["id"] for t in rec.get("/api/v1/me/tokens").json()["tokens"] if t["name"] == "Script"]
    r = rec.post_form("/me/tokens/%d/revoke" % tid[0], {}, csrf_from="/me/tokens")
    T.status(r, 303, "revoked from the page")
    T.status(c.get("/api/v1/me"), 401, "a token revoked from the page stops")
    T.status(rec.post_form("/me/tokens", {"name": "x", "offers:read": "1"}, csrf=False), 403,
             "no CSRF token: refused")


def paging_checks(srv, pager, rec):
    made = []
    for i in range(7):
        r = make(pager, {"name": "page-%d" % i, "scopes": ["offers:read"]})
        T.status(r, 201, "token page-%d" % i)
        personal(r.json()["token"])
        made.append(r.json()["id"])
    foreign = rec.get("/api/v1/me/tokens?limit=3").json()["next"]
    T.check(foreign is not None, "another account's list has a next cursor")
    ids = check_paged_list(T, pager, "/api/v1/me/tokens", "tokens", made, foreign)
    # a token made after page 1 was read: the pages after it are unchanged
    first = pager.get("/api/v1/me/tokens?limit=3").json()
    r = make(pager, {"name": "late", "scopes": ["offers:read"]})
    personal(r.json()["token"])
    rest, url = [], "/api/v1/me/tokens?limit=3&cursor=" + first["next"]
    while url:
        body = pager.get(url).json()
        rest += [t["id"] for t in body["tokens"]]
        url = "/api/v1/me/tokens?limit=3&cursor=" + body["next"] if body["next"] else None
    T.check(rest == ids[3:], "a new token does not shift the pages after the cursor")
    text = pager.get("/me/tokens").text
    T.check(all("page-%d" % i in text for i in range(7)) and "late" in text,
            "the page /me/tokens shows every live token")


def session_paging(srv, rec):
    """7 sessions of one user (sign-up and 6 log-ins), 3 a page."""
    u = signup(srv, "candidate")
    u.token = u.bearer
    for i in range(6):
        r = srv.client().api("POST", "/api/v1/sessions", {"login": u.login, "password": u.password})
        T.status(r, [200, 201], "log-in %d" % i)
    whole = u.get("/api/v1/me/sessions")
    T.status(whole, 200, "every session on one page")
    made = [x["id"] for x in whole.json()["sessions"]] if whole.status == 200 else []
    T.check(len(made) == 7 and whole.json()["total"] == 7 and whole.json()["next"] is None,
            "7 live sessions, one page of 50")
    foreign = rec.get("/api/v1/me/tokens?limit=3").json()["next"]  # another kind of list
    check_paged_list(T, u, "/api/v1/me/sessions", "sessions", made, foreign, in_order=True)
    text = u.get("/me/sessions").text
    T.check(all(sid in text for sid in made), "the page /me/sessions shows every session")


def main():
    db_url = os.environ.get("OFFERAPI_TEST_PG_URL") if sys.argv[1:] == ["postgresql"] else None
    srv = Server(db_url=db_url)
    rec = signup(srv, "recruiter")
    rec.token = rec.bearer
    rec2 = signup(srv, "recruiter")
    rec2.token = rec2.bearer
    cand = signup(srv, "candidate")
    cand.token = cand.bearer
    api_checks(srv, rec, rec2)
    expiry_check(srv, cand)
    page = signup(srv, "recruiter")
    page_checks(srv, page)
    pager = signup(srv, "recruiter")
    pager.token = pager.bearer
    paging_checks(srv, pager, rec)
    session_paging(srv, rec)
    srv.stop()
    srv.cleanup()
    T.done()


main()
