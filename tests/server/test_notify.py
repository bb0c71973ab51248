#!/usr/bin/env python3
"""test_notify.py - notifications people control (issue 13) over real HTTP,
with the messages read from a real SMTP server on loopback
(tests/mail/smtpd.py):

- the offer's `notify` (API and form): each (the default), daily, none; a
  bad value is 422 naming the field; only the offer's recruiter sees it,
  and another recruiter cannot change it (403);
- "each": one message per application, with RFC 8058 one-click
  List-Unsubscribe and List-Unsubscribe-Post headers; GET /unsubscribe
  shows a button and changes nothing, POST (no session, no CSRF token)
  turns that offer's messages off; bad and forged tokens are 4xx with a
  message;
- the candidate's setting (API and the /me/notifications page with its
  CSRF token), respected both ways by stage changes;
- "daily": the server's mail sender writes one digest listing the
  application, and not a second one the same day;
- a server killed (SIGKILL) after an application is stored and before its
  recruiter's message went out: after a restart the message is delivered,
  once.
Runs on SQLite, or PostgreSQL with the argument 'postgresql'. The digest's
day is checked with a moved clock in tests/store/test_stages.c."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, Smtpd, apply_api, create_offer, signup, unique  # noqa: E402

T = Checker("server-notify")
XRW = {"X-Requested-With": "test"}
SUFFIX = unique("n")
UNSUB = re.compile(r"<(https://jobs\.example\.org/unsubscribe\?t=([0-9a-f]{64}))>,\s*"
                   r"<https://jobs\.example\.org/me/notifications>")


def subject_is(text):
    return lambda m: (m["Subject"] or "") == text


def count(d, pred):
    return sum(1 for m in d.parsed() if pred(m))


def offer_api(srv, d, rec, rec2):
    """The offer's notify in the API: default, values, who sees and sets it."""
    r = rec.api("POST", "/api/v1/offers", {"title": "Bad", "description": "x", "notify": "weekly"},
                headers=XRW)
    T.status(r, 422, "notify: an unknown value")
    T.check(any(e.get("pointer") == "/notify" for e in r.json().get("errors", [])),
            "the error names /notify: %s" % r.text[:300])
    o1 = create_offer(rec, title="Offre un")
    r = rec.get("/api/v1/offers/%d" % o1)
    T.check(r.json()["offer"].get("notify") == "each", "each by default: %s" % r.text[:300])
    T.check("notify" not in rec2.get("/api/v1/offers/%d" % o1).json()["offer"],
            "another recruiter does not see the setting")
    T.check("notify" not in srv.client().get("/api/v1/offers/%d" % o1).json()["offer"],
            "nor does the public")
    r = rec.api("POST", "/api/v1/offers", {"title": "Offre quotidienne", "description": "C",
                                           "notify": "daily"}, headers=XRW)
    T.status(r, 201, "an offer with a daily digest")
    o2 = r.json()["offer"]["id"]
    T.check(r.json()["offer"].get("notify") == "daily", "daily stored")
    patch = {"Content-Type": "application/merge-patch+json", **XRW}
    r = rec2.request("PATCH", "/api/v1/offers/%d" % o1, body=b'{"notify": "none"}', headers=patch)
    T.status(r, 403, "another recruiter cannot change the setting")
    r = rec2.api("PUT", "/api/v1/offers/%d" % o1, {"title": "Offre un", "description": "x",
                                                   "notify": "none"}, headers=XRW)
    T.status(r, 403, "nor with PUT")
    T.check(rec.get("/api/v1/offers/%d" % o1).json()["offer"]["notify"] == "each", "unchanged")
    r = rec.request("PATCH", "/api/v1/offers/%d" % o2, body=b'{"notify": "none"}', headers=patch)
    T.check(r.status == 200 and r.json()["offer"]["notify"] == "none", "PATCH: none")
    r = rec.api("PUT", "/api/v1/offers/%d" % o2, {"title": "Offre quotidienne",
                                                  "description": "C"}, headers=XRW)
    T.check(r.status == 200 and r.json()["offer"]["notify"] == "none",
            "PUT without notify keeps it: %s" % r.text[:200])
    r = rec.request("PATCH", "/api/v1/offers/%d" % o2, body=b'{"notify": "daily"}', headers=patch)
    T.check(r.status == 200 and r.json()["offer"]["notify"] == "daily", "PATCH: daily again")
    return o1, o2


def each_and_unsubscribe(srv, d, rec, cand, cand2, o1):
    """One message per application; its one-click link."""
    T.status(apply_api(cand, o1), 201, "apply to an 'each' offer")
    m = d.find(subject_is("Nouvelle candidature : « Offre un »"))
    T.check(m is not None, "the recruiter's message, in their language")
    if m is None:
        return None
    T.check("rh.%s@example.org" % SUFFIX in m["To"], "to the recruiter")
    lu = " ".join((m["List-Unsubscribe"] or "").split())
    u = UNSUB.search(lu)
    T.check(u is not None, "one-click List-Unsubscribe then the settings page: %s" % lu)
    T.check(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", "List-Unsubscribe-Post")
    T.check("example.org" not in (u.group(2) if u else ""), "the token hides the address")
    T.check("Tux" in m.get_body(("plain",)).get_content(), "the candidate's name in the text")
    token = u.group(2) if u else "0" * 64
    T.check("Pour ne plus recevoir ces e-mails : https://jobs.example.org/unsubscribe?t=" + token
            in m.get_body(("plain",)).get_content(), "the text says how to stop them")
    T.check('href="https://jobs.example.org/unsubscribe?t=%s"' % token
            in m.get_body(("html",)).get_content(), "so does the HTML part")

    anon = srv.client()
    r = anon.get("/unsubscribe?t=" + token)
    T.status(r, 200, "GET shows the confirmation page")
    T.check('method="post"' in r.text and "Offre un" in r.text and "t=%s" % token in r.text,
            "a button that posts, naming the offer")
    r = anon.get("/unsubscribe?t=" + token)  # a scanner fetching twice
    T.check(rec.get("/api/v1/offers/%d" % o1).json()["offer"]["notify"] == "each",
            "a GET changes nothing")
    for bad, status, what in (("", 400, "no token"), ("zz", 400, "a malformed token"),
                              ("ab" * 32, 404, "a forged token")):
        r = anon.get("/unsubscribe?t=" + bad)
        T.status(r, status, "GET with %s" % what)
        r = anon.request("POST", "/unsubscribe?t=" + bad, body=b"List-Unsubscribe=One-Click",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        T.status(r, status, "POST with %s" % what)
        T.check("lien de désabonnement" in r.text, "a message says why: %s" % r.text[:200])
    # RFC 8058: the mail system posts, with no cookie and no CSRF token
    r = srv.client().request("POST", "/unsubscribe?t=" + token, body=b"List-Unsubscribe=One-Click",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    T.status(r, 200, "one-click POST")
    T.check(rec.get("/api/v1/offers/%d" % o1).json()["offer"]["notify"] == "none",
            "the POST turned that offer's messages off")
    T.status(apply_api(cand2, o1), 201, "another application to the offer turned off")
    return token


def candidate_setting(srv, d, rec, cand, o1):
    """The stage e-mails: API and page, both ways."""
    r = cand.get("/api/v1/me/notifications")
    T.check(r.status == 200 and r.json() == {"notifications": {"stage_emails": True}},
            "on by default: %s" % r.text[:200])
    r = cand.api("PUT", "/api/v1/me/notifications", {"stage_emails": "no"}, headers=XRW)
    T.status(r, 422, "a setting that is not a boolean")
    T.check(any(e.get("pointer") == "/stage_emails" for e in r.json().get("errors", [])),
            "the error names /stage_emails")
    T.status(srv.client().get("/api/v1/me/notifications"), 401, "nobody logged in")
    r = cand.api("PUT", "/api/v1/me/notifications", {"stage_emails": False}, headers=XRW)
    T.check(r.status == 200 and r.json()["notifications"]["stage_emails"] is False, "turned off")
    app = cand.get("/api/v1/me/applications").json()["applications"][0]["id"]
    path = "/api/v1/applications/%d/stage" % app
    T.status(rec.api("POST", path, {"stage": "interview"}, headers=XRW), 200, "to interview")

    page = cand.get("/me/notifications")
    T.status(page, 200, "the settings page")
    T.check(re.search(r'name="stage_emails" value="1"\s*>', page.text) is not None,
            "unchecked now")
    r = cand.post_form("/me/notifications", {"set": "1", "stage_emails": "1", "csrf": "0" * 64})
    T.status(r, 403, "a form without its CSRF token")
    r = cand.post_form("/me/notifications", {"set": "1", "stage_emails": "1"},
                       csrf_from="/me/notifications")
    T.check(r.status == 303 and r.header("Location") == "/me/notifications?saved=1",
            "saved through the page")
    T.check(cand.get("/api/v1/me/notifications").json()["notifications"]["stage_emails"] is True,
            "on again")
    T.status(rec.api("POST", path, {"stage": "offer"}, headers=XRW), 200, "to offer")
    m = d.find(subject_is('Your application for "Offre un": an offer'))
    T.check(m is not None, "the candidate hears of the offer (setting on)")
    T.check(count(d, lambda m: "interview" in (m["Subject"] or "")) == 0,
            "nor of the interview (setting off then)")
    u = UNSUB.search(" ".join((m["List-Unsubscribe"] if m else "").split()))
    T.check(u is not None, "the stage message has its one-click link")
    T.check(m is not None and "To stop these e-mails: https://jobs.example.org/unsubscribe?t="
            in m.get_body(("plain",)).get_content(), "in English for the candidate")
    if u:
        r = srv.client().request("POST", "/unsubscribe?t=" + u.group(2), body=b"",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        T.status(r, 200, "one-click from a stage message")
        T.check(cand.get("/api/v1/me/notifications").json()["notifications"]["stage_emails"]
                is False, "it turned the stage e-mails off")
    r = rec.get("/me/notifications")
    T.check(r.status == 200 and "stage_emails" not in r.text and "<form method" not in
            r.text.split("</nav>")[-1] and "formulaire" in r.text,
            "a recruiter's page points at the offers' forms")


def digest(srv, d, cand, cand2, o2):
    T.status(apply_api(cand, o2, answers=()), 201, "apply to a daily offer")
    m = d.find(subject_is("Vos nouvelles candidatures du jour"), timeout=30)
    T.check(m is not None, "the daily digest, written by the server's mail sender")
    if m is None:
        return
    text = m.get_body(("plain",)).get_content()
    app = cand.get("/api/v1/me/applications").json()["applications"][0]
    T.check(app["offer_id"] == o2 and "/applications/%d" % app["id"] in text
            and "Offre quotidienne" in text, "it lists the application: %s" % text[:400])
    T.check(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", "one-click too")
    T.status(apply_api(cand2, o2, answers=()), 201, "another application the same day")
    time.sleep(7)  # more than the sender's look for digests (5 s)
    T.check(count(d, subject_is("Vos nouvelles candidatures du jour")) == 1,
            "no second digest the same day")


def offer_form(srv, rec):
    page = rec.get("/offers/new")
    T.check(re.search(r'name="notify"\s+value="each" checked', page.text) is not None
            and 'value="daily"' in page.text and 'value="none"' in page.text,
            "the form offers each (checked), daily and none")
    r = rec.post_form("/offers", {"title": "Offre du formulaire", "description": "C",
                                  "location": "", "skills": "", "questions": "",
                                  "notify": "daily"}, csrf_from="/offers/new")
    T.status(r, 303, "published with a daily digest")
    oid = int(r.header("Location").rsplit("/", 1)[1])
    T.check(rec.get("/api/v1/offers/%d" % oid).json()["offer"]["notify"] == "daily", "stored")
    edit = "/offers/%d/edit" % oid
    T.check(re.search(r'value="daily" checked', rec.get(edit).text) is not None,
            "the edit form shows it")
    r = rec.post_form(edit, {"title": "Offre du formulaire", "description": "C", "notify": "weekly"},
                      csrf_from=edit)
    T.status(r, 422, "a bad value")
    T.check('id="e-notify"' in r.text, "the error beside the field")
    r = rec.post_form(edit, {"title": "Offre du formulaire", "description": "C", "notify": "none"},
                      csrf_from=edit)
    T.status(r, 303, "changed to none")
    T.check(rec.get("/api/v1/offers/%d" % oid).json()["offer"]["notify"] == "none", "none stored")


def killed(d, db_url, tmp, relay):
    """SIGKILL between the application and its recruiter's message."""
    s = Server(db_url=db_url, extra=relay + ["--mail-senders", "0"], tmp=tmp)
    rec = signup(s, "recruiter", email="rh.kill.%s@example.org" % SUFFIX)
    cand = signup(s, "candidate", name="Tux Kill")
    o = create_offer(rec, title="Offre tuée")
    T.status(apply_api(cand, o), 201, "apply on a server that sends nothing")
    time.sleep(0.3)
    want = subject_is("Nouvelle candidature : « Offre tuée »")
    T.check(count(d, want) == 0, "no message yet")
    s.proc.kill()
    s.proc.wait()
    s.log.close()
    s = Server(db_url=db_url, extra=relay, tmp=tmp)
    T.check(d.find(want) is not None, "after the restart, the message went out")
    time.sleep(1.5)
    T.check(count(d, want) == 1, "once")
    s.stop()


def main():
    d = Smtpd()
    db_url = os.environ.get("OFFERAPI_TEST_PG_URL") if sys.argv[1:] == ["postgresql"] else None
    relay = d.relay_args()
    srv = Server(db_url=db_url, extra=relay)
    rec = signup(srv, "recruiter", email="rh.%s@example.org" % SUFFIX)
    rec2 = signup(srv, "recruiter")
    cand = signup(srv, "candidate", name="Tux Pingouin", email="tux.%s@example.org" % SUFFIX,
                  lang="en")
    cand2 = signup(srv, "candidate", name="Tux Manchot")
    d.wait(2)  # the verification messages
    o1, o2 = offer_api(srv, d, rec, rec2)
    each_and_unsubscribe(srv, d, rec, cand, cand2, o1)
    candidate_setting(srv, d, rec, cand, o1)
    digest(srv, d, cand, cand2, o2)
    offer_form(srv, rec)
    T.check(count(d, lambda m: "Offre un" in (m["Subject"] or "")
                  and "Nouvelle" in (m["Subject"] or "")) == 1,
            "nothing for the application after the offer was turned off")
    srv.stop()
    killed(d, db_url, srv.tmp, relay)
    srv.cleanup()
    d.stop()
    T.done()


main()
