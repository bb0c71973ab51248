#!/usr/bin/env python3
"""test_replicas.py - two offerapi-server processes on one PostgreSQL
database (run under tests/with-postgresql.sh): a session opened on one is
used on the other, forms rendered by one are accepted by the other (same
--secret), and concurrent applications through both lose nothing."""
import concurrent.futures
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import CV_LINES, Checker, Server, apply_api, fail, make_pdf, signup  # noqa: E402

url = os.environ.get("OFFERAPI_TEST_PG_URL") or fail("run under tests/with-postgresql.sh")
T = Checker("server-replicas")
a = Server(url)
b = Server(url, tmp=None)
ca = a.client()
r = ca.post_form("/signup", {"login": "rep-owner", "display_name": "Owner", "password": "staple-battery-horse-42",
                             "role": "recruiter"}, csrf_from="/signup")
T.status(r, 303, "sign up on A")
r = ca.post_form("/login", {"login": "rep-owner", "password": "staple-battery-horse-42"})
T.status(r, 303, "log in on A")
cb = b.client()
cb.cookies = dict(ca.cookies)  # the same browser, now routed to B
r = cb.get("/offers/new")
T.status(r, 200, "the session opened on A works on B")
csrf_a = ca.csrf("/offers/new")
r = cb.post_form("/offers", {"title": "Replica offer", "description": "d", "questions": "Q ?",
                             "csrf": csrf_a})
T.status(r, 303, "a form rendered by A is accepted by B")
oid = int(re.match(r"/offers/(\d+)", r.header("Location")).group(1))

N = 20
cands = [signup(a if i % 2 else b, "candidate") for i in range(N)]
results = []


def go(i):
    srv = a if i % 2 else b
    c = srv.client()
    c.token = cands[i].bearer
    r = apply_api(c, oid, answers=["r%d" % i], pdf=make_pdf(CV_LINES + ["candidate %d" % i]))
    results.append(r.status)


threads = [threading.Thread(target=go, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
T.check(results.count(201) == N, "all %d concurrent applications accepted: %s" % (N, results))
# scoring runs on the replicas' worker threads, after the 201: wait for it
# (a hang guard only)
poll = a.client()
poll.cookies = dict(ca.cookies)
for _ in range(600):
    d = poll.get("/api/v1/offers/%d/applications" % oid).json()
    if d["count"] == N and all(len(x["scores"]) >= 2 for x in d["applications"]):
        break
    time.sleep(0.1)
for srv, name in ((a, "A"), (b, "B")):
    c = srv.client()
    c.cookies = dict(ca.cookies)
    r = c.get("/offers/%d/dashboard" % oid)
    T.status(r, 200, "dashboard on " + name)
    T.check('<strong id="count">%d</strong>' % N in r.text, "dashboard on %s sees all %d" % (name, N))
    r = c.get("/api/v1/offers/%d/applications" % oid)
    d = r.json()
    T.check(d["count"] == N and all(len(x["scores"]) >= 1 for x in d["applications"]),
            "every application on %s is stored and scored" % name)
    T.check(sorted(x["answers"][0]["answer"] for x in d["applications"]) ==
            sorted("r%d" % i for i in range(N)), "no answer lost (%s)" % name)
received = 0
for srv in (a, b):
    m = re.search(r"^offerapi_applications_received_total (\d+)", srv.client().get("/metrics").text, re.M)
    received += int(m.group(1))
T.check(received == N, "the two replicas' counters add up to %d" % N)
# failed-login limits are counted in the database: the replicas share them
victim = signup(a, "candidate")
fails = []
for i in range(5):
    srv = (a, b)[i % 2]
    fails.append(srv.client().api("POST", "/api/v1/sessions",
                                  {"login": victim.login, "password": "wrong-%d" % i}).status)
T.check(fails == [401] * 5, "five failures spread over A and B: %s" % fails)
for srv, name in ((a, "A"), (b, "B")):
    r = srv.client().api("POST", "/api/v1/sessions", {"login": victim.login, "password": victim.password})
    T.status(r, 429, "the sixth attempt is refused on %s too" % name)
# right passwords sent at once to both replicas are never refused: checks in
# flight wait for each other's verdict instead
friend = signup(b, "candidate")
oks = []


def login_ok(i):
    r = (a, b)[i % 2].client().api("POST", "/api/v1/sessions",
                                   {"login": friend.login, "password": friend.password})
    oks.append(r.status)


threads = [threading.Thread(target=login_ok, args=(i,)) for i in range(12)]
for t in threads:
    t.start()
for t in threads:
    t.join()
T.check(oks == [201] * 12, "12 right passwords at once through A and B all pass: %s" % oks)
r = cb.post_form("/logout", {})
T.status(r, 303, "log out on B")
# A keeps the sessions it read while its listener hears of no change
# (libofferapi/genwatch.c): B's logout reaches it by a notification, about
# half a round trip later (bench/notify); asked again for 2 s at most
end = time.monotonic() + 2
while (r := ca.get("/offers/new")).status != 303 and time.monotonic() < end:
    time.sleep(0.01)
T.status(r, 303, "the session is gone on A too")
a.stop()
b.stop()
# sign-ups per address are counted in the database too: two more replicas
# with a limit of 3 an hour, 10 sign-ups from one address sent at once to
# both, exactly 3 pass
lim = ["--signup-limit", "3", "--trust-proxy"]
c2, d2 = Server(url, extra=lim, tmp=a.tmp), Server(url, extra=lim, tmp=a.tmp)


def signup_from(i):
    srv = (c2, d2)[i % 2]
    return srv.client().api("POST", "/api/v1/users",
                            {"login": "lim-%d-%d" % (os.getpid(), i), "display_name": "Lim",
                             "password": "staple-battery-horse-42", "role": "candidate"},
                            headers={"X-Forwarded-For": "198.51.100.77"}).status


with concurrent.futures.ThreadPoolExecutor(max_workers=10) as ex:
    codes = sorted(ex.map(signup_from, range(10)))
T.check(codes == [201] * 3 + [429] * 7, "10 sign-ups from one address through two replicas: 3 pass (%s)" % codes)
c2.stop()
d2.stop()
a.cleanup()
b.cleanup()
T.done()
