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
- an address that is not one, or another account's, is refused (422/409).
"""
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, fail, unique  # noqa: E402

SMTPD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail", "smtpd.py")
T = Checker("server-mail")


class Smtpd:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="offerapi-smtpd.")
        self.proc = subprocess.Popen(["/usr/bin/python3", SMTPD, self.dir], stdout=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("port "):
            fail("smtpd.py did not start (python3-aiosmtpd missing?)")
        self.port = int(line.split()[1])

    def messages(self):
        return sorted(f for f in os.listdir(self.dir) if f.endswith(".eml"))

    def wait(self, n, timeout=20):
        deadline = time.time() + timeout
        while len(self.messages()) < n and time.time() < deadline:
            time.sleep(0.05)
        got = self.messages()
        if len(got) < n:
            fail("%d message(s) at the SMTP server, expected %d" % (len(got), n))
        with open(os.path.join(self.dir, got[n - 1]), "rb") as f:
            return email.message_from_bytes(f.read(), policy=email.policy.default)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


def signup(s, addr, lang="fr"):
    c = s.client(lang)
    login = unique("cand")
    r = c.api("POST", "/api/v1/users", {"login": login, "display_name": "Zoé Dupré",
                                         "password": "staple-battery-horse-42",
                                         "role": "candidate", "email": addr})
    return c, r


def main():
    d = Smtpd()
    tmp = tempfile.mkdtemp(prefix="offerapi-mail-test.")
    relay = ["--smtp-url", "smtp://127.0.0.1:%d" % d.port, "--mail-from", "jobs@example.org",
             "--public-url", "https://jobs.example.org"]
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
    T.check(len(d.messages()) == 2, "no message sent yet")
    s.proc.kill()
    s.proc.wait()
    s.log.close()
    s = Server(extra=relay, tmp=tmp)
    m = d.wait(3)
    T.check(m["Subject"] == "Confirmez votre adresse e-mail sur OffreAPI", "French subject")
    T.check("kill@example.org" in m["To"], "the killed server's message went out")
    time.sleep(1.5)
    T.check(len(d.messages()) == 3, "once")
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
    m = d.wait(4)
    T.check("worker@example.org" in m["To"], "the worker sent the message")
    wp.send_signal(signal.SIGTERM)
    T.check(wp.wait(timeout=30) == 0, "the worker stops cleanly")
    wlog.close()
    with open(os.path.join(tmp, "worker.log"), "rb") as f:
        wtext = f.read().decode("utf-8", "replace")
    T.check("AddressSanitizer" not in wtext and "runtime error" not in wtext,
            "no sanitizer report from the worker")
    s.stop()
    s.cleanup()
    d.stop()
    T.done()


main()
