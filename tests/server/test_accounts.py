#!/usr/bin/env python3
"""test_accounts.py - accounts against abuse (issue "Hardening"):

- sign-up is throttled per client address (--signup-limit sign-ups per
  hour, per process; 0 turns it off): 429 rate_limited with Retry-After in
  the API and on the page, in the reader's language; a refused sign-up
  does not use the allowance; a burst cannot pass together; other
  addresses (X-Forwarded-For behind --trust-proxy) keep theirs.
"""
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, unique  # noqa: E402

T = Checker("server-accounts")


def api_signup(c, login=None, password="correct horse battery", xff=None):
    h = {"X-Forwarded-For": xff} if xff else None
    return c.api("POST", "/api/v1/users", {"login": login or unique("u"), "display_name": "Jo",
                                           "password": password, "role": "candidate"}, headers=h)


# ---- sign-up throttle -------------------------------------------------------
srv = Server(scorers="random", extra=["--signup-limit", "3", "--trust-proxy"])
c = srv.client()
for i in range(3):
    r = api_signup(c, xff="198.51.100.1")
    T.status(r, 201, "sign-up %d of 3 from one address" % (i + 1))
    c.cookies.clear()
r = api_signup(c, password="short", xff="198.51.100.2")
T.status(r, 422, "a refused sign-up")
r = api_signup(c, xff="198.51.100.1")
T.status(r, 429, "the 4th sign-up from one address in the hour")
T.check(r.json()["error"]["code"] == "rate_limited", "code rate_limited: %s" % r.text)
T.check(3500 <= int(r.header("Retry-After") or 0) <= 3600, "Retry-After about an hour: %s" % r.header("Retry-After"))
T.check("inscriptions" in r.json()["error"]["message"], "the message in French: %s" % r.text)
en = srv.client(lang="en")
csrf = en.csrf("/signup")
r = en.request("POST", "/signup", body=("csrf=%s&login=%s&display_name=Jo&password=correct+horse+battery"
                                        "&role=candidate" % (csrf, unique("p"))).encode(),
               headers={"Content-Type": "application/x-www-form-urlencoded",
                        "X-Forwarded-For": "198.51.100.1"})
T.status(r, 429, "page: the 4th sign-up")
T.check("Too many sign-ups" in r.text and r.header("Retry-After"), "page: English message and Retry-After")
for i in range(3):
    r = api_signup(c, xff="198.51.100.2")
    T.status(r, 201, "the address whose sign-up was refused still has 3 (%d)" % (i + 1))
    c.cookies.clear()
# a burst of 12 at once from a new address: exactly 3 pass
with concurrent.futures.ThreadPoolExecutor(max_workers=12) as ex:
    codes = sorted(ex.map(lambda i: api_signup(srv.client(), xff="198.51.100.3").status, range(12)))
T.check(codes == [201] * 3 + [429] * 9, "a burst of 12 sign-ups: 3 created, 9 refused (%s)" % codes)
srv.stop()
srv.cleanup()

# 0 turns it off (tests and bulk imports)
srv = Server(scorers="random", extra=["--signup-limit", "0"])
c = srv.client()
ok = 0
for i in range(25):
    ok += api_signup(c).status == 201
    c.cookies.clear()
T.check(ok == 25, "--signup-limit 0: 25 sign-ups from one address (%d)" % ok)
srv.stop()
srv.cleanup()
T.done()
