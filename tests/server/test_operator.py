#!/usr/bin/env python3
"""test_operator.py BACKEND - the operator's admin role (issue 16) on BACKEND
"sqlite" or "postgresql" (under tests/with-postgresql.sh).

No sign-up makes an admin (API or page); `offerapi-admin user-create` does,
with the password on standard input, and `user-list` lists it. The admin
logs in on the login page and gets the operator's pages: /admin (the
accounts, by role, in French and English, with the navigation's link),
/admin/access (the access log, searched by viewer, with its bad fields
refused), a person's export (zip and tar.gz archives that open) and erasure
(a confirmation form with its CSRF token; a wrong login typed, a missing
token and the admin's own account refused; then the person is gone: no
session, no row in the list, `offerapi-admin export` finds no such login;
an erased recruiter's offer stays, a former recruiter's).
A candidate and a recruiter get 403 on every operator route, an anonymous
visitor the login page; an admin can neither publish nor apply (403)."""
import io
import json
import os
import re
import sys
import tarfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (CV_LINES, Checker, Server, admin_bin, admin_on, apply_api,  # noqa: E402
                       backend_db_url, create_offer, personal, signup, unique)

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
T = Checker("operator-" + backend)
admin_bin()  # offerapi-admin is there, or the test fails now
db_url = backend_db_url(backend)
XRW = {"X-Requested-With": "test"}
PW = "staple-battery-horse-42"




def operator_routes(uid):
    return [("GET", "/admin"), ("GET", "/admin/access"),
            ("GET", "/admin/users/%d/export" % uid), ("GET", "/admin/users/%d/erase" % uid)]


srv = Server(db_url=db_url)
try:
    rec = signup(srv, "recruiter")
    oid = create_offer(rec)
    cand = signup(srv, "candidate", name="Camille Operateur")
    personal(cand.login)
    r = apply_api(cand, oid)
    T.status(r, 201, "the candidate applies")
    app_id = r.json()["application"]["id"] if r.status == 201 else 0
    T.status(rec.api("GET", "/api/v1/applications/%d" % app_id), 200, "the recruiter reads it")

    # no sign-up makes an admin
    c = srv.client()
    r = c.api("POST", "/api/v1/users", {"login": unique("adm"), "display_name": "Admin",
                                         "password": PW, "role": "admin"})
    T.check(r.status == 422 and r.json()["code"] == "invalid",
            "API sign-up as admin refused: %d %s" % (r.status, r.text[:200]))
    login = unique("adm")
    r = c.post_form("/signup", {"login": login, "display_name": "Admin", "password": PW,
                                "role": "admin"}, csrf_from="/signup")
    T.check(r.status not in (302, 303) and "oa_session" not in c.cookies,
            "page sign-up as admin refused: %d" % r.status)
    rc, out, err = admin_on(srv.db_url, "--json", "user-list", "--role", "admin")
    T.check(rc == 0 and json.loads(out)["users"] == [], "no admin yet: %d %s %s" % (rc, out, err))

    # offerapi-admin makes one; the password never on the command line
    op_login = unique("ops")
    rc, out, err = admin_on(srv.db_url, "user-create", "--login", op_login, "--role", "admin",
                         "--display-name", "Exploitant", stdin=PW + "\n")
    T.check(rc == 0 and "account created" in out, "user-create admin: %d %s %s" % (rc, out, err))
    rc, out, err = admin_on(srv.db_url, "user-create", "--login", op_login, "--role", "admin", stdin=PW)
    T.check(rc == 6, "the same login again: exit 6 (%d %s)" % (rc, err))
    rc, out, err = admin_on(srv.db_url, "user-create", "--login", unique("ops"), "--role", "admin",
                         stdin="short\n")
    T.check(rc == 2 and "password" in err, "a short password: exit 2 (%d %s)" % (rc, err))
    rc, out, err = admin_on(srv.db_url, "user-create", "--login", unique("ops"), "--role", "boss", stdin=PW)
    T.check(rc == 2, "an unknown role: exit 2 (%d)" % rc)
    rc, out, err = admin_on(srv.db_url, "--json", "user-list", "--role", "admin")
    users = json.loads(out)["users"] if rc == 0 else []
    T.check(len(users) == 1 and users[0]["login"] == op_login and users[0]["role"] == "admin",
            "user-list --role admin: %s" % out)
    op_id = users[0]["id"] if users else 0
    rc, out, err = admin_on(srv.db_url, "user-list")
    T.check(rc == 0 and cand.login in out and rec.login in out and op_login in out,
            "user-list shows every account")

    # the admin logs in on the page
    op = srv.client()
    r = op.post_form("/login", {"login": op_login, "password": PW})
    T.status(r, 303, "the admin logs in")
    r = op.get("/")
    T.check('href="/admin"' in r.text, "the navigation links to /admin")
    r = op.get("/admin")
    T.status(r, 200, "GET /admin")
    T.check("Exploitation" in r.text and cand.login in r.text and rec.login in r.text,
            "the accounts, in French")
    T.check("/admin/users/%d/erase" % cand.user["id"] in r.text, "an erase link per account")
    en = srv.client("en")
    T.status(en.post_form("/login", {"login": op_login, "password": PW}), 303, "login (en)")
    r = en.get("/admin")
    T.check(r.status == 200 and "Accounts" in r.text and "Erase" in r.text, "in English")
    r = op.get("/admin?role=candidate")
    T.check(r.status == 200 and cand.login in r.text and rec.login not in r.text,
            "?role=candidate lists the candidates only")
    T.status(op.get("/admin?role=boss"), 400, "an unknown role in the query")
    T.status(op.get("/admin?cursor=zzz"), 422, "a forged cursor")

    # the access log
    r = op.get("/admin/access")
    T.status(r, 200, "GET /admin/access")
    T.check(rec.login in r.text and "127.0.0.1" in r.text, "the recruiter's view, with its address")
    r = op.get("/admin/access?login=" + cand.login)
    T.check(r.status == 200 and rec.login not in r.text, "?login= keeps that viewer's records")
    T.status(op.get("/admin/access?login=nosuchlogin"), 422, "an unknown viewer")
    T.status(op.get("/admin/access?since=2026-02-31"), 422, "a date that is not one")
    T.status(op.get("/admin/access?application=-3"), 422, "a bad application number")
    T.status(op.get("/admin/access?since=2026-03-02&until=2026-03-01"), 422, "until before since")

    # export: the same archive the person downloads
    r = op.get("/admin/users/%d/export" % cand.user["id"])
    T.status(r, 200, "export (zip)")
    if r.status == 200:
        z = zipfile.ZipFile(io.BytesIO(r.body))
        names = z.namelist()
        T.check("account.json" in names and "cv/application-%d.pdf" % app_id in names,
                "the zip holds the account and the CV: %s" % names)
        T.check(json.loads(z.read("account.json"))["login"] == cand.login, "account.json")
        T.check(CV_LINES[0] in z.read("cv/application-%d.txt" % app_id).decode(), "the CV text")
    r = op.get("/admin/users/%d/export?format=tar.gz" % cand.user["id"])
    T.status(r, 200, "export (tar.gz)")
    if r.status == 200:
        with tarfile.open(fileobj=io.BytesIO(r.body), mode="r:gz") as tf:
            T.check("applications.json" in tf.getnames(), "the tar.gz opens")
    T.status(op.get("/admin/users/%d/export?format=rar" % cand.user["id"]), 400, "a bad format")
    T.status(op.get("/admin/users/999999/export"), 404, "no such account")

    # nobody else gets in
    for who, cl in (("candidate", cand), ("recruiter", rec)):
        for m, p in operator_routes(cand.user["id"]):
            T.status(cl.request(m, p), 403, "%s: %s %s" % (who, m, p))
        r = cl.post_form("/admin/users/%d/erase" % cand.user["id"], {"confirm": cand.login},
                         csrf_from="/me/sessions")
        T.status(r, 403, "%s: POST erase" % who)
    anon = srv.client()
    for m, p in operator_routes(cand.user["id"]):
        r = anon.request(m, p)
        T.check(r.status == 303 and r.header("Location") == "/login",
                "anonymous: %s %s goes to the login page (%d)" % (m, p, r.status))

    # an admin neither publishes nor applies
    T.status(op.api("POST", "/api/v1/offers", {"title": "x", "description": "y"}, headers=XRW),
             403, "an admin cannot publish")
    r = apply_api(op, oid)
    T.status(r, 403, "an admin cannot apply")
    T.status(op.get("/offers/new"), 403, "no publish page")
    r = op.api("GET", "/api/v1/me")
    T.check(r.status == 200 and r.json()["user"]["role"] == "admin", "GET /api/v1/me: admin")

    # erasure, confirmed
    path = "/admin/users/%d/erase" % cand.user["id"]
    r = op.get(path)
    T.check(r.status == 200 and 'name="confirm"' in r.text and 'name="csrf"' in r.text,
            "the confirmation form")
    T.status(op.post_form(path, {"confirm": cand.login}, csrf=False), 403, "no CSRF token")
    T.status(op.post_form(path, {"confirm": "someone-else"}, csrf_from=path), 422,
             "the wrong login typed")
    T.status(op.get("/me/applications"), 403, "the candidate's pages are not the admin's")
    own = "/admin/users/%d/erase" % op_id
    T.status(op.post_form(own, {"confirm": op_login}, csrf_from=own), 409,
             "the admin's own account is not erased here")
    T.status(cand.api("GET", "/api/v1/me"), 200, "the candidate is still there")
    r = op.post_form(path, {"confirm": cand.login}, csrf_from=path)
    T.check(r.status == 303 and r.header("Location") == "/admin?erased=1",
            "erased: back to /admin (%d)" % r.status)
    r = op.get("/admin?erased=1")
    T.check(r.status == 200 and cand.login not in r.text, "the candidate is no longer listed")
    T.status(cand.api("GET", "/api/v1/me"), 401, "the candidate's session is gone")
    T.status(op.get(path), 404, "the erased account's form: 404")
    rc, out, err = admin_on(srv.db_url, "export", "--user", cand.login, "--out",
                         os.path.join(srv.tmp, "gone.zip"))
    T.check(rc == 4, "offerapi-admin finds no such login any more (%d)" % rc)
    T.status(rec.api("GET", "/api/v1/applications/%d" % app_id), 404, "their application is gone")

    # a recruiter erased from /admin: the offer stays, a former recruiter's
    path = "/admin/users/%d/erase" % rec.user["id"]
    r = op.get(path)
    T.check(r.status == 200 and "ancien recruteur" in r.text, "the recruiter's form says the offers stay")
    r = op.post_form(path, {"confirm": rec.login}, csrf_from=path)
    T.status(r, 303, "the recruiter erased")
    r = srv.client().api("GET", "/api/v1/offers/%d" % oid)
    T.check(r.status == 200 and r.json()["offer"].get("recruiter_name") == "un ancien recruteur",
            "the offer is still there, a former recruiter's: %d %s" % (r.status, r.text[:200]))
finally:
    log = srv.stop()
T.check(re.search(r'msg="operator erase" admin_id=%d user_id=%d' % (op_id, cand.user["id"]), log),
        "the server's log names the erasure by ids")
T.check(re.search(r'msg="operator export" admin_id=%d' % op_id, log), "and the exports")
srv.cleanup()
T.done()
