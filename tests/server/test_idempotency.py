#!/usr/bin/env python3
"""test_idempotency.py - Idempotency-Key on the API's POSTs (issue 15).

A retried POST with the same key and body creates one offer (and one
application) and gets the first answer back (status, body, Location,
Idempotent-Replayed); the key with another body is 422; keys are per user;
eight concurrent duplicates create one offer, the others get the first
answer or 409; a malformed key is 400; without a session (sign-up) the key
is ignored, and so it is for a logged-in user on the routes whose answer
holds a secret (log-in, a webhook endpoint). Runs on SQLite, or PostgreSQL with the argument 'postgresql'."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, apply_api, make_pdf, multipart, signup, unique  # noqa: E402

T = Checker("server-idempotency")
db_url = os.environ.get("OFFERAPI_TEST_PG_URL") if sys.argv[1:] == ["postgresql"] else None
srv = Server(db_url=db_url)
rec = signup(srv, "recruiter")
rec.token = rec.bearer
OFFER = {"title": "Idempotente", "description": "Une seule fois.", "questions": []}


def post_offer(c, key, body=OFFER, lang=None):
    h = {"Idempotency-Key": key} if key is not None else {}
    if lang:
        h["Accept-Language"] = lang
    return c.api("POST", "/api/v1/offers", body, headers=h)


def my_offers(c):
    return c.get("/api/v1/offers?mine=1").json()["total"]


# 1. a retried POST creates one offer and replays the first answer
key = unique("key-")
r1 = post_offer(rec, key)
T.status(r1, 201, "first POST")
T.check(r1.header("Idempotent-Replayed") is None, "the first answer is not a replay")
r2 = post_offer(rec, key)
T.status(r2, 201, "the retry")
T.check(r2.body == r1.body and r2.header("Location") == r1.header("Location"),
        "the retry gets the same body and Location: %s %s" % (r2.header("Location"), r2.text[:120]))
T.check(r2.header("Idempotent-Replayed") == "true", "marked Idempotent-Replayed: true")
T.check(my_offers(rec) == 1, "one offer created, not two")
# without a key, each POST runs
post_offer(rec, None)
post_offer(rec, None)
T.check(my_offers(rec) == 3, "without a key every POST creates")

# 2. the key with another body, another path: 422
r = post_offer(rec, key, dict(OFFER, title="Autre"), lang="en")
T.status(r, 422, "the key with another body")
T.check(r.json().get("code") == "idempotency_mismatch" and "another request" in r.json()["detail"],
        "idempotency_mismatch, in English: %s" % r.text[:200])
r = post_offer(rec, key, dict(OFFER, title="Autre"), lang="fr")
T.check("autre requête" in r.json()["detail"], "and in French")
oid = r1.json()["offer"]["id"]
r = rec.api("POST", "/api/v1/offers/%d/close" % oid, headers={"Idempotency-Key": key})
T.status(r, 422, "the key on another path")
T.check(my_offers(rec) == 3, "nothing created by the refused ones")

# 3. keys are per user
rec2 = signup(srv, "recruiter")
rec2.token = rec2.bearer
r = post_offer(rec2, key)
T.status(r, 201, "another user's same key runs")
T.check(r.header("Idempotent-Replayed") is None and my_offers(rec2) == 1,
        "and creates their own offer")

# 4. malformed keys
for bad in ("x" * 256, ""):
    r = post_offer(rec, bad)
    T.status(r, 400, "a key of %d characters" % len(bad))
T.check(my_offers(rec) == 3, "a malformed key creates nothing")

# 5. concurrent duplicates: one runs, the others replay or get 409
key = unique("race-")
answers = []


def worker():
    c = srv.client()
    c.token = rec.bearer
    answers.append(post_offer(c, key, dict(OFFER, title="Course")))
    c.close()


threads = [threading.Thread(target=worker) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
statuses = sorted(a.status for a in answers)
T.check(set(statuses) <= {201, 409} and statuses.count(201) >= 1,
        "concurrent duplicates: 201 or 409 only: %s" % statuses)
firsts = [a for a in answers if a.status == 201 and a.header("Idempotent-Replayed") is None]
T.check(len(firsts) == 1, "exactly one ran: %d" % len(firsts))
T.check(all(a.json()["code"] == "idempotency_in_progress" and a.header("Retry-After")
            for a in answers if a.status == 409), "409 is idempotency_in_progress with Retry-After")
T.check(my_offers(rec) == 4, "eight concurrent duplicates created one offer")
r = post_offer(rec, key, dict(OFFER, title="Course"))
T.check(r.status == 201 and r.header("Idempotent-Replayed") == "true", "and a later retry replays")

# 6. an application (multipart) retried: one application
cand = signup(srv, "candidate")
cand.token = cand.bearer
key = unique("apply-")
body, ct = multipart({}, {"cv": ("cv.pdf", make_pdf(["Jeanne Dupont", "C, Linux"]), "application/pdf")})
h = {"Content-Type": ct, "Idempotency-Key": key}
a1 = cand.request("POST", "/api/v1/offers/%d/applications" % oid, body=body, headers=h)
a2 = cand.request("POST", "/api/v1/offers/%d/applications" % oid, body=body, headers=h)
T.status(a1, 201, "apply with a key")
T.check(a2.status == 201 and a2.body == a1.body and a2.header("Idempotent-Replayed") == "true",
        "the retried application replays: %d" % a2.status)
T.check(cand.get("/api/v1/me/applications").json()["total"] == 1, "one application")
# a refusal is kept too: applying again without the key is 409 exists,
# and its key replays that 409
key2 = unique("again-")
h2 = {"Content-Type": ct, "Idempotency-Key": key2}
b1 = cand.request("POST", "/api/v1/offers/%d/applications" % oid, body=body, headers=h2)
b2 = cand.request("POST", "/api/v1/offers/%d/applications" % oid, body=body, headers=h2)
T.check(b1.status == 409 and b2.status == 409 and b2.header("Idempotent-Replayed") == "true",
        "a 4xx answer is replayed as well: %d %d" % (b1.status, b2.status))

# 7. no session: the key is ignored (sign-up's answer holds a token)
for i in range(2):
    anon = srv.client()  # sign-up sets a session cookie: a fresh client each time
    r = anon.api("POST", "/api/v1/users", {"login": unique("idem"), "display_name": "I",
                                            "password": "staple-battery-horse-42", "role": "candidate"},
                 headers={"Idempotency-Key": "signup-key"})
    T.status(r, 201, "sign-up %d with the same key" % i)
    T.check(r.header("Idempotent-Replayed") is None, "never replayed")

# 8. a logged-in user: the routes whose answer holds a secret (marked in the
# server's route table) run again, with a new secret each time
secrets = []
key = unique("secret-")
for i in range(2):
    r = rec.api("POST", "/api/v1/me/webhooks",
                {"url": "https://example.org/hook", "events": ["offer.closed"]},
                headers={"Idempotency-Key": key})
    T.status(r, 201, "a webhook endpoint %d with a key" % i)
    T.check(r.header("Idempotent-Replayed") is None, "its answer is not replayed")
    secrets.append(r.json().get("secret"))
# a log-in while logged in (the bearer of the last log-in each time)
again = signup(srv, "candidate")
again.token = again.bearer
key = unique("secret-")
for i in range(2):
    r = again.api("POST", "/api/v1/sessions", {"login": again.login, "password": again.password},
                  headers={"Idempotency-Key": key})
    T.check(r.status in (200, 201) and r.header("Idempotent-Replayed") is None,
            "log-in %d with a key: run, not replayed (%d)" % (i, r.status))
    secrets.append(r.json().get("token"))
    again.token = secrets[-1]
T.check(None not in secrets and len(set(secrets)) == 4,
        "each answer has a secret of its own: %r" % [s and s[:8] for s in secrets])
srv.stop()
srv.cleanup()
T.done()
