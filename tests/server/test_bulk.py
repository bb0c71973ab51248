#!/usr/bin/env python3
"""test_bulk.py - the dashboard's bulk actions over real HTTP (issue 13):
move or reject several applications of an offer at once, all or nothing.

- the API (POST /api/v1/offers/{id}/applications/stage): 401, 403 for a
  candidate, another recruiter and a token without applications:write,
  404 for no such offer; 422 with a pointer per bad field (no ids, an
  empty list, a bad item, 501 ids, an id twice, no stage, a rejection
  without a reason, an application of another offer); 409 naming the
  application a rule refuses; after each refusal nothing moved (stages
  and histories unchanged); then 200 with the count and the ids, a
  history row per application, the candidate's message (real SMTP on
  loopback) and the candidate's own view at the new stage; an
  Idempotency-Key replays;
- the page: a box per row with a label naming the candidate, tied to
  the form below the table (form="bulk", CSRF token); moving and rejecting
  through it redirect to the dashboard saying how many moved ("2
  candidatures déplacées", "1 application moved"); refusals show the
  dashboard again (422, 409) with the error tied to its field
  (aria-describedby) and the selection kept; a form of 501 boxes is read
  (and refused by the bound), one of more fields than the parser takes is
  400; no CSRF token is 403; a candidate gets 403.
Runs on SQLite, or PostgreSQL with the argument 'postgresql'."""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (Checker, Server, Smtpd, apply_api, create_offer, personal,  # noqa: E402
                       unique)

T = Checker("server-bulk")
XRW = {"X-Requested-With": "test"}
SUFFIX = unique("b")


def account(srv, role, lang="fr", email=None, name=None):
    c = srv.client(lang)
    login = unique(role[:3])
    body = {"login": login, "display_name": name or login.title(),
            "password": "staple-battery-horse-42", "role": role}
    if email:
        body["email"] = email
    r = c.api("POST", "/api/v1/users", body)
    T.status(r, 201, "sign-up of a %s" % role)
    c.user = r.json()["user"]
    c.bearer = r.json()["token"]
    c.login = login
    c.name = body["display_name"]
    return c


def bulk(c, offer, body, headers=None):
    h = dict(XRW)
    h.update(headers or {})
    return c.api("POST", "/api/v1/offers/%d/applications/stage" % offer, body, headers=h)


def pointers(r):
    try:
        return [e.get("pointer") for e in r.json().get("errors", [])]
    except ValueError:
        return []


def stage_of(rec, app):
    return rec.get("/api/v1/applications/%d" % app).json()["application"]["stage"]


def history_of(rec, app):
    return rec.get("/api/v1/applications/%d" % app).json()["application"]["history"]


def text_of(m):
    return m.get_body(("plain",)).get_content()


def csrf_of(page):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    return m.group(1) if m else ""


def post_pairs(c, path, pairs):
    """A url-encoded form whose names may repeat (a list of checkboxes)."""
    body = urllib.parse.urlencode(pairs).encode()
    return c.request("POST", path, body=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})


def unchanged(rec, apps, stages, what):
    now = [stage_of(rec, a) for a in apps]
    T.check(now == stages, "%s: nothing moved (%s)" % (what, now))


def api_checks(srv, d, rec, rec2, cands, offer, other_offer, foreign):
    apps = cands["apps"]
    a1, a2, a3, a4 = apps
    # who may
    T.status(srv.client().api("POST", "/api/v1/offers/%d/applications/stage" % offer,
                              {"application_ids": [a1], "stage": "reviewed"}, headers=XRW),
             401, "nobody logged in")
    T.status(bulk(cands["c"][0], offer, {"application_ids": [a1], "stage": "reviewed"}), 403,
             "a candidate moves nothing")
    T.status(bulk(rec2, offer, {"application_ids": [a1], "stage": "reviewed"}), 403,
             "another recruiter's offer")
    T.status(bulk(rec, offer + 100000, {"application_ids": [a1], "stage": "reviewed"}), 404,
             "no such offer")
    T.status(bulk(rec, foreign, {"application_ids": [a1], "stage": "reviewed"}), 403,
             "an offer of another recruiter, with my ids")
    # a token without applications:write
    r = rec.api("POST", "/api/v1/me/tokens", {"name": "lecture", "scopes": ["applications:read"]},
                headers=XRW)
    T.status(r, 201, "a read-only token")
    ro = srv.client()
    ro.token = r.json().get("token")
    personal(ro.token)
    T.status(ro.api("POST", "/api/v1/offers/%d/applications/stage" % offer,
                    {"application_ids": [a1], "stage": "reviewed"}), 403,
             "a token without applications:write")

    # the fields, each with its pointer
    r = bulk(rec, offer, {"stage": "reviewed"})
    T.check(r.status == 422 and "/application_ids" in pointers(r), "no ids: %s" % r.text[:200])
    r = bulk(rec, offer, {"application_ids": [], "stage": "reviewed"})
    T.check(r.status == 422 and "/application_ids" in pointers(r), "an empty list")
    r = bulk(rec, offer, {"application_ids": [a1, "x", 0], "stage": "reviewed"})
    T.check(r.status == 422 and pointers(r) == ["/application_ids/1", "/application_ids/2"],
            "each bad item has its pointer: %s" % pointers(r))
    r = bulk(rec, offer, {"application_ids": list(range(1, 502)), "stage": "reviewed"})
    T.check(r.status == 422 and "/application_ids" in pointers(r), "501 ids: %s" % r.text[:200])
    r = bulk(rec, offer, {"application_ids": [a1]})
    T.check(r.status == 422 and "/stage" in pointers(r), "no stage")
    r = bulk(rec, offer, {"application_ids": [a1], "stage": "rejected"},
             headers={"Accept-Language": "en"})
    T.check(r.status == 422 and "/reason" in pointers(r), "a rejection without a reason: %s"
            % r.text[:200])
    r = bulk(rec, offer, {"application_ids": [a1, a2, a1], "stage": "reviewed"})
    T.check(r.status == 422 and pointers(r) == ["/application_ids/2"], "an id twice: %s"
            % r.text[:300])
    r = bulk(rec, offer, {"application_ids": [a1, a2, other_offer["app"]], "stage": "reviewed"},
             headers={"Accept-Language": "en"})
    T.check(r.status == 422 and pointers(r) == ["/application_ids/2"] and
            ("application %d" % other_offer["app"]) in r.json()["detail"],
            "an application of another offer, named: %s" % r.text[:300])
    unchanged(rec, apps, ["received"] * 4, "after the refused fields")

    # all or nothing: a4 is at offer, so "to reviewed" stops at it
    r = rec.api("POST", "/api/v1/applications/%d/stage" % a4, {"stage": "offer"}, headers=XRW)
    T.status(r, 200, "a4 to offer (single change)")
    r = bulk(rec, offer, {"application_ids": [a1, a2, a4], "stage": "reviewed"},
             headers={"Accept-Language": "en"})
    T.check(r.status == 409 and pointers(r) == ["/application_ids/2"] and
            ("application %d" % a4) in r.json()["detail"],
            "a refused move: 409 naming the application: %s" % r.text[:300])
    unchanged(rec, apps, ["received", "received", "received", "offer"], "after the conflict")
    T.check(history_of(rec, a1) == [] and history_of(rec, a2) == [],
            "no history row for the refused batch")
    r = bulk(rec, offer, {"application_ids": [a1, a2], "stage": "reviewed", "from": "reviewed"})
    T.status(r, 409, "from no longer current")

    # the move: a1 and a2 to interview, replayed with its key
    key = {"Idempotency-Key": unique("k")}
    r = bulk(rec, offer, {"application_ids": [a2, a1], "stage": "interview"}, headers=key)
    T.status(r, 200, "two applications to interview")
    j = r.json() if r.status == 200 else {}
    T.check(j.get("moved") == 2 and j.get("application_ids") == [a2, a1] and
            j.get("stage") == "interview" and j.get("offer_id") == offer,
            "the answer says how many and which: %s" % r.text[:200])
    r2 = bulk(rec, offer, {"application_ids": [a2, a1], "stage": "interview"}, headers=key)
    T.check(r2.status == 200 and r2.header("Idempotent-Replayed") == "true" and
            r2.json() == j, "replayed with its Idempotency-Key")
    for a in (a1, a2):
        h = history_of(rec, a)
        T.check(len(h) == 1 and h[0]["from"] == "received" and h[0]["to"] == "interview" and
                h[0]["actor_id"] == rec.user["id"], "application %d: one history row: %s" % (a, h))
    # the candidate's own view, and their message (c1 writes English)
    c1 = cands["c"][0]
    mine = [x for x in c1.get("/api/v1/me/applications").json()["applications"] if x["id"] == a1]
    T.check(mine and mine[0]["stage"] == "interview", "the candidate sees the interview stage")
    m = d.find(lambda m: cands["mail"][0] in m["To"] and "interview" in text_of(m).lower())
    T.check(m is not None, "the candidate's interview message arrived")
    return key


def page_checks(srv, d, rec, cands, offer):
    a1, a2, a3, a4 = cands["apps"]
    for c in [rec] + cands["c"]:
        c.token = None  # the pages read the session cookie
    dash = "/offers/%d/dashboard" % offer
    r = rec.get(dash)
    T.status(r, 200, "the dashboard")
    html = r.text
    tok = csrf_of(r)
    for i, a in enumerate(cands["apps"]):
        box = re.search(r'<input type="checkbox" form="bulk" name="application_ids" value="%d" '
                        r'id="sel-%d"[^>]*> <label for="sel-%d">(.*?)</label>' % (a, a, a), html)
        T.check(box is not None and cands["c"][i].name in box.group(1),
                "a box for application %d, labelled with the candidate's name" % a)
    T.check(re.search(r'<form id="bulk" class="bulk" method="post" '
                      r'action="/offers/%d/applications/stage\?[^"]*">'
                      r'<input type="hidden" name="csrf" value="[0-9a-f]{64}">' % offer, html)
            is not None, "one bulk form with its CSRF token")
    T.check('<label for="bulk-stage">' in html and '<label for="bulk-reason">' in html and
            '<textarea id="bulk-text" name="reason_text"' in html and
            'name="show_reason"' in html, "stage, reason, message and show fields, labelled")
    T.check(html.index('id="bulk"') > html.index("</table>"), "the form is below the table")
    en = rec.get(dash, headers={"Accept-Language": "en"}).text
    T.check("With the selected applications" in en and "Reject the selection" in en,
            "in English")
    T.check("Avec les candidatures sélectionnées" in html, "in French")
    path = "/offers/%d/applications/stage" % offer

    # refusals: the dashboard again, the error tied to its field
    r = post_pairs(rec, path, [("csrf", tok), ("action", "move"), ("stage", "offer")])
    T.status(r, 422, "nothing selected")
    T.check('id="e-bulk-ids"' in r.text and 'aria-describedby="e-bulk-ids"' in r.text and
            "Sélectionnez au moins une candidature" in r.text, "tied to the boxes")
    r = post_pairs(rec, path, [("csrf", tok), ("application_ids", a1), ("application_ids", a3),
                               ("action", "reject"), ("reason", ""),
                               ("reason_text", "Merci")])
    T.status(r, 422, "a rejection without a reason")
    T.check('<select id="bulk-reason" name="reason" aria-invalid="true" '
            'aria-describedby="e-bulk-reason">' in r.text and 'id="e-bulk-reason"' in r.text,
            "the error is tied to the reason list")
    T.check(re.search(r'value="%d" id="sel-%d" checked' % (a3, a3), r.text) is not None and
            ">Merci</textarea>" in r.text, "the selection and the message are kept")
    # a4 is at offer: "to interview" stops there; the page names its candidate
    r = post_pairs(rec, path, [("csrf", tok), ("application_ids", a3), ("application_ids", a4),
                               ("action", "move"), ("stage", "interview")])
    T.status(r, 409, "a move the rules refuse")
    T.check(re.search(r'value="%d" id="sel-%d" checked aria-invalid="true" '
                      r'aria-describedby="e-bulk-ids"' % (a4, a4), r.text) is not None,
            "the refused application's box is marked")
    T.check(cands["c"][3].name in r.text and "rien n&#39;a été changé" in r.text,
            "the message names its candidate")
    T.check(stage_of(rec, a3) == "received", "nothing moved")
    T.status(post_pairs(rec, path, [("application_ids", a3), ("action", "move"),
                                    ("stage", "reviewed")]), 403, "no CSRF token")
    c1 = cands["c"][0]
    T.status(post_pairs(c1, path, [("csrf", csrf_of(c1.get("/me/applications"))),
                                   ("application_ids", a3), ("action", "move"),
                                   ("stage", "reviewed")]), 403, "a candidate")
    # 501 boxes are read (the parser takes them), then refused by the bound
    pairs = [("csrf", tok), ("action", "move"), ("stage", "reviewed")]
    pairs += [("application_ids", str(i)) for i in range(1, 502)]
    r = post_pairs(rec, path, pairs)
    T.status(r, 422, "501 boxes")
    T.check("500 candidatures au plus" in r.text, "the bound is said")
    r = post_pairs(rec, path, [("csrf", tok)] + [("x", "1")] * 600)
    T.status(r, 400, "more fields than the parser takes")

    # moves through the form: back to the dashboard, saying how many
    r = post_pairs(rec, path + "?rank=random", [("csrf", tok), ("application_ids", a1),
                                               ("application_ids", a2), ("action", "move"),
                                               ("stage", "offer"), ("reason", "profile")])
    T.status(r, 303, "two to offer through the form")
    loc = r.header("Location") or ""
    T.check(loc.startswith(dash + "?") and "moved=2" in loc and "rank=random" in loc,
            "back to the same view: %s" % loc)
    page = rec.get(loc)
    T.check("2 candidatures déplacées" in page.text, "the notice says how many (fr)")
    en = rec.get(loc, headers={"Accept-Language": "en"}).text
    T.check("2 applications moved" in en, "and in English")
    one = rec.get(dash + "?moved=1", headers={"Accept-Language": "en"}).text
    T.check("1 application moved." in one, "one application: singular")
    T.check(stage_of(rec, a1) == "offer" and stage_of(rec, a2) == "offer", "both at offer")

    # one rejection for three, one message (its line break becomes a space)
    r = post_pairs(rec, path, [("csrf", tok), ("application_ids", a1), ("application_ids", a2),
                               ("application_ids", a3), ("action", "reject"),
                               ("stage", "reviewed"), ("reason", "position_filled"),
                               ("reason_text", "Poste pourvu en interne.\r\nMerci."),
                               ("show_reason", "1")])
    T.status(r, 303, "three rejected through the form")
    T.check("moved=3" in (r.header("Location") or ""), "three moved")
    for a in (a1, a2, a3):
        h = history_of(rec, a)
        last = h[-1] if h else {}
        T.check(last.get("to") == "rejected" and
                last.get("rejection", {}).get("reason") == "position_filled" and
                last.get("rejection", {}).get("text") == "Poste pourvu en interne.  Merci.",
                "application %d: rejected with the reason and the message: %s" % (a, last))
    mine = c1.get("/me/applications", headers={"Accept-Language": "en"}).text
    T.check("Rejected" in mine and "Poste pourvu en interne." in mine,
            "the candidate's page shows the rejection and the reason shown")
    m = d.find(lambda m: cands["mail"][0] in m["To"] and "Poste pourvu en interne" in text_of(m))
    T.check(m is not None, "the candidate's message carries the reason")


def main():
    d = Smtpd()
    db_url = os.environ.get("OFFERAPI_TEST_PG_URL") if sys.argv[1:] == ["postgresql"] else None
    srv = Server(db_url=db_url, extra=d.relay_args())
    rec = account(srv, "recruiter", "fr", "rh.%s@example.org" % SUFFIX)
    rec2 = account(srv, "recruiter", "en")
    mails = ["ana.%s@example.org" % SUFFIX, "bea.%s@example.org" % SUFFIX, None, None]
    names = ["Ana Lopez", "Béa Martin", "Chloé Durand", "Dora Petit"]
    cs = [account(srv, "candidate", "en" if i == 0 else "fr", mails[i], names[i])
          for i in range(4)]
    d.wait(3)  # the verification messages
    offer = create_offer(rec, title="Offre en lot")
    apps = []
    for c in cs:
        r = apply_api(c, offer)
        T.status(r, 201, "apply")
        apps.append(r.json()["application"]["id"])
    other = create_offer(rec, title="Autre offre")
    r = apply_api(cs[0], other)
    T.status(r, 201, "apply to the other offer")
    foreign = create_offer(rec2, title="Offre d'un autre")
    cands = {"c": cs, "apps": apps, "mail": mails}
    api_checks(srv, d, rec, rec2, cands, offer, {"id": other, "app": r.json()["application"]["id"]},
               foreign)
    page_checks(srv, d, rec, cands, offer)
    srv.stop()
    srv.cleanup()
    d.stop()
    T.done()


main()
