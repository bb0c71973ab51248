#!/usr/bin/env python3
"""test_stages.py - application stages, history, notes and withdrawal over
real HTTP (issue 13), API and pages, with the messages they send through a
real SMTP server on loopback (tests/mail/smtpd.py).

- the recruiter moves an application (POST /api/v1/applications/{id}/stage)
  along the allowed stages; a refused move is 409 `conflict` naming the
  stages; a bad field is 422 with its pointer; an Idempotency-Key replays;
  two moves from the same stage at once: one 200, one 409;
- nobody else moves it: the candidate, another recruiter (403), nobody
  logged in (401); only the candidate withdraws (others 403);
- notes: the recruiter writes and reads them by page; the candidate and
  other recruiters get 403 and never see them in the detail;
- a rejection's reason reaches the candidate only when shown;
- the candidate's interview message arrives in their language; the
  recruiter's withdrawal message in theirs;
- the pages: the application's page for the recruiter (answers, scores,
  history, notes, forms with CSRF tokens), its forms, the dashboard's stage
  column and ?stage= filter, "Mes candidatures" with the stage and a
  withdraw button; refusals for everybody else.
Runs on SQLite, or PostgreSQL with the argument 'postgresql'."""
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (Checker, Server, Smtpd, apply_api, create_offer, unique,  # noqa: E402
                       wait_scored)

T = Checker("server-stages")
XRW = {"X-Requested-With": "test"}


def account(srv, role, lang="fr", email=None):
    c = srv.client(lang)
    login = unique(role[:3])
    body = {"login": login, "display_name": login.title(), "password": "staple-battery-horse-42",
            "role": role}
    if email:
        body["email"] = email
    r = c.api("POST", "/api/v1/users", body)
    T.status(r, 201, "sign-up of a %s" % role)
    c.user = r.json()["user"]
    c.token = r.json()["token"]
    c.login = login
    return c


def stage(c, app_id, body, headers=None):
    return c.api("POST", "/api/v1/applications/%d/stage" % app_id, body, headers=headers)


def api_checks(srv, d, rec, rec2, cand, cand2, offer):
    r = apply_api(cand, offer, answers=("Parce que le C me plaît.",))
    T.status(r, 201, "apply")
    app = r.json()["application"]["id"]
    T.check(r.json()["application"]["stage"] == "received", "a new application is received")

    r = rec.get("/api/v1/applications/%d" % app)
    T.status(r, 200, "the recruiter reads the detail")
    a = r.json()["application"]
    T.check(a["history"] == [] and a["notes"] == [] and a["notes_next"] is None,
            "no history, no notes yet")
    T.check(a["candidate_email"] == "alice.%s@example.org" % SUFFIX, "the candidate's address")

    # refusals before any change
    T.status(stage(cand, app, {"stage": "reviewed"}), 403, "the candidate moves no stage")
    T.status(stage(rec2, app, {"stage": "reviewed"}), 403, "another recruiter moves no stage")
    anon = srv.client()
    T.status(stage(anon, app, {"stage": "reviewed"}), 401, "nobody logged in")
    T.status(stage(rec, app + 1000, {"stage": "reviewed"}), 404, "no such application")
    r = stage(rec, app, {"stage": "shortlisted"})
    T.status(r, 422, "an unknown stage")
    T.check(any(e.get("pointer") == "/stage" for e in r.json().get("errors", [])),
            "its error points at /stage: %s" % r.text)
    r = stage(rec, app, {"stage": 3})
    T.status(r, 422, "a stage that is not a string")
    EN = {"Accept-Language": "en"}
    r = stage(rec, app, {"stage": "rejected"}, headers=EN)
    T.status(r, 422, "a rejection without a reason")
    T.check("reason" in r.json()["detail"], "the detail names reason: %s" % r.json()["detail"])
    r = stage(rec, app, {"stage": "hired"}, headers=EN)
    T.status(r, 409, "received -> hired skips the offer")
    T.check(r.json()["code"] == "conflict" and "received" in r.json()["detail"]
            and "hired" in r.json()["detail"], "409 conflict naming both stages: %s" % r.text)
    T.status(stage(rec, app, {"stage": "withdrawn"}), 403, "the recruiter does not withdraw")
    r = stage(rec, app, {"stage": "reviewed", "show_reason": True}, headers=EN)
    T.status(r, 422, "show_reason without a rejection")
    T.check(any(e.get("pointer") == "/reason" for e in r.json().get("errors", [])),
            "its error points at /reason: %s" % r.text)
    T.status(stage(rec, app, {"stage": "interview", "show_reason": "yes"}), 422,
             "show_reason not a boolean")

    # the move, replayed with its Idempotency-Key
    key = {"Idempotency-Key": unique("k")}
    r = stage(rec, app, {"stage": "interview"}, headers=key)
    T.status(r, 200, "received -> interview")
    a = r.json()["application"]
    T.check(a["stage"] == "interview" and len(a["history"]) == 1
            and a["history"][0]["from"] == "received" and a["history"][0]["to"] == "interview"
            and a["history"][0]["actor_id"] == rec.user["id"], "history: %s" % a["history"])
    # the answer is kept for its key, in clear: no CV text in it (the CV is
    # kept sealed; only the GET of the application gives its text)
    T.check("cv_text" not in a and "cv_text_url" in a, "no CV text in a POST's answer")
    r2 = stage(rec, app, {"stage": "interview"}, headers=key)
    T.status(r2, 200, "the same key replays")
    T.check(r2.header("Idempotent-Replayed") == "true", "marked as replayed")
    r = stage(rec, app, {"stage": "interview"})
    T.status(r, 409, "interview -> interview")
    # (the recruiter's "new application" message may come first)
    m = d.find(lambda m: "interview" in (m["Subject"] or "")) or d.wait(3)
    T.check(m["To"] and "alice.%s@example.org" % SUFFIX in m["To"], "to the candidate: %s"
            % m["To"])
    T.check(m["Subject"] == 'Your application for "Développeur C": interview',
            "the interview message in the candidate's language: %s" % m["Subject"])
    T.check(m["Content-Language"] == "en", "Content-Language en")
    body = m.get_body(("plain",)).get_content()
    T.check("https://jobs.example.org/me/applications" in body and "Développeur C" in body,
            "the message links to the candidate's applications: %s" % body)

    # the same move from interview twice at once: one wins, the other is a
    # conflict
    results = []

    def move(body):
        c = srv.client("en")
        c.token = rec.token
        results.append(stage(c, app, body).status)

    ts = [threading.Thread(target=move, args=({"stage": "offer", "from": "interview"},)),
          threading.Thread(target=move, args=({"stage": "offer", "from": "interview"},))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    T.check(sorted(results) == [200, 409], "two moves at once: one 200, one 409: %s" % results)
    a = rec.get("/api/v1/applications/%d" % app).json()["application"]
    T.check(len(a["history"]) == 2 and a["history"][1]["from"] == "interview",
            "one more change in the history")
    T.check(stage(rec, app, {"stage": "offer", "from": "received"}).status == 409,
            "a stale from is 409")

    # notes
    r = rec.api("POST", "/api/v1/applications/%d/notes" % app, {"text": "Bon entretien.\nÀ revoir."})
    T.status(r, 201, "the recruiter adds a note")
    T.check(r.json()["note"]["text"] == "Bon entretien.\nÀ revoir.", "the note as written")
    T.check(r.header("Location") == "/api/v1/applications/%d/notes" % app, "Location")
    T.status(rec.api("POST", "/api/v1/applications/%d/notes" % app, {"text": "Second."}), 201,
             "a second note")
    T.status(rec.api("POST", "/api/v1/applications/%d/notes" % app, {"text": ""}), 422,
             "an empty note")
    T.status(rec.api("POST", "/api/v1/applications/%d/notes" % app, {"text": "x" * 4001}), 422,
             "a note over 4000 bytes")
    r = rec.get("/api/v1/applications/%d/notes?limit=1" % app)
    T.status(r, 200, "the notes, a page of one")
    j = r.json()
    T.check(j["total"] == 2 and len(j["notes"]) == 1 and j["notes"][0]["text"] == "Second."
            and j["next"], "newest first, a next page: %s" % j)
    r = rec.get("/api/v1/applications/%d/notes?limit=1&cursor=%s" % (app, j["next"]))
    T.check(r.status == 200 and r.json()["notes"][0]["text"].startswith("Bon entretien"),
            "the next page")
    T.status(rec.get("/api/v1/applications/%d/notes?cursor=zzz" % app), 400, "a bad cursor")
    T.status(cand.get("/api/v1/applications/%d/notes" % app), 403, "the candidate reads no notes")
    T.status(cand.api("POST", "/api/v1/applications/%d/notes" % app, {"text": "hi"}), 403,
             "the candidate writes no notes")
    T.status(rec2.get("/api/v1/applications/%d/notes" % app), 403, "nor another recruiter")
    T.status(rec2.api("POST", "/api/v1/applications/%d/notes" % app, {"text": "hi"}), 403,
             "nor writes one")
    r = cand.get("/api/v1/applications/%d" % app)
    T.status(r, 200, "the candidate reads their application")
    a = r.json()["application"]
    T.check("notes" not in a and "scores" not in a and len(a["history"]) == 2,
            "without notes or scores, with the history")
    T.status(rec2.get("/api/v1/applications/%d" % app), 403, "another recruiter reads nothing")
    T.status(cand2.get("/api/v1/applications/%d" % app), 403, "another candidate reads nothing")
    return app


def reject_and_withdraw(srv, d, rec, cand, cand2, offer, app):
    # a rejection: the reason reaches the candidate only when shown
    r = apply_api(cand2, offer)
    app2 = r.json()["application"]["id"]
    r = stage(rec, app2, {"stage": "rejected", "reason": "experience",
                          "reason_text": "Cinq ans de C demandés", "show_reason": False})
    T.status(r, 200, "a rejection with a hidden reason")
    T.check(r.json()["application"]["rejection"]["reason"] == "experience",
            "the recruiter sees the reason")
    a = cand2.get("/api/v1/applications/%d" % app2).json()["application"]
    T.check(a["stage"] == "rejected" and "rejection" not in a
            and "rejection" not in a["history"][0], "the candidate does not: %s" % a)
    mine = cand2.get("/api/v1/me/applications").json()["applications"]
    T.check(mine[0]["status"] == "rejected" and "rejection" not in mine[0],
            "the candidate's list says rejected, no reason")
    T.status(stage(rec, app2, {"stage": "offer"}), 409, "rejected is final")

    # withdrawal: the candidate's only
    path = "/api/v1/me/applications/%d/withdraw" % app
    T.status(cand2.api("POST", path), 403, "another candidate withdraws nothing")
    T.status(rec.api("POST", path), 403, "the recruiter does not withdraw")
    T.status(srv.client().api("POST", path, headers=XRW), 401, "nobody logged in")
    r = cand.api("POST", path)
    T.status(r, 200, "the candidate withdraws")
    T.check(r.json()["application"]["stage"] == "withdrawn", "withdrawn")
    T.status(cand.api("POST", path), 409, "twice is a conflict")
    # (the rejection reached nobody: no address)
    m = d.find(lambda m: (m["Subject"] or "").startswith("Candidature retirée")) or d.wait(1)
    T.check("rh.%s@example.org" % SUFFIX in (m["To"] or ""), "to the recruiter: %s" % m["To"])
    T.check(m["Subject"] == "Candidature retirée : « Développeur C »",
            "the withdrawal message in the recruiter's language: %s" % m["Subject"])
    body = m.get_body(("plain",)).get_content()
    T.check("https://jobs.example.org/applications/%d" % app in body,
            "it links to the application's page: %s" % body)
    return app2


def patch_checks(srv, rec, rec2, cand2):
    """PATCH (JSON Merge Patch) and DELETE on /api/v1/applications/{id},
    with If-Match: a stale ETag is 412 and changes nothing."""
    offer = create_offer(rec)
    r = apply_api(cand2, offer)
    T.status(r, 201, "apply to a second offer")
    app = r.json()["application"]["id"]
    path = "/api/v1/applications/%d" % app
    mp = {"Content-Type": "application/merge-patch+json", **XRW}
    # the recruiter's ETag covers the scores: read it once they are in
    T.check(wait_scored(rec, app), "application %d scored by both scorers" % app)
    r = rec.get(path)
    etag = r.header("ETag")
    T.check(etag, "the application has an ETag")
    r = rec.api("PATCH", path, {"stage": "reviewed"}, headers=mp)
    T.status(r, 200, "PATCH moves the application")
    T.check(r.json()["application"]["stage"] == "reviewed", "reviewed by PATCH")
    T.check("cv_text" not in r.json()["application"], "no CV text in a PATCH's answer")
    r = rec.api("PATCH", path, {"stage": "interview"}, headers={**mp, "If-Match": etag})
    T.status(r, 412, "a stale If-Match on PATCH")
    T.check(rec.get(path).json()["application"]["stage"] == "reviewed", "412 changed nothing")
    etag = rec.get(path).header("ETag")
    r = rec.api("PATCH", path, {"stage": "interview", "title": "x"}, headers=mp)
    T.status(r, 422, "a member a PATCH of an application does not change")
    T.check(any(e.get("pointer") == "/title" for e in r.json().get("errors", [])),
            "its error points at /title: %s" % r.text)
    T.status(rec.api("PATCH", path, {"stage": "interview"}, headers=XRW), 415, "PATCH needs merge-patch+json")
    T.status(rec2.api("PATCH", path, {"stage": "interview"}, headers=mp), 403,
             "another recruiter's PATCH")
    r = rec.api("PATCH", path, {"stage": "interview"}, headers={**mp, "If-Match": etag})
    T.status(r, 200, "PATCH with the current ETag")
    T.check(r.json()["application"]["stage"] == "interview", "interview by PATCH")
    # DELETE: the candidate withdraws
    T.status(rec.api("DELETE", path, headers=XRW), 403, "the recruiter does not withdraw by DELETE")
    T.status(cand2.api("DELETE", path, headers={"If-Match": etag, **XRW}), 412,
             "a stale If-Match on DELETE")
    r = cand2.api("DELETE", path, headers={"If-Match": cand2.get(path).header("ETag"), **XRW})
    T.status(r, 200, "DELETE withdraws")
    T.check(r.json()["application"]["stage"] == "withdrawn", "withdrawn by DELETE")
    T.status(cand2.api("DELETE", path, headers=XRW), 409, "a second DELETE is a conflict")


def csrf_of(page):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    return m.group(1) if m else ""


def page_checks(srv, rec, rec2, cand, cand2, offer, app, app2):
    # the pages read the session cookie the sign-up set
    for c in (rec, rec2, cand, cand2):
        c.token = None
    path = "/applications/%d" % app2
    r = rec.get(path)
    T.status(r, 200, "the application's page for the recruiter")
    html = r.text
    for what, needle in (("the CV link", "/applications/%d/cv.pdf" % app2),
                         ("the text link", "/applications/%d/cv.txt" % app2),
                         ("the stage", "rejected"), ("a notes form", 'action="%s/notes"' % path),
                         ("a label for the note", '<label for="note-text"'),
                         ("the history", "history")):
        T.check(needle in html, "%s on the page" % what)
    T.status(rec2.get(path), 403, "another recruiter gets 403")
    T.status(cand2.get(path), 403, "the candidate gets 403 (their page is Mes candidatures)")
    r = srv.client().get(path)
    T.check(r.status in (302, 303, 401), "nobody logged in: to the log-in page (%d)" % r.status)

    # a note and a stage change through the forms
    r = rec.get("/applications/%d" % app)
    tok = csrf_of(r)
    T.check(bool(tok), "the page carries a CSRF token")
    T.check('action="/applications/%d/stage"' % app not in r.text,
            "a withdrawn application offers no stage action")
    r = rec.post_form(path + "/notes", {"csrf": tok, "text": "Note depuis la page"})
    T.status(r, 303, "a note through the form")
    T.check("Note depuis la page" in rec.get(path).text, "the note is on the page")
    T.status(rec.post_form(path + "/notes", {"csrf": "0" * 64, "text": "x"}), 403,
             "a form without the right CSRF token")
    # more notes than a page: the page links to the older ones
    for i in range(50):
        rec.api("POST", "/api/v1/applications/%d/notes" % app2, {"text": "n%02d" % i},
                headers=XRW)
    page = rec.get(path).text
    T.check("n49" in page and "Note depuis la page" not in page, "the newest 50 notes")
    m = re.search(r'href="(/applications/%d\?notes=[A-Za-z0-9.-]+)#notes"' % app2, page)
    T.check(bool(m), "a link to the older notes")
    older = rec.get(m.group(1) if m else path).text
    T.check("Note depuis la page" in older and "n49" not in older, "the older notes: %s"
            % (m.group(1) if m else None))
    T.status(rec.get(path + "?notes=zz"), 422, "a bad notes cursor")
    T.status(cand2.post_form(path + "/notes", {"text": "x"}, csrf_from="/me/applications"), 403,
             "the candidate posts no note")

    r = apply_api(cand, create_offer(rec, title="Second poste"))
    app3 = r.json()["application"]["id"]
    page3 = "/applications/%d" % app3
    r = rec.get(page3)
    T.check('action="%s/stage"' % page3 in r.text and "<fieldset" in r.text,
            "an open application offers its stage actions in fieldsets")
    T.check("Proposer un entretien" in r.text and '<label for="reject-reason">Motif' in r.text,
            "in French")
    en = rec.get(page3, headers={"Accept-Language": "en"}).text
    T.check("Invite to an interview" in en and "<h2>History</h2>" in en and
            '<label for="reject-reason">Reason' in en, "in English")
    r = rec.post_form(page3 + "/stage", {"csrf": csrf_of(r), "stage": "reviewed",
                                         "from": "received"})
    T.status(r, 303, "reviewed through the form")
    r = rec.post_form(page3 + "/stage", {"stage": "received"}, csrf_from=page3)
    T.status(r, 409, "a refused move through the form")
    T.check("Étape actuelle : Examinée" in r.text, "the page names the current stage")
    T.status(cand.post_form(page3 + "/stage", {"stage": "offer"}, csrf_from="/me/applications"),
             403, "the candidate uses no stage form")

    # the dashboard: stages, logins, links; ?stage=
    r = rec.get("/offers/%d/dashboard" % offer)
    T.status(r, 200, "the dashboard")
    T.check('href="/applications/%d"' % app2 in r.text, "links to the application's page")
    T.check(cand2.login in r.text, "shows the candidate's login")
    r = rec.get("/offers/%d/dashboard?stage=rejected" % offer)
    T.status(r, 200, "the dashboard filtered by stage")
    T.check('href="/applications/%d"' % app2 in r.text
            and 'href="/applications/%d"' % app not in r.text, "only the rejected one")
    T.status(rec.get("/offers/%d/dashboard?stage=nope" % offer), 422, "an unknown stage")
    r = rec.get("/offers/%d/dashboard?stage=nope" % offer, headers={"Accept-Language": "en"})
    T.status(r, 422, "an unknown stage, in English")
    T.check("stage: unknown stage (received, reviewed, interview, offer, hired, rejected or "
            "withdrawn)" in r.text, "the stages listed, the library's: %s" % r.text[:400])

    # Mes candidatures: the stage and a withdraw button
    r = cand.get("/me/applications")
    T.status(r, 200, "Mes candidatures")
    T.check('action="/me/applications/%d/withdraw"' % app3 in r.text,
            "a withdraw button on an open application")
    T.check('action="/me/applications/%d/withdraw"' % app not in r.text,
            "none on a withdrawn one")
    r = cand.post_form("/me/applications/%d/withdraw" % app3, {}, csrf_from="/me/applications")
    T.status(r, 303, "withdrawn through the button")
    T.status(cand2.post_form("/me/applications/%d/withdraw" % app3, {},
                             csrf_from="/me/applications"), 403,
             "another candidate's button does nothing")
    T.check("withdrawn" in rec.get(page3).text.lower() or "retirée" in rec.get(page3).text,
            "the recruiter sees it withdrawn")


def close_checks(srv, d, rec, rec2, cand, cand2):
    """Closing an offer asks first, then keeps or rejects the open
    applications (each candidate told), page and API."""
    n = len(d.messages())
    o = create_offer(rec, title="Offre à fermer")
    for c in (cand, cand2):
        T.status(apply_api(c, o), 201, "apply to the offer to close")
    page = rec.get("/offers/%d" % o)
    T.check('href="/offers/%d/close"' % o in page.text, "the offer page asks before closing")
    r = rec.get("/offers/%d/close" % o)
    T.status(r, 200, "the confirmation page")
    T.check('value="keep" checked' in r.text and 'value="reject"' in r.text
            and 'name="reason"' in r.text, "keep (the default) or reject with a reason")
    T.status(rec2.get("/offers/%d/close" % o), 403, "another recruiter: 403")
    T.status(cand.get("/offers/%d/close" % o), 403, "a candidate: 403")
    r = rec.post_form("/offers/%d/close" % o, {"applications": "reject", "reason": "position_filled",
                                               "reason_text": "", "show_reason": "1"},
                      csrf_from="/offers/%d/close" % o)
    T.check(r.status == 303 and r.header("Location") == "/offers/%d?rejected=2" % o,
            "closed, rejecting the open applications: back to the offer (%s)" % r.header("Location"))
    T.check("Candidatures refusées : 2" in rec.get(r.header("Location") or "/").text,
            "the offer's page says what was done")
    mine = cand.get("/api/v1/me/applications").json()["applications"]
    a = [x for x in mine if x["offer_id"] == o]
    T.check(a and a[0]["stage"] == "rejected", "the candidate's application is rejected: %s" % a)
    # (messages of earlier steps may still be on their way, in any number:
    # look for this one among all that came after n, for 20 s at most)
    told = None
    deadline = time.time() + 20
    seen = n
    while told is None and time.time() < deadline:
        for k in range(seen + 1, len(d.messages()) + 1):
            m = d.wait(k)
            seen = k
            body = m.get_body(("plain",)).get_content()
            if "alice.%s@example.org" % SUFFIX in m["To"] and "Offre à fermer" in body:
                told = body
                break
        time.sleep(0.05)
    T.check(told is not None and "position has been filled" in told,
            "the candidate is told, with the reason shown: %s" % (told or "")[:300])
    T.check(rec.get("/api/v1/offers/%d" % o).json()["offer"]["is_open"] is False, "the offer is closed")
    # the API: keep (no body), then reject with a body
    o2 = create_offer(rec, title="Offre gardée")
    T.status(apply_api(cand2, o2), 201, "apply to the offer kept")
    r = rec.api("POST", "/api/v1/offers/%d/close" % o2, None, headers=XRW)
    T.check(r.status == 200 and "rejected" not in r.json(), "API: close, keeping")
    a = rec.get("/api/v1/offers/%d/applications" % o2).json()["applications"]
    T.check(a[0]["stage"] == "received", "kept at its stage")
    o3 = create_offer(rec, title="Offre refusée")
    T.status(apply_api(cand2, o3), 201, "apply to the third offer")
    r = rec.api("POST", "/api/v1/offers/%d/close" % o3, {"applications": "maybe"}, headers=XRW)
    T.check(r.status == 422 and "/applications" in r.text, "API: a bad choice, named (%d)" % r.status)
    r = rec.api("POST", "/api/v1/offers/%d/close" % o3, {"applications": "reject"}, headers=XRW)
    T.check(r.status == 422 and "reason" in r.text, "API: a rejection needs a reason (%d)" % r.status)
    r = rec.api("POST", "/api/v1/offers/%d/close" % o3,
                {"applications": "reject", "reason": "other", "reason_text": "Budget gelé."}, headers=XRW)
    T.check(r.status == 200 and r.json()["rejected"] == 1 and r.json()["offer"]["is_open"] is False,
            "API: closed, one rejected: %s" % r.text[:200])
    T.status(rec2.api("POST", "/api/v1/offers/%d/close" % o3, {"applications": "reject", "reason": "other"},
                      headers=XRW), 403, "API: another recruiter")


SUFFIX = unique("s")


def main():
    d = Smtpd()
    db_url = os.environ.get("OFFERAPI_TEST_PG_URL") if sys.argv[1:] == ["postgresql"] else None
    relay = d.relay_args()
    srv = Server(db_url=db_url, extra=relay)
    rec = account(srv, "recruiter", "fr", "rh.%s@example.org" % SUFFIX)
    rec2 = account(srv, "recruiter", "en")
    cand = account(srv, "candidate", "en", "alice.%s@example.org" % SUFFIX)
    cand2 = account(srv, "candidate", "en")
    d.wait(2)  # the two verification messages
    offer = create_offer(rec)
    app = api_checks(srv, d, rec, rec2, cand, cand2, offer)
    app2 = reject_and_withdraw(srv, d, rec, cand, cand2, offer, app)
    page_checks(srv, rec, rec2, cand, cand2, offer, app, app2)
    patch_checks(srv, rec, rec2, cand2)
    close_checks(srv, d, rec, rec2, cand, cand2)
    srv.stop()
    srv.cleanup()
    d.stop()
    T.done()


main()
