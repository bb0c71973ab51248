#!/usr/bin/python3
"""test_mail.py: the server's mail outbox and sender end to end (issue 13).

A real SMTP server on loopback (tests/mail/smtpd.py, Debian's
python3-aiosmtpd) receives what offerapi-server sends; Python's email
package parses it (MIME structure, RFC 2047 subject, UTF-8 parts).
- sign-up with an e-mail through POST /api/v1/users: the verification
  message arrives, in the request's language, with a link to this server;
- a server killed (SIGKILL) after the sign-up and before its message went
  out (--mail-senders 0: nothing sends) loses nothing: the next server
  sends it, once;
- an address that is not one, or another account's, is refused (422/409);
- the pages the links open (pages_email.c): sign-up page -> message ->
  GET /verify-email changes nothing -> its form's POST verifies; "forgot
  password" answers alike for a known and an unknown address (one message
  only) -> /reset-password refuses a weak password beside the field, takes
  a good one, ends the account's sessions; used or bad links give a 400 page
  in French and English; --reset-limit counts the API and the page together.
"""
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, Smtpd, fail, unique  # noqa: E402

T = Checker("server-mail")


def signup(s, addr, lang="fr"):
    c = s.client(lang)
    login = unique("cand")
    r = c.api("POST", "/api/v1/users", {"login": login, "display_name": "Zoé Dupré",
                                         "password": "staple-battery-horse-42",
                                         "role": "candidate", "email": addr})
    return c, r


def form_token(page):
    m = re.search(r'name="token" value="([^"]*)"', page.text)
    return m.group(1) if m else None


def verified_at(s, login):
    """The account's email_verified_at, read in the database itself."""
    db = sqlite3.connect(s.db_url[len("sqlite:"):])
    try:
        row = db.execute("SELECT email_verified_at FROM users WHERE login = ?", (login,)).fetchone()
    finally:
        db.close()
    return row[0] if row else "no such account"


def field_error(page, name):
    m = re.search(r'<p class="field-error" id="e-%s">([^<]*)</p>' % name, page.text)
    return m.group(1) if m else None


def pages(s, d):
    """The pages the messages link to, in a browser's shoes (forms, CSRF)."""
    n = len(d.messages())
    # the login page offers the way in
    for lang, text in (("fr", "Mot de passe oublié ?"), ("en", "Forgot your password?")):
        r = s.client(lang).get("/login")
        T.check('href="/forgot-password"' in r.text and text in r.text,
                "login page links to /forgot-password (%s)" % lang)

    # sign-up through the page, with an address: the verification message
    c = s.client("en")
    login = unique("page")
    r = c.post_form("/signup", {"login": login, "display_name": "Léa Page",
                                "password": "staple-battery-horse-42", "role": "candidate",
                                "email": "Lea.Page@Example.org"}, csrf_from="/signup")
    T.status(r, 303, "sign-up page with an e-mail")
    n += 1
    m = d.wait(n)
    T.check("lea.page@example.org" in m["To"], "the verification message went to the address")
    link = re.search(r"https://jobs\.example\.org(/verify-email\?token=[0-9a-f]{64})",
                     m.get_body(("plain",)).get_content())
    T.check(link is not None, "a verification link")
    path = link.group(1)

    # GET the link (a mail scanner, twice): a page with a form, nothing changed
    anon = s.client("en")
    for i in range(2):
        r = anon.get(path)
        T.status(r, 200, "GET the verification link (%d)" % i)
    T.check('action="/verify-email"' in r.text and 'method="post"' in r.text,
            "the link's page holds a POST form")
    T.check(form_token(r) == path.rsplit("=", 1)[1], "the form carries the link's token")
    T.check('name="csrf"' in r.text, "the form has its CSRF token")
    T.check(verified_at(s, login) is None, "GET verified nothing")
    r = anon.post_form("/verify-email", {"token": form_token(r)}, csrf=False)
    T.status(r, 403, "POST without the CSRF token is refused")
    T.check(verified_at(s, login) is None, "a refused POST verified nothing")
    r = anon.post_form("/verify-email", {"token": path.rsplit("=", 1)[1]}, csrf_from=path)
    T.status(r, 200, "POST the verification form")
    T.check("Address confirmed" in r.text, "the page says the address is confirmed")
    T.check(verified_at(s, login) is not None, "the address is verified in the database")

    # a used link, then a bad one: 400, said in French and in English
    for lang, text in (("fr", "Ce lien n'est pas valable"), ("en", "This link does not work")):
        cl = s.client(lang)
        r = cl.post_form("/verify-email", {"token": path.rsplit("=", 1)[1]}, csrf_from=path)
        T.status(r, 400, "a used verification link (%s)" % lang)
        T.check(text in r.text.replace("&#39;", "'"), "used link said in %s" % lang)
        for bad in ("/verify-email", "/verify-email?token=zz",
                    "/reset-password?token=" + "0" * 64, "/reset-password"):
            if bad.startswith("/verify"):
                r = cl.get(bad)  # no form shown without a token at all
                T.status(r, 400 if bad == "/verify-email" else 200, "GET %s (%s)" % (bad, lang))
                if r.status == 200:
                    r = cl.post_form("/verify-email", {"token": "zz"}, csrf_from=bad)
            else:
                r = cl.get(bad)
            T.status(r, 400, "bad link %s (%s)" % (bad, lang))
            T.check(text in r.text.replace("&#39;", "'"), "bad link %s said in %s" % (bad, lang))
        T.check('href="/forgot-password"' in r.text, "a bad reset link offers a new one (%s)" % lang)

    # forgot password: the same answer for an unknown and a known address
    for lang in ("fr", "en"):
        r = s.client(lang).get("/forgot-password")
        T.status(r, 200, "GET /forgot-password (%s)" % lang)
        T.check('type="email"' in r.text and 'for="f-email"' in r.text,
                "a labelled e-mail field (%s)" % lang)
    anon = s.client("en")
    r1 = anon.post_form("/forgot-password", {"email": "nobody-here@example.org"},
                        csrf_from="/forgot-password")
    T.status(r1, 200, "forgot password, unknown address")
    r2 = anon.post_form("/forgot-password", {"email": "LEA.page@example.org"},
                        csrf_from="/forgot-password")
    T.status(r2, 200, "forgot password, known address")
    T.check(r1.text == r2.text, "the same page for a known and an unknown address")
    T.check("If an account has this address" in r1.text, "the neutral message")
    n += 1
    m = d.wait(n)
    T.check("lea.page@example.org" in m["To"], "the reset message went to the account's address")
    time.sleep(0.5)
    T.check(len(d.messages()) == n, "no message for the unknown address")
    r = anon.post_form("/forgot-password", {"email": "not an address"}, csrf_from="/forgot-password")
    T.status(r, 422, "forgot password, not an address")
    T.check(field_error(r, "email") == "E-mail address: not a valid address (name@example.org).",
            "the address error beside its field: %r" % field_error(r, "email"))
    T.check('aria-invalid="true"' in r.text, "the field is marked invalid")

    # the sign-up page says a bad or taken address beside its field
    for addr, text in (("pas une adresse", "ce n'est pas une adresse valable"),
                       ("lea.page@example.org", "Un autre compte a déjà cette adresse")):
        cl = s.client("fr")
        r = cl.post_form("/signup", {"login": unique("page"), "display_name": "Autre",
                                     "password": "staple-battery-horse-42", "role": "candidate",
                                     "email": addr}, csrf_from="/signup")
        err = (field_error(r, "email") or "").replace("&#39;", "'")
        T.check(r.status in (409, 422) and text in err,
                "sign-up page, %s: %d, beside the field: %r" % (addr, r.status, err))
    reset = re.search(r"https://jobs\.example\.org(/reset-password\?token=([0-9a-f]{64}))",
                      m.get_body(("plain",)).get_content())
    T.check(reset is not None, "a reset link")
    rpath, rtoken = reset.group(1), reset.group(2)

    # a second browser logged in to the account: the reset must end it
    other = s.client("en")
    r = other.post_form("/login", {"login": login, "password": "staple-battery-horse-42"})
    T.status(r, 303, "a second session")

    # the reset page: weak, mismatched, then a good password
    for lang, text in (("fr", "Mot de passe refusé"), ("en", "Password refused")):
        cl = s.client(lang)
        r = cl.get(rpath)
        T.status(r, 200, "GET the reset link (%s)" % lang)
        T.check(form_token(r) == rtoken and 'autocomplete="new-password"' in r.text,
                "the reset form (%s)" % lang)
        r = cl.post_form("/reset-password", {"token": rtoken, "password": "password",
                                             "password2": "password"}, csrf_from=rpath)
        T.status(r, 422, "a weak password is refused (%s)" % lang)
        err = field_error(r, "password")
        T.check(err is not None and text in err, "the refusal beside the field, in %s: %r" % (lang, err))
        T.check(form_token(r) == rtoken, "the form keeps the token")
    r = anon.post_form("/reset-password", {"token": rtoken, "password": "new-staple-battery-45",
                                           "password2": "new-staple-battery-46"}, csrf_from=rpath)
    T.status(r, 422, "two different passwords")
    T.check(field_error(r, "password2") is not None, "the mismatch beside the second field")
    r = c.post_form("/reset-password", {"token": rtoken, "password": "new-staple-battery-45",
                                        "password2": "new-staple-battery-45"}, csrf_from=rpath)
    T.status(r, 200, "a good password is taken")
    T.check("Password changed" in r.text and 'href="/login"' in r.text,
            "the success page links to the login")
    T.check("oa_session" not in c.cookies, "this browser's session cookie is cleared")
    T.status(other.api("GET", "/api/v1/me"), 401, "the other session is ended")
    T.check(verified_at(s, login) is not None, "still verified")
    r = s.client("en").post_form("/login", {"login": login, "password": "staple-battery-horse-42"})
    T.status(r, 401, "the old password no longer logs in")
    fresh = s.client("en")
    r = fresh.post_form("/login", {"login": login, "password": "new-staple-battery-45"})
    T.status(r, 303, "the new password logs in")
    T.status(fresh.api("GET", "/api/v1/me"), 200, "with a working session")
    # the used link: a clear 400 on GET and POST
    r = s.client("fr").get(rpath)
    T.status(r, 400, "a used reset link")
    r = s.client("en").post_form("/reset-password", {"token": rtoken,
                                                     "password": "other-staple-battery-47",
                                                     "password2": "other-staple-battery-47"},
                                 csrf_from="/forgot-password")
    T.status(r, 400, "a used reset link, POSTed")
    T.check("This link does not work" in r.text, "said plainly")
    T.check(len(d.messages()) == n, "no other message")
    return n


def my_email(s, d, n):
    """An account without an address gives one later (the API and the page
    /me/email), gets a link, confirms it; a change re-verifies; refusals."""
    c = s.client("en")
    login = unique("late")
    r = c.api("POST", "/api/v1/users", {"login": login, "display_name": "Late Comer",
                                         "password": "staple-battery-horse-42", "role": "candidate"})
    T.status(r, 201, "sign-up without an address")
    T.check(r.json()["user"]["email"] is None and r.json()["user"]["email_verified"] is False,
            "the user has no address yet")
    T.check('href="/me/email"' in c.get("/").text and "Add an e-mail address" in c.get("/").text,
            "every page reminds the account to give an address")
    T.status(s.client().api("PUT", "/api/v1/me/email", {"email": "a@example.org"}), 401,
             "PUT /api/v1/me/email needs a session")
    h = {"X-Requested-With": "t"}
    r = c.api("PUT", "/api/v1/me/email", {"email": "Late.Comer@Example.org"}, headers=h)
    T.status(r, 200, "PUT /api/v1/me/email")
    u = r.json()["user"] if r.status == 200 else {}
    T.check(u.get("email") == "late.comer@example.org" and u.get("email_verified") is False,
            "the address is the account's, unverified: %s" % u)
    n += 1
    m = d.wait(n)
    T.check("late.comer@example.org" in m["To"], "a link went to the new address")
    tok = re.search(r"verify-email\?token=([0-9a-f]{64})", m.get_body(("plain",)).get_content())
    T.check("Confirm your e-mail address" in c.get("/").text, "the reminder now asks to confirm")
    r = s.client().api("POST", "/api/v1/email-verifications", {"token": tok.group(1) if tok else ""})
    T.status(r, 204, "the link confirms it")
    me = c.get("/api/v1/me").json()["user"]
    T.check(me["email_verified"] is True, "GET /api/v1/me: verified")
    page = c.get("/me/email")
    T.check("late.comer@example.org" in page.text and "(confirmed)" in page.text,
            "/me/email shows the address, confirmed")
    T.check("Add an e-mail address" not in c.get("/").text and "Confirm your e-mail" not in c.get("/").text,
            "no reminder once confirmed")
    r = c.api("PUT", "/api/v1/me/email", {"email": "late.comer@example.org"}, headers=h)
    T.check(r.status == 200 and r.json()["user"]["email_verified"] is True,
            "the verified address again changes nothing")
    time.sleep(0.3)
    T.check(len(d.messages()) == n, "and sends nothing")
    # a change through the page (French): unverified again, a new link
    fr = s.client("fr")
    fr.cookies = dict(c.cookies)
    r = fr.post_form("/me/email", {"email": "pas une adresse"}, csrf_from="/me/email")
    T.check(r.status == 422 and 'aria-invalid="true"' in r.text, "page: not an address, beside the field")
    r = fr.post_form("/me/email", {"email": "zoe@example.org"}, csrf_from="/me/email")
    T.check(r.status == 409, "page: another account's address (%d)" % r.status)
    r = fr.post_form("/me/email", {"email": "nouvelle@example.org"}, csrf_from="/me/email")
    T.check(r.status == 303 and r.header("Location") == "/me/email?sent=1", "page: saved, 303")
    T.check("un lien de confirmation part" in fr.get("/me/email?sent=1").text, "page: says a link is on its way")
    n += 1
    m = d.wait(n)
    T.check("nouvelle@example.org" in m["To"] and m["Content-Language"] == "fr",
            "the new link, in French: %s" % m["To"])
    me = c.get("/api/v1/me").json()["user"]
    T.check(me["email"] == "nouvelle@example.org" and me["email_verified"] is False,
            "a changed address is verified again: %s" % me)
    r = fr.post_form("/me/email", {"email": "x@example.org"}, csrf=False)
    T.status(r, 403, "page: no CSRF token, refused")
    return n


def rate_limit(relay):
    """--reset-limit: the API and the page count together, per address."""
    s = Server(extra=relay + ["--reset-limit", "2"])  # a database of its own
    c = s.client("en")
    r = c.api("POST", "/api/v1/password-resets", {"email": "nobody1@example.org"})
    T.status(r, 202, "reset ask 1 (API)")
    r = c.post_form("/forgot-password", {"email": "nobody2@example.org"}, csrf_from="/forgot-password")
    T.status(r, 200, "reset ask 2 (page)")
    r = c.post_form("/forgot-password", {"email": "nobody3@example.org"}, csrf_from="/forgot-password")
    T.status(r, 429, "reset ask 3 (page) is limited")
    T.check(int(r.header("Retry-After") or 0) > 0, "429 has Retry-After")
    T.check("Too many requests" in r.text, "the page says why")
    r = c.api("POST", "/api/v1/password-resets", {"email": "nobody4@example.org"})
    T.status(r, 429, "reset ask 4 (API) is limited too")
    # links to one's own address: per account, whatever the address
    u = s.client("en")
    u.api("POST", "/api/v1/users", {"login": unique("lim"), "display_name": "Lim It",
                                     "password": "staple-battery-horse-42", "role": "candidate"})
    codes = [u.api("PUT", "/api/v1/me/email", {"email": "lim%d@example.org" % i},
                   headers={"X-Requested-With": "t"}).status for i in range(3)]
    T.check(codes == [200, 200, 429], "links for one account: 2 an hour, then 429 (%s)" % codes)
    s.stop()
    s.cleanup()


def main():
    d = Smtpd()
    tmp = tempfile.mkdtemp(prefix="offerapi-mail-test.")
    relay = d.relay_args()
    s = Server(extra=relay, tmp=tmp)
    c, r = signup(s, "Zoe@Example.org", "en")
    c_login = r.json()["user"]["login"] if r.status == 201 else ""
    T.status(r, 201, "sign-up with an e-mail")
    m = d.wait(1)
    T.check(m["To"] == "<zoe@example.org>" or "zoe@example.org" in m["To"], "To: %s" % m["To"])
    T.check(m["Subject"] == "Confirm your e-mail address on OffreAPI", "English subject")
    T.check(m["Content-Language"] == "en", "Content-Language en")
    T.check(m.get_content_type() == "multipart/alternative", "multipart/alternative")
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    T.check("Hello Zoé Dupré," in text, "the name in UTF-8 in the text part")
    link = re.search(r"https://jobs\.example\.org/verify-email\?token=[0-9a-f]{64}", text)
    T.check(link is not None, "a verification link to --public-url")
    T.check(link and link.group(0) in html, "the same link in the HTML part")
    T.check("OFFERAPI_SMTP" not in s.logtext(), "nothing about credentials in the log")

    deadline = time.time() + 10
    metrics = ""
    while 'offerapi_mail_messages_total{result="sent"} 1' not in metrics and time.time() < deadline:
        metrics = s.client().get("/metrics").text
        time.sleep(0.05)
    T.check('offerapi_mail_messages_total{result="sent"} 1' in metrics, "metrics: one sent")
    T.check('offerapi_mail_outbox{state="sent"} 1' in metrics, "metrics: the outbox")

    # the link, through the API: once
    token = link.group(0).rsplit("=", 1)[1]
    anon = s.client()
    r = anon.api("POST", "/api/v1/email-verifications", {"token": token})
    T.status(r, 204, "verification link followed")
    r = anon.api("POST", "/api/v1/email-verifications", {"token": token})
    T.status(r, 401, "a verification link works once")

    # forgot password: the same answer for an unknown address, nothing sent
    r = anon.api("POST", "/api/v1/password-resets", {"email": "nobody@example.org"})
    T.status(r, 202, "reset for an unknown address")
    r = anon.api("POST", "/api/v1/password-resets", {"email": "zoe@example.org"})
    T.status(r, 202, "reset for a known address")
    m = d.wait(2)
    T.check(len(d.messages()) == 2, "one reset message, none for the unknown address")
    T.check(m["Subject"] == "Reset your OffreAPI password", "reset subject in English")
    reset = re.search(r"/reset-password\?token=([0-9a-f]{64})", m.get_body(("plain",)).get_content())
    T.check(reset is not None, "a reset link")
    r = anon.api("POST", "/api/v1/password-resets/confirm",
                 {"token": reset.group(1), "password": "password"})
    T.status(r, 422, "a weak new password is refused")
    r = anon.api("POST", "/api/v1/password-resets/confirm",
                 {"token": reset.group(1), "password": "new-staple-battery-43"})
    T.status(r, 204, "password reset")
    r = c.api("GET", "/api/v1/me")
    T.status(r, 401, "every session ended by the reset")
    r = anon.api("POST", "/api/v1/sessions", {"login": c_login, "password": "new-staple-battery-43"})
    T.status(r, 201, "log in with the new password")
    r = s.client().api("POST", "/api/v1/password-resets/confirm",
                       {"token": reset.group(1), "password": "other-staple-battery-44"})
    T.status(r, 401, "a reset link works once")

    n = pages(s, d)
    n = my_email(s, d, n)

    _, r = signup(s, "not an address")
    T.status(r, 422, "an address that is not one")
    _, r = signup(s, "ZOE@example.org")
    T.status(r, 409, "another account's address")
    s.stop()

    # killed between the sign-up and its message: nothing lost, sent once
    s = Server(extra=relay + ["--mail-senders", "0"], tmp=tmp)
    _, r = signup(s, "kill@example.org", "fr")
    T.status(r, 201, "sign-up on a server that sends nothing")
    time.sleep(0.3)
    T.check(len(d.messages()) == n, "no message sent yet")
    s.proc.kill()
    s.proc.wait()
    s.log.close()
    s = Server(extra=relay, tmp=tmp)
    m = d.wait(n + 1)
    T.check(m["Subject"] == "Confirmez votre adresse e-mail sur OffreAPI", "French subject")
    T.check("kill@example.org" in m["To"], "the killed server's message went out")
    time.sleep(1.5)
    T.check(len(d.messages()) == n + 1, "once")
    s.stop()

    # offerapi-worker sends what a server with --mail-senders 0 wrote
    s = Server(extra=relay + ["--mail-senders", "0"], tmp=tmp)
    _, r = signup(s, "worker@example.org", "en")
    T.status(r, 201, "sign-up for the worker to send")
    wbin = os.environ.get("OFFERAPI_WORKER_BIN")
    if not wbin:
        fail("OFFERAPI_WORKER_BIN is not set")
    plugins = os.path.join(tmp, "plugins")
    wlog = open(os.path.join(tmp, "worker.log"), "wb")
    wp = subprocess.Popen([wbin, "--database", s.db_url, "--plugin-dir", plugins,
                           "--scorers", "random", "--workers", "1", "--mail-senders", "1",
                           "--smtp-url", "smtp://127.0.0.1:%d" % d.port,
                           "--mail-from", "jobs@example.org",
                           "--public-url", "https://jobs.example.org"],
                          stdout=wlog, stderr=subprocess.STDOUT)
    m = d.wait(n + 2)
    T.check("worker@example.org" in m["To"], "the worker sent the message")
    wp.send_signal(signal.SIGTERM)
    T.check(wp.wait(timeout=30) == 0, "the worker stops cleanly")
    wlog.close()
    with open(os.path.join(tmp, "worker.log"), "rb") as f:
        wtext = f.read().decode("utf-8", "replace")
    T.check("AddressSanitizer" not in wtext and "runtime error" not in wtext,
            "no sanitizer report from the worker")
    s.stop()
    rate_limit(relay)
    s.cleanup()
    d.stop()
    T.done()


main()
