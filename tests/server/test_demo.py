#!/usr/bin/env python3
"""test_demo.py - --demo fills an empty database so that the first pages
show offers and a full dashboard, and prints the recruiter's login."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server  # noqa: E402

T = Checker("server-demo")
srv = Server(extra=["--demo"])
out = srv.logtext()
m = re.search(r'Log in as recruiter "([^"]+)" with password "([^"]+)"', out)
T.check(m is not None, "the demo login is printed at start-up")
c = srv.client()
r = c.get("/")
T.check(r.text.count('class="card"') >= 3, "home shows the demo offers")
r = c.post_form("/login", {"login": m.group(1), "password": m.group(2)})
T.status(r, 303, "demo recruiter logs in")
r = c.get("/offers/1/dashboard")
T.status(r, 200, "demo dashboard")
T.check('<strong id="count">6</strong>' in r.text, "6 demo applications on the first offer")
T.check("<svg" in r.text and re.search(r'<td class="num">\d\.\d\d</td>', r.text), "scored, with a chart")
r = c.get("/applications/1/cv.pdf")
T.check(r.status == 200 and r.body.startswith(b"%PDF"), "demo CVs are real PDFs")
srv.stop()
srv2 = Server(db_url=srv.db_url, extra=["--demo"], tmp=srv.tmp)
T.check("already has offers" in srv2.logtext(), "a second --demo adds nothing")
r = srv2.client().get("/")
T.check(r.text.count('class="card"') == 3, "still 3 offers")
srv2.stop()
srv.cleanup()
T.done()
