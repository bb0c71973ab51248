#!/usr/bin/env python3
"""test_lists.py - one pagination scheme on every API list (issue 15).

Offers (a search and a recruiter's own), a candidate's applications and an
offer's dashboard are read page by page with ?limit and the opaque ?cursor:
each page's `next` (and its RFC 8288 Link header) leads to the next one,
every item comes once, `prev` leads back, `total` is there where it is
cheap. A bad limit, a malformed cursor, another list's cursor and an
unknown parameter are 400 problems naming the parameter (unknown ones with
the allowed names). Every answer is checked against server/openapi.yaml."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, apply_api, create_offer, signup  # noqa: E402

T = Checker("server-api-lists")


def links(resp):
    """{rel: url} of the Link header."""
    out = {}
    for url, rel in re.findall(r'<([^>]*)>;\s*rel="([a-z]+)"', resp.header("Link") or ""):
        out[rel] = url
    return out


def walk(c, first, key, by_link):
    """Every page from @first, following the body's next (or the Link
    header): the ids in order, and the pages."""
    ids, pages, url = [], [], first
    while url and len(pages) < 50:
        r = c.get(url)
        if not T.status(r, 200, "GET " + url):
            break
        body = r.json()
        pages.append((r, body))
        ids += [x["id"] for x in body[key]]
        nxt = body["next"]
        lk = links(r)
        T.check((nxt is None) == ("next" not in lk), "%s: Link rel=next iff next (%s)" % (url, lk))
        if by_link:
            url = lk.get("next")
        else:
            url = (first.split("?")[0] + "?" + "&".join(
                [p for p in first.split("?", 1)[1].split("&") if p] + ["cursor=" + nxt])) if nxt else None
    return ids, pages


srv = Server()
rec = signup(srv, "recruiter")
rec.token = rec.bearer
other = signup(srv, "recruiter")
other.token = other.bearer
cand = signup(srv, "candidate")
cand.token = cand.bearer
mine = [create_offer(rec, title="Pagination %d" % i, questions=[]) for i in range(7)]
create_offer(other, title="Ailleurs", questions=[])
rec.api("POST", "/api/v1/offers/%d/close" % mine[0])
for oid in mine[1:6]:
    T.status(apply_api(cand, oid, answers=[]), 201, "apply to %d" % oid)
anon = srv.client()

# 1. open offers, 3 a page, by the body's next, then by the Link header
ids, pages = walk(anon, "/api/v1/offers?limit=3", "offers", False)
T.check(ids == sorted(ids, reverse=True) and len(ids) == len(set(ids)) == 7,
        "7 open offers, newest first, each once: %s" % ids)
T.check([len(b["offers"]) for _, b in pages] == [3, 3, 1], "pages of 3, 3, 1")
T.check(all(b["limit"] == 3 and b["total"] is None for _, b in pages),
        "limit echoed, no total for a search")
T.check(pages[0][1]["prev"] is None and pages[1][1]["prev"], "prev: null on the first page only")
ids2, _ = walk(anon, "/api/v1/offers?limit=3", "offers", True)
T.check(ids2 == ids, "the Link header walks the same pages")
r = anon.get("/api/v1/offers?limit=3&cursor=" + pages[1][1]["prev"])
T.check(r.status == 200 and [x["id"] for x in r.json()["offers"]] == ids[:3],
        "prev of page 2 is page 1")
T.check("prev" not in links(r) and "next" in links(r), "page 1 links next only: %s" % links(r))
# a search keeps its filters in the links
r = anon.get("/api/v1/offers?q=Pagination&limit=2")
T.check("q=Pagination" in links(r).get("next", ""), "the next link keeps ?q: %s" % links(r))
# the recruiter's own offers, closed one included, with a total
ids, pages = walk(rec, "/api/v1/offers?mine=1&limit=4", "offers", True)
T.check(sorted(ids) == sorted(mine) and pages[0][1]["total"] == 7, "mine: 7 offers, total 7")
T.check(all("applications" in o for _, b in pages for o in b["offers"]),
        "the recruiter sees the applications count of each")

# 2. a candidate's applications, 2 a page, with the total
ids, pages = walk(cand, "/api/v1/me/applications?limit=2", "applications", True)
T.check(len(ids) == 5 == len(set(ids)) and ids == sorted(ids, reverse=True),
        "5 applications newest first, each once: %s" % ids)
T.check(all(b["total"] == 5 and b["limit"] == 2 for _, b in pages), "total 5 on every page")
r = cand.get("/api/v1/me/applications")
T.check(r.json()["limit"] == 50 and r.json()["next"] is None and "Link" not in dict(r.headers),
        "the default page: 50, no next, no Link")

# 3. the dashboard: limit, total, Link
oid = mine[1]
cand2 = signup(srv, "candidate")
cand2.token = cand2.bearer
apply_api(cand2, oid, answers=[])
# a score written between two pages moves a row in the ranking: walk it
# once both are scored
for _ in range(600):
    if rec.get("/api/v1/offers/%d/applications?rank=random" % oid).json()["scored"] == 2:
        break
    time.sleep(0.1)
ids, pages = walk(rec, "/api/v1/offers/%d/applications?limit=1&rank=random" % oid, "applications", True)
T.check(len(ids) == 2 == len(set(ids)), "dashboard: 2 applications, one a page")
T.check(all(b["total"] == 2 and b["count"] == 2 and b["limit"] == 1 for _, b in pages),
        "dashboard total = count")
T.check("rank=random" in (pages[0][0].header("Link") or ""), "the dashboard's link keeps ?rank")

# 4. errors: 400 naming the parameter
for url, param in (("/api/v1/offers?limit=0", "limit"), ("/api/v1/offers?limit=501", "limit"),
                   ("/api/v1/offers?limit=x", "limit"), ("/api/v1/offers?limit=-1", "limit"),
                   ("/api/v1/offers?cursor=a%20b", "cursor"),
                   ("/api/v1/offers?cursor=o1.n.0.00000000.1.1", "cursor"),
                   ("/api/v1/me/applications?limit=9999", "limit"),
                   ("/api/v1/offers/%d/applications?cursor=zz" % oid, "cursor")):
    who = rec if "/offers/%d" % oid in url else cand
    r = who.get(url)
    ok = T.status(r, 400, url)
    if ok:
        p = r.json()
        T.check(p["code"] == "invalid" and [e.get("parameter") for e in p["errors"]] == [param],
                "%s: names %s: %s" % (url, param, p))
# another list's cursor: my applications' cursor on the offers
mine_cursor = cand.get("/api/v1/me/applications?limit=1").json()["next"]
r = anon.get("/api/v1/offers?cursor=" + mine_cursor)
T.status(r, 400, "a cursor of my applications given to the offers")
# a search's cursor given to another search
nxt = anon.get("/api/v1/offers?q=Pagination&limit=2").json()["next"]
r = anon.get("/api/v1/offers?q=Ailleurs&cursor=" + nxt)
T.status(r, 400, "a cursor of another search")
OFFER_PARAMS = ["q", "location", "skill", "mine", "contract", "remote", "salary_floor",
                "salary_currency", "limit", "cursor"]
for url, allowed in (("/api/v1/offers?offset=10", OFFER_PARAMS),
                     ("/api/v1/me/applications?page=2", ["limit", "cursor"]),
                     ("/api/v1/offers/%d/applications?sort=x" % oid, ["rank", "stage", "limit", "cursor"])):
    who = rec if "/offers/%d" % oid in url else cand
    r = who.get(url)
    if T.status(r, 400, url):
        e = r.json()["errors"][0]
        T.check(e["allowed"] == allowed and e["parameter"] == url.split("?")[1].split("=")[0],
                "%s: the allowed parameters: %s" % (url, e))
r = srv.client(lang="en").get("/api/v1/offers?limit=0&bogus=1")
T.check(r.status == 400 and len(r.json()["errors"]) == 2 and "from 1 to 500" in str(r.json()),
        "every bad parameter at once, in English: %s" % r.text[:300])
r = srv.client(lang="fr").get("/api/v1/offers?limit=0")
T.check("de 1 à 500" in str(r.json()), "in French")
srv.stop()
srv.cleanup()
T.done()
