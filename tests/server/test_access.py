#!/usr/bin/env python3
"""test_access.py [postgresql] - the access log (issue 16) over real HTTP,
on SQLite or, with the argument 'postgresql', on PostgreSQL (under
tests/with-postgresql.sh).

- a recruiter views a CV (page), its text (API) and the application page:
  three records, with the recruiter, the kind and the client address; the
  candidate's own view of their CV is recorded but not shown to them;
- the candidate sees the recruiter's display name, what and when on
  GET /api/v1/me/applications/{id}/views (paged by cursor) and on the
  page /me/applications/{id}/views (French and English, linked from their
  applications), never the address; another candidate gets 404 on both,
  the recruiter 403;
- the offer's CSV export records one access per application;
- an access that cannot be recorded is refused (503, no PDF sent);
- offerapi-admin access-log finds the records by viewer, application and
  dates, as TSV and JSON, with its exit codes;
- records past --access-log-days are deleted by the purge a restarted
  server runs at once; younger ones stay."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (Checker, Server, admin_bin, admin_on, apply_api,  # noqa: E402
                       backend_db_url, create_offer, signup, sql, unique)

backend = "postgresql" if sys.argv[1:] == ["postgresql"] else "sqlite"
T = Checker("server-access-" + backend)
admin_bin()  # offerapi-admin is there, or the test fails now
XRW = {"X-Requested-With": "test"}
DAY = 86400






def records(url, app_id):
    return sql(url, "SELECT user_id, kind, address, by_candidate, created_at FROM access_log"
                    " WHERE application_id = %d ORDER BY id" % app_id)


def views(c, app_id, query=""):
    return c.get("/api/v1/me/applications/%d/views%s" % (app_id, query))


def recording(srv, rec, cand, app_id, offer_id, t0):
    url = srv.db_url
    r = views(cand, app_id)
    T.status(r, 200, "the candidate's views before any")
    T.check(r.json()["views"] == [] and r.json()["total"] == 0, "none yet: %s" % r.text[:200])

    r = rec.get("/applications/%d/cv.pdf" % app_id)
    T.status(r, 200, "the recruiter downloads the CV (page)")
    T.check(r.body.startswith(b"%PDF"), "a PDF")
    rec.token = rec.bearer
    r = rec.get("/api/v1/applications/%d/cv.txt" % app_id)
    rec.token = None
    T.status(r, 200, "the recruiter reads the CV's text (API, bearer)")
    r = rec.get("/applications/%d" % app_id)
    T.status(r, 200, "the recruiter opens the application's page")
    got = records(url, app_id)
    T.check(len(got) == 3, "three records: %s" % got)
    T.check([g[1] for g in got] == ["cv_pdf", "cv_text", "application"], "their kinds, in order")
    T.check(all(g[0] == str(rec.user["id"]) and g[2] == "127.0.0.1" and g[3] == "0"
                for g in got), "who and from where: %s" % got)
    T.check(all(t0 - 1 <= int(g[4]) <= time.time() + 1 for g in got), "when: now")

    r = cand.get("/applications/%d/cv.pdf" % app_id)
    T.status(r, 200, "the candidate downloads their own CV")
    got = records(url, app_id)
    T.check(len(got) == 4 and got[3][0] == str(cand.user["id"]) and got[3][3] == "1",
            "recorded as the candidate's own view: %s" % got[-1:])

    r = views(cand, app_id)
    T.status(r, 200, "the candidate's views")
    j = r.json()
    T.check(j["total"] == 3 and len(j["views"]) == 3, "three views, not their own: %s" % r.text[:300])
    T.check({v["kind"] for v in j["views"]} == {"application", "cv_pdf", "cv_text"}, "what")
    T.check(all(v["viewer_name"] == "Claire Recruteuse" and v["viewer_id"] == rec.user["id"]
                for v in j["views"]), "the recruiter's display name")
    T.check(all(t0 - 1 <= v["viewed_at"] <= time.time() + 1 for v in j["views"]), "the dates")
    T.check("127.0.0.1" not in r.text and "address" not in r.text, "never the address")
    T.check([v["kind"] for v in j["views"]] == ["application", "cv_text", "cv_pdf"], "newest first")

    r = views(cand, app_id, "?limit=2")
    T.status(r, 200, "a page of two")
    j = r.json()
    T.check(len(j["views"]) == 2 and j["next"], "two, and a next cursor")
    nxt = j.get("next") or ""
    T.check('rel="next"' in (r.header("Link") or ""), "the Link header")
    r = views(cand, app_id, "?limit=2&cursor=" + nxt)
    T.status(r, 200, "the next page")
    T.check(len(r.json()["views"]) == 1 and r.json()["views"][0]["kind"] == "cv_pdf"
            and r.json()["prev"] and r.json()["next"] is None, "the last one: %s" % r.text[:300])
    T.status(views(cand, app_id, "?cursor=v1.n.x.00000000.1.1"), 400, "a forged cursor")
    T.status(views(cand, 999999), 404, "no such application")

    p = cand.get("/me/applications/%d/views" % app_id)
    T.status(p, 200, "the views page")
    T.check("Qui a consulté ma candidature" in p.text and "Claire Recruteuse" in p.text
            and "le CV (PDF)" in p.text and "le texte du CV" in p.text, "in French, who and what")
    T.check("127.0.0.1" not in p.text, "no address on the page")
    T.check('aria-labelledby="views-caption"' in p.text and 'data-label=' in p.text
            and 'scope="col"' in p.text, "a table with a name, headers, and labels for a phone")
    lst = cand.get("/me/applications")
    T.check('href="/me/applications/%d/views"' % app_id in lst.text,
            "the applications page links the views")
    en = cand.get("/me/applications/%d/views" % app_id, headers={"Accept-Language": "en"})
    T.check("Who viewed my application" in en.text and "the CV (PDF)" in en.text, "in English")

    r = rec.get("/offers/%d/dashboard.csv" % offer_id)
    T.status(r, 200, "the offer's CSV export")
    got = records(url, app_id)
    T.check(len(got) == 5 and got[4][1] == "csv" and got[4][0] == str(rec.user["id"]),
            "the export recorded for the application: %s" % got[-1:])
    j = views(cand, app_id).json()
    T.check(j["total"] == 4 and j["views"][0]["kind"] == "csv", "the candidate sees the export")


def refusals(srv, rec, cand2, app_id):
    r = views(cand2, app_id)
    T.status(r, 404, "another candidate: 404 on the API")
    T.check("Claire" not in r.text, "nothing of the views")
    T.status(cand2.get("/me/applications/%d/views" % app_id), 404, "and on the page")
    T.status(views(rec, app_id), 403, "the recruiter: 403 (a candidate's route)")
    T.status(rec.get("/me/applications/%d/views" % app_id), 403, "and the page")
    anon = srv.client()
    T.status(views(anon, app_id), 401, "anonymous: 401")


def fail_closed(srv, rec, app_id):
    """A record that cannot be written: the view is refused."""
    url = srv.db_url
    before = len(records(url, app_id))
    if url.startswith("sqlite:"):
        sql(url, "CREATE TRIGGER access_log_down BEFORE INSERT ON access_log"
                 " BEGIN SELECT RAISE(ABORT, 'access log down'); END")
    else:
        sql(url, "CREATE FUNCTION access_log_down() RETURNS trigger LANGUAGE plpgsql AS"
                 " $$BEGIN RAISE EXCEPTION 'access log down'; END$$")
        sql(url, "CREATE TRIGGER access_log_down BEFORE INSERT ON access_log"
                 " FOR EACH ROW EXECUTE FUNCTION access_log_down()")
    r = rec.get("/applications/%d/cv.pdf" % app_id)
    T.status(r, 503, "the log cannot be written: the CV is refused")
    T.check(not r.body.startswith(b"%PDF"), "and not sent")
    rec.token = rec.bearer
    r = rec.get("/api/v1/applications/%d" % app_id)
    rec.token = None
    T.status(r, 503, "the application's JSON too")
    T.check(r.json().get("code") == "unavailable", "problem code unavailable")
    sql(url, "DROP TRIGGER access_log_down" + ("" if url.startswith("sqlite:") else " ON access_log"))
    T.check(len(records(url, app_id)) == before, "nothing recorded meanwhile")
    T.status(rec.get("/applications/%d/cv.pdf" % app_id), 200, "back once the log works")


def admin_search(url, rec, cand, app_id, other_app):
    rc, out, err = admin_on(url, "access-log", "--user", rec.login, "--json")
    T.check(rc == 0, "access-log --user: exit 0 (%d: %s)" % (rc, err))
    j = json.loads(out or "{}")
    recs = j.get("records", [])
    T.check(j.get("ok") is True and j.get("truncated") is False, "ok, whole")
    mine = [x for x in recs if x["application_id"] == app_id]
    T.check({x["kind"] for x in mine} == {"application", "cv_pdf", "cv_text", "csv"},
            "the recruiter's records of the application: %s" % [x["kind"] for x in mine])
    T.check(all(x["login"] == rec.login and x["name"] == "Claire Recruteuse"
                and x["address"] == "127.0.0.1" and x["at"].endswith("Z") for x in recs),
            "login, name, address, ISO time")
    T.check(any(x["application_id"] == other_app for x in recs), "and the other application")

    rc, out, err = admin_on(url, "access-log", "--application", str(app_id), "--json")
    j = json.loads(out or "{}")
    T.check(rc == 0 and {x["application_id"] for x in j.get("records", [])} == {app_id},
            "--application: only that one")
    T.check(any(x["login"] == cand.login for x in j.get("records", [])),
            "the operator sees the candidate's own view too")
    rc, out, err = admin_on(url, "access-log", "--application", str(app_id), "--limit", "2", "--json")
    j = json.loads(out or "{}")
    T.check(rc == 0 and j.get("count") == 2 and j.get("truncated") is True, "--limit: truncated")

    rc, out, err = admin_on(url, "access-log", "--user", rec.login, "--application", str(app_id))
    lines = out.splitlines()
    T.check(rc == 0 and lines and lines[0].startswith("time\tapplication"), "TSV with a header")
    T.check(len(lines) > 1 and all(("\t%d\t" % app_id) in ln and rec.login in ln
                                   and ln.endswith("\t127.0.0.1") for ln in lines[1:]),
            "a line per record: %s" % lines[1:2])

    today = time.strftime("%Y-%m-%d", time.gmtime())
    rc, out, _ = admin_on(url, "access-log", "--since", today, "--json")
    T.check(rc == 0 and json.loads(out)["count"] >= 5, "--since today: found")
    rc, out, _ = admin_on(url, "access-log", "--until", today, "--json")
    T.check(rc == 0 and json.loads(out)["count"] == 0, "--until today (midnight): none")
    rc, out, _ = admin_on(url, "access-log", "--since", "2000-01-01T00:00:00Z",
                       "--until", "2000-01-02", "--json")
    T.check(rc == 0 and json.loads(out)["records"] == [], "a window in the past: none")

    for args, what in [(["--since", "yesterday"], "a bad --since"),
                       (["--since", "2026-02-30"], "31 February"),
                       (["--until", "+2026-01-01"], "a sign"),
                       (["--since", "2026-02-02", "--until", "2026-02-01"], "since after until"),
                       (["--application", "abc"], "a bad --application"),
                       (["--limit", "0"], "a zero --limit")]:
        rc, _, err = admin_on(url, "access-log", *args)
        T.check(rc == 2 and "access-log" in err, "%s: exit 2 (%d: %s)" % (what, rc, err.strip()))
    rc, _, err = admin_on(url, "access-log", "--user", "nobody-" + unique("x"))
    T.check(rc == 4, "an unknown --user: exit 4 (%d: %s)" % (rc, err.strip()))
    rc, out, _ = admin_on(url, "--help")
    T.check(rc == 0 and "access-log" in out and "--since" in out, "--help names it")


def retention(srv, app_id):
    """Two records made 400 days old, one 300: a server restarted with
    --access-log-days 350 purges the first two at once."""
    url = srv.db_url
    ids = [int(g[0]) for g in sql(url, "SELECT id FROM access_log WHERE application_id = %d"
                                       " ORDER BY id" % app_id)]
    T.check(len(ids) >= 5, "records to age")
    now = int(time.time())
    sql(url, "UPDATE access_log SET created_at = %d WHERE id IN (%d, %d)"
        % (now - 400 * DAY, ids[0], ids[1]))
    sql(url, "UPDATE access_log SET created_at = %d WHERE id = %d" % (now - 300 * DAY, ids[2]))
    srv.stop()
    srv2 = Server(db_url=url, extra=["--access-log-days", "350"], tmp=srv.tmp)
    deadline = time.time() + 20
    left = ids
    while time.time() < deadline:
        left = [int(g[0]) for g in sql(url, "SELECT id FROM access_log WHERE application_id = %d"
                                            % app_id)]
        if ids[0] not in left:
            break
        time.sleep(0.1)
    T.check(ids[0] not in left and ids[1] not in left, "past retention: deleted")
    T.check(ids[2] in left and set(ids[3:]) <= set(left), "within it: kept")
    log = srv2.stop()
    T.check("access log purged" in log and "records=2" in log, "the purge says how many")
    p = subprocess.run([os.environ["OFFERAPI_SERVER_BIN"], "--database", url,
                        "--access-log-days", "0"], capture_output=True, timeout=60)
    T.check(p.returncode == 2 and b"access-log-days" in p.stderr,
            "--access-log-days 0 is refused (exit %d)" % p.returncode)


def erased_viewer(url, rec, app_id):
    """A viewer erased: their records stay (the candidate's history of who
    saw the application) without their account or their address."""
    before = [r for r in records(url, app_id) if r[0] == str(rec.user["id"])]
    T.check(before and all(r[2] for r in before), "the recruiter's views carry an address")
    rc, out, err = admin_on(url, "erase", "--user", rec.login)
    T.check(rc == 0, "offerapi-admin erase of the recruiter: %d %s" % (rc, err))
    after = records(url, app_id)
    gone = ("", "None", str(rec.user["id"]))  # a former recruiter's emptied row, or none
    T.check(len(after) >= len(before), "the records stay after the viewer's erasure")
    T.check(all(r[2] for r in after if r[0] not in gone),
            "the other viewers' records keep their address")
    T.check(all(not r[2] for r in after if r[0] in gone),
            "the erased viewer's records keep no address: %r" % after)
    left = sql(url, "SELECT login, display_name FROM users WHERE id = %d" % rec.user["id"])
    T.check(not left or (left[0][0].startswith("#erased-") and not left[0][1]),
            "the erased viewer's account holds no login or name: %r" % left)


def main():
    db_url = backend_db_url(backend)
    srv = Server(db_url=db_url)
    url = srv.db_url
    rec = signup(srv, "recruiter", name="Claire Recruteuse")
    cand = signup(srv, "candidate")
    cand2 = signup(srv, "candidate")
    offer_id = create_offer(rec)
    r = apply_api(cand, offer_id)
    T.status(r, 201, "the candidate applies")
    app_id = r.json()["application"]["id"]
    r = apply_api(cand2, offer_id)
    T.status(r, 201, "another candidate applies")
    other_app = r.json()["application"]["id"]
    t0 = int(time.time())
    recording(srv, rec, cand, app_id, offer_id, t0)
    refusals(srv, rec, cand2, app_id)
    fail_closed(srv, rec, app_id)
    admin_search(url, rec, cand, app_id, other_app)
    retention(srv, app_id)
    erased_viewer(url, rec, app_id)
    srv.cleanup()
    T.done()


main()
