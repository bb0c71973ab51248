#!/usr/bin/env python3
"""test_ranking.py - the dashboard ranks by the first scorer of --scorers
(similarity by default), the same for page, API and CSV, and shows the
similarity scorer's structured explanation in the reader's language."""
import re
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (Checker, Server, apply_api, create_offer, make_pdf,  # noqa: E402
                       signup)

T = Checker("server-ranking")
GOOD = ["Camille Martin - Developpeuse C embarque", "Langage C, Linux embarque, STM32F4, FreeRTOS",
        "Pilotes de peripheriques et protocoles CAN sur microcontroleurs"]
POOR = ["Paul Durand - Boulanger", "Pain au levain, viennoiseries, patisserie",
        "Fournil de quartier, ouverture a 4 heures"]


def story(srv, expect_by):
    rec = signup(srv, "recruiter")
    oid = create_offer(rec, title="Développeur C embarqué", skills=("C", "Linux", "STM32"),
                       description="Pilotes et firmware en C sur microcontrôleurs STM32 sous Linux.")
    ids = {}
    for name, lines in (("poor", POOR), ("good", GOOD)):  # the poor CV applies first
        cand = signup(srv, "candidate", name=lines[0].split(" - ")[0])
        r = apply_api(cand, oid, pdf=make_pdf(lines))
        T.status(r, 201, "%s applies" % name)
        ids[name] = r.json()["application"]["id"]
    rec.token = rec.bearer
    # scoring runs as jobs: rank once every score is in (a scored poor CV
    # ranks above a good one still pending)
    for name, app_id in ids.items():
        for _ in range(1200):  # a hang guard only
            r = rec.api("GET", "/api/v1/applications/%d/jobs" % app_id,
                        headers={"Authorization": "Bearer " + rec.bearer})
            T.status(r, 200, "%s's jobs" % name)
            states = [jb["state"] for jb in r.json()["jobs"]]
            if states and all(st == "done" for st in states):
                break
            time.sleep(0.05)
        else:
            T.check(False, "%s's jobs are done: %s" % (name, states))
    r = rec.api("GET", "/api/v1/offers/%d/applications" % oid,
                headers={"Authorization": "Bearer " + rec.bearer})
    T.status(r, 200, "API dashboard")
    j = r.json()
    T.check(j["rank_by"] == expect_by, "the API ranks by %s (got %s)" % (expect_by, j["rank_by"]))
    return rec, oid, ids, j


# 1. the default configuration: similarity ranks, random is a column
srv = Server(scorers="similarity,random")
rec, oid, ids, j = story(srv, "similarity")
T.check([a["id"] for a in j["applications"]] == [ids["good"], ids["poor"]],
        "the relevant CV is first, by similarity")
sim = [s for s in j["applications"][0]["scores"] if s["scorer"] == "similarity"]
T.check(sim and isinstance(sim[0].get("details"), dict) and sim[0]["details"]["skills"],
        "the API gives the explanation's details as data: %s" % (sim[0] if sim else None))
page = rec.get("/offers/%d/dashboard" % oid)
T.status(page, 200, "dashboard page")
html = page.text
T.check(html.index("Camille") < html.index("Paul") if "Camille" in html else False,
        "the page ranks the relevant CV first")
T.check("Compétences présentes" in html, "the explanation is in French on a French page")
T.check('{"v"' not in html and "&quot;v&quot;" not in html, "no raw JSON document on the page")
subs = re.findall(r'<p class="sub">(.*?)</p>', html)
T.check(subs and re.search(r"Texte \d,\d\d", subs[0]) and not re.search(r"\d\.\d", subs[0]),
        "sub-scores with a decimal comma on a French page: %s" % subs[:1])
en = srv.client(lang="en")
en.cookies = rec.cookies
page_en = en.get("/offers/%d/dashboard" % oid)
T.check("Skills shown" in page_en.text, "the explanation is in English on an English page")
subs_en = re.findall(r'<p class="sub">(.*?)</p>', page_en.text)
T.check(subs_en and re.search(r"Text \d\.\d\d", subs_en[0]),
        "sub-scores with a decimal point on an English page: %s" % subs_en[:1])
csv = rec.get("/offers/%d/dashboard.csv" % oid)
T.status(csv, 200, "CSV")
lines = csv.text.splitlines()
T.check(len(lines) == 3 and "Camille" in lines[1], "the CSV ranks as the page does")
T.check("Compétences présentes" in lines[1], "the CSV explanation is in the reader's language")
T.check(csv.headers_all("Transfer-Encoding") == ["chunked"] and not csv.headers_all("Content-Length"),
        "the CSV is streamed in chunks: %s" % dict(csv.headers))
head = lines[0].split(",")
T.check(head[:9] == ["rank", "application_id", "candidate", "login", "email", "stage", "stage_since",
                     "applied_at", "filename"], "CSV columns: contact, stage and dates: %s" % head[:9])
T.check(',"",received,20' in lines[1], "a candidate without an address, received: %s" % lines[1][:120])
# the same for Excel in French: a byte order mark, ';' and decimal commas
xl = rec.get("/offers/%d/dashboard.csv?dialect=excel" % oid)
T.status(xl, 200, "CSV ?dialect=excel")
T.check(xl.body.startswith(b"\xef\xbb\xbfrank;application_id;candidate;"), "Excel: BOM and ';' in the header")
row = xl.body.decode("utf-8-sig").splitlines()[1].split(";")
T.check(row[0] == "1" and "Camille" in row[2] and re.fullmatch(r"0,\d{4}", row[9]) is not None,
        "Excel: the first row, its score with a decimal comma: %s" % row[:10])
T.check(csv.text.splitlines()[1].split(",")[9].count(".") == 1, "RFC 4180: a decimal point")
T.check('href="/offers/%d/dashboard.csv?dialect=excel' % oid in html, "the dashboard links the Excel CSV")
bad = rec.get("/api/v1/offers/%d/applications.csv?dialect=semicolon" % oid,
              headers={"Authorization": "Bearer " + rec.bearer})
T.check(bad.status in (400, 422) and "dialect" in bad.text, "an unknown dialect is refused, named (%d)" % bad.status)
# pages by key: limit 1 gives one row a page, the counts cover both
hdr = {"Authorization": "Bearer " + rec.bearer}
p1 = rec.api("GET", "/api/v1/offers/%d/applications?limit=1" % oid, headers=hdr).json()
T.check(len(p1["applications"]) == 1 and p1["count"] == 2 and p1["next"] and not p1["prev"],
        "API page 1 of 2: one row, count 2, a next cursor: %s" % p1)
p2 = rec.api("GET", "/api/v1/offers/%d/applications?limit=1&cursor=%s" % (oid, p1["next"]),
             headers=hdr).json()
T.check([a["id"] for a in p1["applications"] + p2["applications"]] == [ids["good"], ids["poor"]]
        and not p2["next"] and p2["prev"], "API page 2 follows page 1: %s" % p2)
T.check(sum(p1["histogram"]) == 2, "the histogram counts every application")
for q in ("limit=0", "limit=501", "limit=x", "cursor=r1.n.0.00000000.s.1.1.1"):
    r = rec.api("GET", "/api/v1/offers/%d/applications?%s" % (oid, q), headers=hdr)
    T.status(r, 400, "API dashboard ?%s" % q)
r = rec.get("/offers/%d/dashboard?limit=1" % oid)
T.check('rel="next"' in r.text and "Camille" in r.text and "Paul" not in r.text,
        "the page shows one row and a link to the next")
r = rec.get("/offers/%d/dashboard?rank=random" % oid)
T.check('value="random" selected' in r.text, "?rank=random ranks by random on request")
r = rec.get("/offers/%d/dashboard?rank=bogus" % oid)
T.check('value="similarity" selected' in r.text, "an unknown ?rank falls back to the first scorer")
srv.stop()
srv.cleanup()

# 2. the order of --scorers decides: random first ranks by random
srv = Server(scorers="random,similarity")
story(srv, "random")
srv.stop()
srv.cleanup()
T.done()
