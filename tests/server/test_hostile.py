#!/usr/bin/env python3
"""test_hostile.py - requests an attacker would send, each found by a review
of the server and confirmed against it before the fix:

- url-encoded forms that make the value callback stop (a field name starting
  with byte 0x01; a body over --max-body): CivetWeb 1.15 aborted the process;
- a multipart part named "\\x01..." whose data was written to the file buffer
  and leaked (the server's log is checked for LeakSanitizer at stop);
- failed logins sent all at once slipped past the per-account limit;
- with --trust-proxy, a client-chosen first X-Forwarded-For entry dodged the
  per-address limit;
- 405 answers named one allowed method; API answers had no Cache-Control;
- /lang redirected to a "/\\host" Referer path.
"""
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, create_offer, signup, unique  # noqa: E402

T = Checker("server-hostile")
srv = Server(scorers="random", extra=["--max-body", "4096"])

# 1. url-encoded forms whose value callback must stop: the server answers
#    and stays up
c = srv.client()
for body, what in ((b"login=a&password=b&%01file=x", "a field named \\x01file"),
                   (b"login=a&x=" + b"a" * 5000, "a url-encoded body over --max-body")):
    r = c.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    T.check(400 <= r.status < 500, "%s is refused with a 4xx (got %d)" % (what, r.status))
    T.status(srv.client().get("/healthz"), 200, "the server is still up after %s" % what)

# 2. a multipart part named "\x01x" with a big value, as a candidate
rec = signup(srv, "recruiter")
rec.token = rec.bearer
oid = create_offer(rec, questions=[])
cand = signup(srv, "candidate")
boundary = "BBBBBBBBBB"
big = b"x" * 200000
body = (b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; name=\"\x01x\"\r\n\r\n" +
        big + b"\r\n--" + boundary.encode() + b"--\r\n")
for _ in range(3):
    r = cand.request("POST", "/api/v1/offers/%d/applications" % oid, body,
                     {"Content-Type": "multipart/form-data; boundary=" + boundary,
                      "Authorization": "Bearer " + cand.bearer})
    T.check(400 <= r.status < 500, "a stray \\x01 part is refused (got %d)" % r.status)

# 3. 30 wrong passwords at once for one account: at most the limit (5) reach
#    the password check, the others get 429
victim = unique("victim")
signup(srv, "candidate", login=victim)


def wrong_login(i):
    cl = srv.client()
    return cl.api("POST", "/api/v1/sessions", {"login": victim, "password": "wrong-%d" % i}).status


with concurrent.futures.ThreadPoolExecutor(max_workers=30) as ex:
    statuses = list(ex.map(wrong_login, range(30)))
T.check(statuses.count(401) <= 5, "at most 5 of 30 simultaneous wrong logins checked (%d)" %
        statuses.count(401))
T.check(statuses.count(429) >= 25, "the others are limited (%d x 429)" % statuses.count(429))
srv.stop()

# 4. behind a proxy, the address is the last X-Forwarded-For entry: a client
#    varying the first one stays one address (20 failures, then 429)
p = Server(scorers="random", extra=["--trust-proxy"])
codes = []
for i in range(24):
    cl = p.client()
    r = cl.api("POST", "/api/v1/sessions", {"login": unique("nobody"), "password": "wrongpass"},
               headers={"X-Forwarded-For": "198.51.100.%d, 203.0.113.7" % i})
    codes.append(r.status)
T.check(codes[:20].count(401) == 20 and codes[20:].count(429) == 4,
        "a forged first X-Forwarded-For entry does not dodge the address limit: %s" % codes)
cl = p.client()
r = cl.request("PUT", "/offers/1/edit")
allow = r.header("Allow") or ""
T.check(r.status == 405 and "GET" in allow and "POST" in allow, "405 lists every method: %r" % allow)
r = cl.request("POST", "/api/v1/offers/1")
allow = r.header("Allow") or ""
T.check(r.status == 405 and all(m in allow for m in ("GET", "PUT", "DELETE")),
        "API 405 lists every method: %r" % allow)
r = cl.get("/api/v1/offers")
T.check("no-store" in (r.header("Cache-Control") or ""), "API answers are not cached")
for ref in ("http://h/\\evil.example/", "http://h//evil.example/", "http://h/\x01x"):
    r = cl.request("GET", "/lang/en", None, {"Host": "h", "Referer": ref})
    # a control character may already be refused by CivetWeb (400)
    T.check((r.status in (302, 303) and r.header("Location") == "/") or r.status == 400,
            "/lang does not redirect to %r (%d, Location %r)" % (ref, r.status, r.header("Location")))
p.stop()
srv.cleanup()
p.cleanup()
T.done()
