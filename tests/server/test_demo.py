#!/usr/bin/env python3
"""test_demo.py - --demo fills an empty database so that the first pages
show offers and a full dashboard; every start prints the URL and the demo
logins (a recruiter, two candidates) with new passwords that work, and the
home and login pages show them in a banner (never without --demo)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server  # noqa: E402

T = Checker("server-demo")
srv = Server(extra=["--demo"])


def logins(out):
    return re.findall(r'^  (recruiter|candidate) +login "([^"]+)" password "([^"]+)"$', out, re.M)


out = srv.logtext()
T.check(re.search(r"^OffreAPI demo: open http://127\.0\.0\.1:\d+/$", out, re.M) is not None,
        "the URL to open is printed")
first = logins(out)
T.check([(w, l) for w, l, _ in first] == [("recruiter", "demo-recruiter"), ("candidate", "alice"),
                                          ("candidate", "bruno")],
        "the recruiter and two candidates are printed: %r" % first)
m = re.search(r'login "(demo-recruiter)" password "([^"]+)"', out)
c = srv.client()
r = c.get("/")
for _, login, pw in first:
    T.check("<code>%s</code> / <code>%s</code>" % (login, pw) in r.text, "the home banner shows " + login)
T.check("<code>alice</code>" in c.get("/login").text, "the login page shows the banner")
for _, login, pw in first[1:]:
    cc = srv.client()
    r = cc.post_form("/login", {"login": login, "password": pw})
    T.status(r, 303, "demo candidate %s logs in" % login)
    T.check("Mes candidatures" in cc.get("/").text, login + " is a logged-in candidate")
r = c.get("/")
T.check(r.text.count('class="card"') >= 3, "home shows the demo offers")
r = c.post_form("/login", {"login": m.group(1), "password": m.group(2)})
T.status(r, 303, "demo recruiter logs in")
r = c.get("/offers/1/dashboard")
T.status(r, 200, "demo dashboard")
T.check('<strong id="count">6</strong>' in r.text, "6 demo applications on the first offer")
T.check("<svg" in r.text and re.search(r'<td class="num">\d,\d\d</td>', r.text), "scored, with a chart")
r = c.get("/applications/1/cv.pdf")
T.check(r.status == 200 and r.body.startswith(b"%PDF"), "demo CVs are real PDFs")
srv.stop()
srv2 = Server(db_url=srv.db_url, extra=["--demo"], tmp=srv.tmp)
T.check("already has offers" in srv2.logtext(), "a second --demo adds nothing")
r = srv2.client().get("/")
T.check(r.text.count('class="card"') == 3, "still 3 offers")
second = logins(srv2.logtext())
T.check(len(second) == 3 and second != first, "the second start prints the logins again, new passwords")
for _, login, pw in second:
    r = srv2.client().post_form("/login", {"login": login, "password": pw})
    T.status(r, 303, "second start: %s logs in with the printed password" % login)
r = srv2.client().post_form("/login", {"login": first[0][1], "password": first[0][2]})
T.status(r, 401, "the first start's password no longer works")
srv2.stop()
srv3 = Server(db_url=srv.db_url, tmp=srv.tmp)
T.check("demo" not in srv3.client().get("/").text.lower().split("</header>")[1],
        "without --demo: no banner")
T.check("password" not in srv3.logtext(), "without --demo: no password printed")
srv3.stop()
srv.cleanup()
T.done()
