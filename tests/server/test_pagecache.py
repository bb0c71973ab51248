#!/usr/bin/env python3
"""test_pagecache.py sqlite|postgresql - the home page's kept pages of offers
(libofferapi/searchcache.c) stay right when another process writes.

Server A renders the home page (anonymous, as a recruiter and as another
recruiter) so that its store keeps the pages; server B, a second process on
the same database, then creates, edits, closes, archives an offer, takes an
application and erases the recruiter's account; after each write A's next
page shows it. On PostgreSQL, A learns of B's writes by a notification
(libofferapi/genwatch.c), about half a round trip later: each check after
a write through B asks again until it holds, for 2 s at most. The pages kept for one visitor never carry another's: the
edit links, the counts of "my offers", the name and the CSRF token of the
header are the viewer's own."""
import html
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (CV_LINES, Checker, Server, apply_api, create_offer, fail,  # noqa: E402
                       make_pdf, signup)

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
T = Checker("server-pagecache-" + backend)
if backend == "postgresql":
    url = os.environ.get("OFFERAPI_TEST_PG_URL") or fail("run under tests/with-postgresql.sh")
    a = Server(url)
else:
    a = Server()
    url = a.db_url
b = Server(url, tmp=None)

rec_a = signup(a, "recruiter", name="Alice Recruteuse")  # her browser, on A
rec_b = b.client()  # the same account through B
rec_b.token = rec_a.bearer
other = signup(a, "recruiter", name="Bruno Autre")
anon = a.client()


def home(c, path="/"):
    r = c.get(path)
    T.status(r, 200, "home %s" % path)
    return html.unescape(r.text)


def cards(page):
    """{offer id: card text} of the board (after "Mes offres", if any)."""
    board = page.split("<h1>", 1)[-1]
    return {int(m.group(1)): m.group(0) for m in
            re.finditer(r'<article class="card"><h2><a href="/offers/(\d+)">.*?</article>', board)}


def mine(page):
    part = page.split("<h1>", 1)[0]
    return {int(m.group(1)): m.group(0) for m in
            re.finditer(r'<article class="card"><h2><a href="/offers/(\d+)">.*?</article>', part)}


def soon(cond):
    """cond() once it is true, or its value after 2 s."""
    end = time.monotonic() + 2
    while not (v := cond()) and time.monotonic() < end:
        time.sleep(0.01)
    return v


def home_once(c, good, path="/"):
    """The page home(c, path) once good(page) holds, or after 2 s."""
    end = time.monotonic() + 2
    while not good(page := home(c, path)) and time.monotonic() < end:
        time.sleep(0.01)
    return page


keep = create_offer(other, title="Offre de Bruno")
# A keeps the pages: each kind of visitor, twice
for _ in range(2):
    home(anon), home(rec_a), home(other)

# created through B
oid = create_offer(rec_b, title="Offre créée par B")
T.check(soon(lambda: oid in cards(home(anon))), "an offer created through B is on A's board")
T.check(oid in mine(home(rec_a)), "... and in its recruiter's offers on A")

# a search kept by A (its ranking and its page of offers)
for _ in range(2):
    T.check("Offre créée par B" in home(anon, "/?q=offre"), "the search finds it on A")

# edited through B
r = rec_b.api("PATCH", "/api/v1/offers/%d" % oid, {"title": "Offre modifiée par B"},
              headers={"X-Requested-With": "test", "Content-Type": "application/merge-patch+json"})
T.status(r, 200, "edit through B")
page = home_once(anon, lambda p: "Offre modifiée par B" in p)
T.check("Offre modifiée par B" in cards(page).get(oid, ""), "the edit through B shows on A")
T.check("Offre créée par B" not in page, "the old title is gone on A")
page = home_once(anon, lambda p: "Offre modifiée par B" in p, "/?q=offre")
T.check("Offre modifiée par B" in page and "Offre créée par B" not in page,
        "the searched page on A shows the edit through B")

# no cross-user leak: each viewer's own page, after the others' were kept
pa, po, pn = home(rec_a), home(other), home(anon)
T.check("/offers/%d/edit" % oid in cards(pa).get(oid, ""), "the owner's card has her edit link")
T.check("/offers/%d/edit" % oid not in po, "another recruiter never gets her edit link")
T.check("/offers/%d/edit" % keep in cards(po).get(keep, ""), "... but his own")
T.check("/offers/%d/edit" % keep not in pa, "and she never gets his")
T.check("/edit" not in pn and "csrf" not in pn, "an anonymous page has no edit link and no token")
T.check(oid not in mine(po) and keep not in mine(pa), "each \"my offers\" holds the viewer's only")
T.check("Bruno Autre" in po.split("<main", 1)[0] and "Alice" not in po.split("<main", 1)[0],
        "the header names the viewer")
tok = lambda p: re.findall(r'name="csrf" value="([0-9a-f]+)"', p)  # noqa: E731
T.check(tok(pa) and tok(po) and set(tok(pa)).isdisjoint(tok(po)), "each viewer has their own token")
en = a.client("en")
en.cookies = dict(rec_a.cookies)
en.cookies["oa_lang"] = "en"
T.check("Dashboard" in home(en, "/?lang=en") or "Dashboard" in home(en), "the page in English")

# an application through B: the count beside the owner's dashboard link
cand = signup(b, "candidate")
r = apply_api(cand, oid, answers=["Oui"], pdf=make_pdf(CV_LINES))
T.status(r, 201, "apply through B")
T.check(soon(lambda: re.search(r"/offers/%d/dashboard\">[^<]*\(1\)" % oid,
                              mine(home(rec_a)).get(oid, ""))),
        "the application through B is counted on A")

# closed through B
r = rec_b.api("POST", "/api/v1/offers/%d/close" % oid, {}, headers={"X-Requested-With": "test"})
T.status(r, 200, "close through B")
T.check(soon(lambda: oid not in cards(home(anon))), "an offer closed through B leaves A's board")
T.check('class="closed"' in mine(home(rec_a)).get(oid, ""), "... and shows closed in her offers")
r = rec_b.api("POST", "/api/v1/offers/%d/reopen" % oid, {}, headers={"X-Requested-With": "test"})
T.status(r, 200, "reopen through B")
T.check(soon(lambda: oid in cards(home(anon))), "reopened through B: back on A's board")

# archived (DELETE) through B
r = rec_b.api("DELETE", "/api/v1/offers/%d" % oid, None, headers={"X-Requested-With": "test"})
T.status(r, (200, 204), "archive through B")
T.check(soon(lambda: oid not in cards(home(anon))), "an offer archived through B leaves A's board")

# the recruiter's name blanked by the erasure of his account, through B
T.check("Bruno Autre" in cards(home(anon)).get(keep, ""), "Bruno's name on his card")
eb = b.client()
eb.token = other.bearer
r = eb.api("DELETE", "/api/v1/me", {"password": "staple-battery-horse-42"},
           headers={"X-Requested-With": "test"})
T.status(r, (200, 204), "erase Bruno's account through B")
card = cards(home_once(anon, lambda p: "Bruno Autre" not in cards(p).get(keep, ""))).get(keep)
T.check(card is None or "Bruno Autre" not in card, "his name is gone from A's board: %r" % card)

a.stop()
b.stop()
T.done()
