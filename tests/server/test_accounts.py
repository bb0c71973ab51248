#!/usr/bin/env python3
"""test_accounts.py - accounts against abuse (issue "Hardening"):

- sign-up is throttled per client address (--signup-limit sign-ups per
  hour, per process; 0 turns it off): 429 rate_limited with Retry-After in
  the API and on the page, in the reader's language; a refused sign-up
  does not use the allowance; a burst cannot pass together; other
  addresses (X-Forwarded-For behind --trust-proxy) keep theirs;
- new passwords follow NIST SP 800-63B with libpwquality and cracklib's
  dictionary: common and breached-style passwords, the login and the display
  name are refused (422 weak_password) with a message naming why, in the
  reader's language; 8 characters stay enough and long passphrases pass;
- a new login (or sign-up) ends the session whose cookie the browser held;
- a user lists their live sessions (page /me/sessions and GET
  /api/v1/me/sessions: dates, never a token) and ends any of them (DELETE
  /api/v1/me/sessions/{sid}, or the page's button), never another user's.
"""
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, signup, unique  # noqa: E402

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
T.check(r.json()["code"] == "rate_limited", "code rate_limited: %s" % r.text)
T.check(3500 <= int(r.header("Retry-After") or 0) <= 3600, "Retry-After about an hour: %s" % r.header("Retry-After"))
T.check("inscriptions" in r.json()["detail"], "the message in French: %s" % r.text)
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

# ---- passwords ----------------------------------------------------------------
srv = Server(scorers="random")
c = srv.client()
refused = {"password": "dictionnaire", "12345678": None, "azertyuiop": None, "P@ssw0rd": "dictionnaire",
           "Password1": None, "bonjour123": "dictionnaire", "qwertyuiop": None, "iloveyou": None,
           "aaaaaaaa": None, "abcdefgh": None, "jeanne-dupontel-1": "identifiant",
           "Dupontel2024": "nom", "1q2w3e4r": None, "letmein1": None}
for pw, word in refused.items():
    r = c.api("POST", "/api/v1/users", {"login": "jeanne-dupontel", "display_name": "Jeanne Dupontel",
                                         "password": pw, "role": "candidate"})
    T.status(r, 422, "password %r refused" % pw)
    if r.status == 422:
        e = r.json()
        T.check(e["code"] == "weak_password" and e["detail"].startswith("Mot de passe refusé")
                and (word is None or word in e["detail"]),
                "password %r: weak_password naming why (%s)" % (pw, e["detail"]))
for pw in ("correct horse battery staple", "Les chaussettes de l'archiduchesse sont sèches",
           "x9#Lp2!vQz", "8chars!Q", "Une clé é" * 80, "une phrase assez longue " * 40):
    r = c.api("POST", "/api/v1/users", {"login": unique("pw"), "display_name": "Jeanne Dupontel",
                                         "password": pw[:1024], "role": "candidate"})
    T.status(r, 201, "password %r... accepted" % pw[:30])
    c.cookies.clear()
r = c.api("POST", "/api/v1/users", {"login": unique("pw"), "display_name": "J", "password": "short",
                                     "role": "candidate"})
T.check(r.status == 422 and any(e["detail"] == "trop court (au moins 8 caractères)"
                                for e in r.json().get("errors", [])),
        "7 characters: the library's 422, the minimum in the field's error: %s" % r.text)
en = srv.client(lang="en")
r = en.api("POST", "/api/v1/users", {"login": unique("pw"), "display_name": "Jo", "password": "password",
                                      "role": "candidate"})
T.check(r.status == 422 and "dictionary word" in r.json()["detail"], "in English: %s" % r.text)
r = en.post_form("/signup", {"login": unique("pw"), "display_name": "Jo", "password": "12345678",
                             "role": "candidate"}, csrf_from="/signup")
T.check(r.status == 422 and "Password refused" in r.text, "page: refused with the reason (%d)" % r.status)

# ---- a new login ends the session the browser held ----------------------------
u = signup(srv, "candidate")
old = u.cookies["oa_session"]
r = u.post_form("/login", {"login": u.login, "password": u.password}, csrf_from="/login")
T.status(r, 303, "log in again from the same browser")
new = u.cookies.get("oa_session")
T.check(new and new != old, "a new session cookie")
probe = srv.client()
probe.cookies["oa_session"] = old
T.status(probe.get("/api/v1/me"), 401, "the session the browser held before is ended")
probe.cookies["oa_session"] = new
T.status(probe.get("/api/v1/me"), 200, "the new one works")
# a cookie planted before the victim logs in (session fixation) dies too
att = signup(srv, "candidate")
victim = srv.client()
victim.cookies["oa_session"] = att.cookies["oa_session"]
r = victim.api("POST", "/api/v1/sessions", {"login": u.login, "password": u.password},
               headers={"X-Requested-With": "t"})
T.status(r, 201, "the victim logs in with a planted cookie")
T.status(att.get("/api/v1/me"), 401, "the planted session is ended")

# ---- sessions: list and revoke ------------------------------------------------------
phone, laptop = srv.client(), srv.client()
for cl in (phone, laptop):
    r = cl.api("POST", "/api/v1/sessions", {"login": u.login, "password": u.password})
    T.status(r, 201, "log in on another device")
r = laptop.get("/api/v1/me/sessions")
T.status(r, 200, "GET /api/v1/me/sessions")
sessions = r.json()["sessions"]
T.check(len(sessions) == 4, "four live sessions (%d)" % len(sessions))
T.check(sum(s["current"] for s in sessions) == 1, "one is the current one")
tokens = [victim.cookies["oa_session"], phone.cookies["oa_session"], laptop.cookies["oa_session"], new]
T.check(not any(t in r.text for t in tokens), "no token in the list")
T.check(all(s["expires_at"] > s["created_at"] for s in sessions), "created and expiry dates")
page = laptop.get("/me/sessions")
T.check(page.status == 200 and page.text.count("/revoke\"") == 4 and "cette session" in page.text,
        "the page lists them with a button each")
T.check(not any(t in page.text for t in tokens), "no token on the page")
me = phone.get("/api/v1/me/sessions").json()["sessions"]
phone_id = [s["id"] for s in me if s["current"]][0]
r = laptop.request("DELETE", "/api/v1/me/sessions/" + phone_id, headers={"X-Requested-With": "t"})
T.status(r, 204, "the laptop ends the phone's session")
T.status(phone.get("/api/v1/me"), 401, "the phone is logged out")
r = laptop.request("DELETE", "/api/v1/me/sessions/" + phone_id, headers={"X-Requested-With": "t"})
T.status(r, 404, "ending it twice: 404")
r = laptop.request("DELETE", "/api/v1/me/sessions/" + phone_id, headers={})
T.status(r, 403, "without X-Requested-With (cookie): 403 csrf")
att2 = signup(srv, "candidate")
other_id = att2.get("/api/v1/me/sessions").json()["sessions"][0]["id"]
r = laptop.request("DELETE", "/api/v1/me/sessions/" + other_id, headers={"X-Requested-With": "t"})
T.status(r, 404, "another user's session: 404")
T.status(att2.get("/api/v1/me"), 200, "and it lives on")
T.status(srv.client().get("/api/v1/me/sessions"), 401, "anonymous: 401")
# the page's button, for another session then for this one
victim_id = [s["id"] for s in laptop.get("/api/v1/me/sessions").json()["sessions"]
             if not s["current"] and s["id"] != phone_id][0]
r = laptop.post_form("/me/sessions/%s/revoke" % victim_id, {}, csrf_from="/me/sessions")
T.check(r.status == 303 and r.header("Location") == "/me/sessions?revoked=1", "page: end another session")
r = laptop.post_form("/me/sessions/%s/revoke" % victim_id, {"csrf": "0" * 64})
T.status(r, 403, "page: a bad CSRF token is refused")
mine = [s["id"] for s in laptop.get("/api/v1/me/sessions").json()["sessions"] if s["current"]][0]
r = laptop.post_form("/me/sessions/%s/revoke" % mine, {}, csrf_from="/me/sessions")
T.check(r.status == 303 and r.header("Location") == "/login", "page: ending this session logs out")
T.check("oa_session" not in laptop.cookies, "and clears the cookie")
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

# ---- failed logins: counted per (account, address), never a lockout for the owner ----
srv = Server(scorers="random", extra=["--trust-proxy"])
owner = signup(srv, "candidate")
att = srv.client()
codes = []
for i in range(8):
    r = att.api("POST", "/api/v1/sessions", {"login": owner.login, "password": "not the password %d" % i},
                headers={"X-Forwarded-For": "203.0.113.66", "X-Requested-With": "t"})
    codes.append(r.status)
T.check(codes == [401] * 5 + [429] * 3, "8 wrong passwords from one address: 5 checked, then 429 (%s)" % codes)
r = att.api("POST", "/api/v1/sessions", {"login": owner.login, "password": owner.password},
            headers={"X-Forwarded-For": "203.0.113.66", "X-Requested-With": "t"})
T.status(r, 429, "from that address even the right password waits")
T.check(0 < int(r.header("Retry-After") or 0) <= 900, "with Retry-After: %s" % r.header("Retry-After"))
home = srv.client()
r = home.api("POST", "/api/v1/sessions", {"login": owner.login, "password": owner.password},
             headers={"X-Forwarded-For": "198.51.100.77", "X-Requested-With": "t"})
T.status(r, 201, "the owner logs in from another address")
for lang, words in (("fr", "réessayez dans 15 min"), ("en", "try again in 15 min")):
    c = srv.client(lang=lang)
    csrf = c.csrf("/login")
    r = c.request("POST", "/login", body=("csrf=%s&login=%s&password=x" % (csrf, owner.login)).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded",
                           "X-Forwarded-For": "203.0.113.66"})
    T.check(r.status == 429 and words in r.text, "page (%s): how long to wait, in minutes (%d)" % (lang, r.status))
srv.stop()
srv.cleanup()
T.done()
