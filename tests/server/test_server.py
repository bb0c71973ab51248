#!/usr/bin/env python3
"""test_server.py BACKEND - every page and API route of offerapi-server over
real HTTP, on BACKEND "sqlite" (a temp file) or "postgresql" (run under
tests/with-postgresql.sh, which exports OFFERAPI_TEST_PG_URL).

Covers: pages and API on the happy path, the role/ownership walk (anonymous,
candidate, another recruiter, owner), escaping of hostile input in every
field, upload refusals, CSRF, failed-login limiting, /metrics with promtool,
SIGTERM. A missing part (promtool, PostgreSQL) fails; nothing is skipped.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (CV_LINES, Checker, Server, apply_api, create_offer, fail,  # noqa: E402
                       make_image_only_pdf, make_pdf, signup, unique, wait_offer_scored,
                       wait_scored)

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
if backend == "postgresql":
    db_url = os.environ.get("OFFERAPI_TEST_PG_URL")
    if not db_url:
        fail("OFFERAPI_TEST_PG_URL is not set: run under tests/with-postgresql.sh")
else:
    db_url = None

T = Checker("server-" + backend)
MAX_UPLOAD = 200000
srv = Server(db_url, extra=["--max-upload", str(MAX_UPLOAD), "--login-max-failures", "5"])
XRW = {"X-Requested-With": "test"}


def page_signup(role):
    """Sign up through the HTML form, as a browser does."""
    c = srv.client()
    login = unique(role[:3])
    r = c.post_form("/signup", {"login": login, "display_name": login.title(),
                                "password": "staple-battery-horse-42", "role": role}, csrf_from="/signup")
    T.status(r, 303, "POST /signup as " + role)
    T.check("oa_session" in c.cookies, "sign-up sets the session cookie")
    c.login = login
    return c


# ---- anonymous pages and ops ------------------------------------------------------------
anon = srv.client()
for path in ["/", "/signup", "/login", "/?q=C&location=Lyon&skill=Linux"]:
    r = anon.get(path)
    T.status(r, 200, "GET " + path)
    T.check(r.header("Content-Type") == "text/html; charset=utf-8", path + " is HTML")
    T.check("default-src 'none'" in (r.header("Content-Security-Policy") or ""), path + " has a CSP")
r = anon.get("/static/style.css")
T.status(r, 200, "GET /static/style.css")
T.check(r.header("Content-Type").startswith("text/css"), "CSS content type")
r = anon.get("/healthz")
T.status(r, 200, "GET /healthz")
r = anon.get("/readyz")
T.status(r, 200, "GET /readyz")
r = anon.get("/no/such/page")
T.status(r, 404, "unknown page")
T.check("<h1>404</h1>" in r.text, "404 page is HTML")
r = anon.get("/api/v1/nothing")
T.status(r, 404, "unknown API route")
T.check(r.json()["code"] == "not_found", "unknown API route gives a JSON error")
r = anon.request("DELETE", "/")
T.status(r, 405, "DELETE / is 405")
r = anon.get("/offers/0")
T.status(r, 404, "/offers/0 matches no route")
r = anon.get("/offers/999999")
T.status(r, 404, "unknown offer")
r = anon.get("/api/v1/offers/999999")
T.status(r, 404, "unknown offer (API)")
T.check(r.json()["code"] == "not_found", "not_found code")
r = srv.client().get("/", headers={"X-Big": "a" * 20000})
T.status(r, (400, 413, 431), "a request head over --max-header is refused")
r = anon.request("HEAD", "/")
T.check(r.status == 200 and r.body == b"" and int(r.header("Content-Length")) > 0, "HEAD gives headers only")
g = anon.get("/")
# pages are sent from their own buffer, the headers moved in front of the body
T.check(int(r.header("Content-Length")) == len(g.body) == int(g.header("Content-Length"))
        and g.body.startswith(b"<!DOCTYPE html>") and g.body.endswith(b"</html>\n"),
        "a page's Content-Length is its body's, HEAD or GET, and the body is whole")
r = anon.get("/", headers={"X-Request-Id": "abc-123"})
T.check(r.header("X-Request-Id") == "abc-123", "X-Request-Id is echoed")

# Language: French by default, English by Accept-Language or the switch.
r = srv.client("en-GB,en;q=0.9").get("/")
T.check("Job offers" in r.text and 'lang="en"' in r.text, "Accept-Language: en gives English")
r = srv.client("fr-FR,fr;q=0.9,en;q=0.5").get("/")
T.check("Offres d" in r.text, "Accept-Language: fr gives French")
c = srv.client("fr")
r = c.get("/lang/en", headers={"Referer": "http://127.0.0.1:%d/login" % srv.port,
                                "Host": "127.0.0.1:%d" % srv.port})
T.status(r, 303, "GET /lang/en")
T.check(r.header("Location") == "/login", "the switch returns to the page")
T.check(c.cookies.get("oa_lang") == "en", "the switch sets oa_lang")
T.check("Log in" in c.get("/login").text, "after the switch, pages are in English")
r = c.get("/lang/fr", headers={"Referer": "http://evil.example/x"})
T.check(r.header("Location") == "/", "the switch never redirects to another site")

# ---- accounts through the pages ---------------------------------------------------------
owner = page_signup("recruiter")
cand = page_signup("candidate")
r = srv.client().post_form("/signup", {"login": unique("x"), "display_name": "X",
                                       "password": "staple-battery-horse-42", "role": "candidate"}, csrf=False)
T.status(r, 403, "POST /signup without a CSRF token")
r = srv.client().post_form("/signup", {"login": owner.login, "display_name": "X",
                                       "password": "staple-battery-horse-42", "role": "candidate"},
                           csrf_from="/signup")
T.status(r, 409, "sign-up with a taken login")
T.check("déjà pris" in r.text, "taken login: a clear message")
r = srv.client().post_form("/signup", {"login": unique("y"), "display_name": "Y",
                                       "password": "short", "role": "candidate"}, csrf_from="/signup")
T.status(r, 422, "sign-up with a short password")
r = srv.client().post_form("/signup", {"login": unique("z"), "display_name": "Z",
                                       "password": "staple-battery-horse-42", "role": "admin"}, csrf_from="/signup")
T.status(r, 422, "sign-up with an unknown role")

# login / logout
c = srv.client()
r = c.post_form("/login", {"login": cand.login, "password": "staple-battery-horse-42"}, csrf_from="/login")
T.status(r, 303, "POST /login")
sc = " ".join(r.headers_all("Set-Cookie"))
T.check("HttpOnly" in sc and "SameSite=Lax" in sc, "session cookie is HttpOnly, SameSite=Lax")
T.check("Secure" not in sc, "no Secure flag over plain HTTP")
T.check(cand.login in c.get("/").text.lower() or "Déconnexion" in c.get("/").text, "logged in")
r = c.post_form("/logout", {}, csrf=False)
T.status(r, 403, "POST /logout without CSRF")
r = c.post_form("/logout", {})
T.status(r, 303, "POST /logout")
T.check("oa_session" not in c.cookies, "logout clears the cookie")
r = c.post_form("/login", {"login": cand.login, "password": "wrong-password"}, csrf_from="/login")
T.status(r, 401, "login with a wrong password")
T.check("incorrect" in r.text, "wrong password: clear message")
r = srv.client().get("/login", headers={"X-Forwarded-Proto": "https"})
T.check("; Secure" in " ".join(r.headers_all("Set-Cookie")), "X-Forwarded-Proto: https gives Secure cookies")

# ---- offers through the pages -------------------------------------------------------------------
r = owner.get("/offers/new")
T.status(r, 200, "GET /offers/new")
r = owner.post_form("/offers", {"title": "Ingénieur C", "description": "Du C, du vrai.",
                                "location": "Lyon", "skills": "C, Linux, Meson",
                                "questions": "Pourquoi nous ?\nVotre projet préféré ?"},
                    csrf_from="/offers/new")
T.status(r, 303, "POST /offers")
m = re.match(r"^/offers/(\d+)$", r.header("Location") or "")
T.check(m is not None, "POST /offers redirects to the offer")
offer_id = int(m.group(1)) if m else fail("no offer id")
r = owner.post_form("/offers", {"title": "", "description": "x"}, csrf_from="/offers/new")
T.status(r, 422, "POST /offers without a title")
T.check("title" in r.text, "the message names the field")
r = owner.post_form("/offers", {"title": "t", "description": "d",
                                "skills": ",".join("s%d" % i for i in range(60))}, csrf_from="/offers/new")
T.status(r, 422, "too many skills")
# a comma inside brackets that close on the line does not split a skill
# (the similarity scorer reads "Calage (encrage, mouillage)" as one skill);
# an unclosed bracket splits at every comma, as before
r = owner.post_form("/offers", {"title": "Conducteur offset", "description": "Presse offset.",
                                "skills": "Calage (encrage, mouillage), Offset\nJava (17, Kotlin\n[a, b] c",
                                "questions": ""}, csrf_from="/offers/new")
T.status(r, 303, "POST an offer with bracketed skills")
br_id = int(re.match(r"^/offers/(\d+)$", r.header("Location") or "/offers/0").group(1))
br_skills = json.loads(anon.get("/api/v1/offers/%d" % br_id).text)["offer"]["skills"]
T.check(br_skills == ["Calage (encrage, mouillage)", "Offset", "Java (17", "Kotlin", "[a, b] c"],
        "skills split at commas outside closed brackets")
r = owner.get("/offers/%d/edit" % br_id)
T.check("Calage (encrage, mouillage)" in r.text, "the edit form shows the bracketed skill whole")
r = owner.get("/offers/%d/edit" % offer_id)
T.status(r, 200, "GET edit")
T.check("Ingénieur C" in r.text and "Votre projet préféré ?" in r.text, "edit form is pre-filled")
r = owner.post_form("/offers/%d/edit" % offer_id,
                    {"title": "Ingénieur C senior", "description": "Du C, du vrai.", "location": "Lyon",
                     "skills": "C, Linux, Meson", "questions": "Pourquoi nous ?\nVotre projet préféré ?"},
                    csrf_from="/offers/%d/edit" % offer_id)
T.status(r, 303, "POST edit")
r = anon.get("/offers/%d" % offer_id)
T.status(r, 200, "GET offer page")
T.check("Ingénieur C senior" in r.text, "the edit shows")
r = anon.get("/?q=senior")
T.check("/offers/%d\"" % offer_id in r.text, "search by words finds the offer")
r = anon.get("/?skill=meson")
T.check("/offers/%d\"" % offer_id in r.text, "search by skill finds the offer")
r = anon.get("/?location=lyon&q=zzzzunlikely")
T.check("/offers/%d\"" % offer_id not in r.text, "search excludes non-matching offers")
r = anon.get("/?q=" + "a" * 600)
T.status(r, 400, "too long a search")
# full-text search (issue 14): stems, snippets HTML-escaped with <mark>, the
# "some of the words" notice, bounds, operators typed by the reader
r = owner.post_form("/offers", {"title": "Développeur <Rust>",
                                "description": "Un poste de développeur & d'ingénieur <b>système</b>.",
                                "location": "Lyon", "skills": "Rust", "questions": ""},
                    csrf_from="/offers/new")
T.status(r, 303, "POST an offer to search")
dev_id = int(re.match(r"^/offers/(\d+)$", r.header("Location") or "/offers/0").group(1))
r = anon.get("/?q=developpeuse")
T.check('/offers/%d"' % dev_id in r.text, "a feminine word finds the masculine title")
T.check("<mark>développeur</mark> &amp; d&#39;ingénieur &lt;b&gt;système&lt;/b&gt;." in r.text,
        "the snippet is escaped and marks the word")
T.check("<b>système" not in r.text, "no markup from the description")
T.check("une partie" not in r.text, "every word found: no notice")
r = anon.get("/?q=developpeuse+zzzzunlikely")
T.check('/offers/%d"' % dev_id in r.text and "qui en contiennent une partie" in r.text,
        "too few offers with every word: some words, and the page says so")
r = srv.client("en").get("/?q=developpeuse+zzzzunlikely")
T.check("with some of them" in r.text, "the notice in English")
r = anon.get("/?q=a+b+c+d+e+f+g+h+i")
T.status(r, 400, "nine search words")
T.check("8" in r.text, "the message gives the bound")
r = anon.get("/?q=" + "a" * 300)
T.status(r, 400, "a search over the library's bound")
for hostile in ['%22NEAR(*+-OR', '%22', '*', 'AND+OR+NOT', '(((', "'%3A*+%26+!"]:
    r = anon.get("/?q=" + hostile)
    T.status(r, 200, "search operators are plain text: " + hostile)
r = anon.get("/api/v1/offers?q=developpeuse")
T.status(r, 200, "API search")
j = r.json()
T.check(j.get("match") == "all", "API: every word matched")
T.check(any(o["id"] == dev_id and "<mark>développeur</mark>" in o.get("snippet_html", "")
            and "&lt;b&gt;" in o["snippet_html"] for o in j["offers"]), "API: the snippet as HTML")
r = anon.get("/api/v1/offers?q=developpeuse+zzzzunlikely")
T.check(r.json().get("match") == "some", "API: some of the words")
T.check("match" not in anon.get("/api/v1/offers").json(), "no match without words")
r = anon.get("/api/v1/offers?q=" + "a" * 300)
T.status(r, 400, "API: a search over the library's bound")
r = anon.get("/api/v1/offers?q=a+b+c+d+e+f+g+h+i")
T.status(r, 400, "API: nine search words")

# ---- applying through the page --------------------------------------------------------------------
r = cand.get("/offers/%d" % offer_id)
T.check('enctype="multipart/form-data"' in r.text, "candidate sees the apply form")
r = cand.post_multipart("/offers/%d/apply" % offer_id,
                        {"answer_0": "Pour le C", "answer_1": "Un compilateur"},
                        {"cv": ("mon-cv.pdf", make_pdf(CV_LINES), "application/pdf")},
                        csrf_from="/offers/%d" % offer_id)
T.status(r, 303, "POST apply (page)")
T.check((r.header("Location") or "").startswith("/me/applications"), "apply redirects to my applications")
r = cand.get("/me/applications")
T.status(r, 200, "GET /me/applications")
T.check("Ingénieur C senior" in r.text and "ouverte" in r.text, "my applications lists the offer and status")
r = cand.get("/offers/%d" % offer_id)
T.check("déjà postulé" in r.text, "offer page says already applied")

# upload refusals, page and API
cand2 = page_signup("candidate")
csrf2 = cand2.csrf("/offers/%d" % offer_id)


def page_apply(client, pdf, fname="cv.pdf", csrf=None):
    return client.post_multipart("/offers/%d/apply" % offer_id, {"csrf": csrf or csrf2},
                                 {"cv": (fname, pdf, "application/pdf")})


r = page_apply(cand2, b"hello, not a PDF at all" * 10)
T.status(r, 415, "page: not a PDF")
T.check("pas un PDF" in r.text, "page: not a PDF message")
r = page_apply(cand2, make_image_only_pdf())
T.status(r, 422, "page: PDF without text")
T.check("Aucun texte" in r.text, "page: no text message")
r = page_apply(cand2, b"%PDF-1.4\n" + b"x" * (MAX_UPLOAD + 100))
T.status(r, 413, "page: too big")
T.check("dépasse" in r.text, "page: too big message")
cand2.close()
r = page_apply(cand, make_pdf(CV_LINES), csrf=cand.csrf())
T.status(r, 409, "page: already applied")
T.check("déjà postulé" in r.text, "page: already applied message")
r = cand2.post_multipart("/offers/%d/apply" % offer_id, {"csrf": csrf2}, {})
T.status(r, 422, "page: no file")
cand2.token = cand2.bearer if hasattr(cand2, "bearer") else None
api_c2 = signup(srv, "candidate")
api_c2.token = api_c2.bearer
r = apply_api(api_c2, offer_id, pdf=b"GIF89a not a pdf")
T.status(r, 415, "API: not a PDF")
T.check(r.json()["code"] == "not_pdf", "API: not_pdf code")
r = apply_api(api_c2, offer_id, pdf=make_image_only_pdf())
T.status(r, 422, "API: no text")
T.check(r.json()["code"] == "no_text", "API: no_text code")
r = apply_api(api_c2, offer_id, pdf=b"%PDF-1.4\n" + b"x" * (MAX_UPLOAD + 100))
T.status(r, 413, "API: too big")
T.check(r.json()["code"] == "too_big", "API: too_big code")
api_c2.close()
r = apply_api(api_c2, offer_id, pdf=make_pdf(CV_LINES), answers=("a", "b", "c"))
T.status(r, 422, "API: more answers than questions")
r = apply_api(api_c2, offer_id, answers=("Réponse API", "Deux"))
T.status(r, 201, "API: apply (multipart)")
app2 = r.json()["application"]
T.check(app2["answers"][0]["answer"] == "Réponse API", "API apply returns the answers")
T.check("scores" not in app2, "a candidate does not see scores")
r = apply_api(api_c2, offer_id)
T.status(r, 409, "API: already applied")
T.check(r.json()["code"] == "exists", "API: exists code")

api_c3 = signup(srv, "candidate")
api_c3.token = api_c3.bearer
import base64  # noqa: E402
r = api_c3.api("POST", "/api/v1/offers/%d/applications" % offer_id,
               {"filename": "cv3.pdf", "pdf_base64": base64.b64encode(make_pdf(CV_LINES)).decode(),
                "answers": ["JSON", "aussi"]})
T.status(r, 201, "API: apply (JSON base64)")
r = api_c3.api("POST", "/api/v1/offers/%d/applications" % offer_id, {"pdf_base64": "@@@"})
T.check(r.status in (409, 422), "API: bad base64 or duplicate refused")
r = api_c3.request("POST", "/api/v1/offers/%d/applications" % offer_id, body=b"{not json",
                   headers={"Content-Type": "application/json"})
T.status(r, 400, "API: malformed JSON")
T.check(r.json()["code"] == "bad_json", "bad_json code")

# the owner's home: the offer's applications beside its dashboard link in
# "my offers" (the lists once forgot to count and said -1); on the board
# below, the link alone
r = owner.get("/")
T.check(r.text.count('<a href="/offers/%d/dashboard">Tableau de bord (3)</a>' % offer_id) == 1
        and r.text.count('<a href="/offers/%d/dashboard">Tableau de bord</a>' % offer_id) == 1
        and "(-1)" not in r.text, "the owner's home counts the offer's 3 applications")

# ---- dashboard ----------------------------------------------------------------------------------------
# scoring is a job: the charts, the mean and the score cells once all three are scored
T.check(wait_offer_scored(owner, offer_id), "the offer's applications are scored")
r = owner.get("/offers/%d/dashboard" % offer_id)
T.status(r, 200, "GET dashboard")
T.check('<strong id="count">3</strong>' in r.text, "dashboard counts 3 applications")
T.check("<svg" in r.text and "Distribution des scores" in r.text, "dashboard has the SVG charts")
T.check("Un compilateur" in r.text and "Votre projet préféré ?" in r.text, "dashboard shows answers")
T.check(re.search(r'<td class="num">\d,\d\d</td>', r.text) is not None, "dashboard shows scores (0,98 in French)")
T.check("<th class=\"num by\">Aléatoire (démo)</th>" in r.text and ">Similarité CV-offre</th>" in r.text,
        "one column per loaded scorer, named in the page's language")
T.check(re.search(r'id="mean">\d,\d\d<', r.text) is not None, "dashboard shows the mean (French)")
T.check(re.search(r'class="lbl">0,5</text>', r.text) is not None, "chart labels in French numbers")
owner.lang = "en"
r = owner.get("/offers/%d/dashboard" % offer_id)
T.check(re.search(r'<td class="num">\d\.\d\d</td>', r.text) is not None
        and re.search(r'id="mean">\d\.\d\d<', r.text) is not None, "English numbers: 0.98")
owner.lang = "fr"
T.check("/cv.pdf" in r.text and "/cv.txt" in r.text, "dashboard links PDF and text")
r = owner.get("/offers/%d/dashboard?rank=similarity" % offer_id)
T.status(r, 200, "dashboard ranked by similarity")
T.check("<th class=\"num by\">Similarité CV-offre</th>" in r.text, "ranking scorer chosen")
T.check('<option value="similarity" selected>Similarité CV-offre</option>' in r.text,
        "the ranking choice names the scorer in the page's language")
r = owner.request("GET", "/offers/%d/dashboard?rank=similarity" % offer_id, headers={"Accept-Language": "en"})
T.check("<th class=\"num by\">CV-offer similarity</th>" in r.text and ">Random (demo)</th>" in r.text,
        "scorer names in English on an English page")
r = owner.get("/offers/%d/dashboard.csv" % offer_id)
T.status(r, 200, "GET dashboard.csv")
T.check(r.header("Content-Type").startswith("text/csv"), "CSV content type")
lines = r.text.strip().split("\r\n")
T.check(len(lines) == 4 and lines[0].startswith("rank,application_id,candidate"), "CSV has a header and 3 rows")
app_ids = [int(x.split(",")[1]) for x in lines[1:]]
r = owner.get("/applications/%d/cv.pdf" % app_ids[0])
T.status(r, 200, "GET cv.pdf")
T.check(r.body.startswith(b"%PDF") and r.header("Content-Type") == "application/pdf", "cv.pdf is the PDF")
r = owner.get("/applications/%d/cv.txt" % app_ids[0])
T.status(r, 200, "GET cv.txt")
T.check("PostgreSQL" in r.text, "cv.txt is the extracted text")

# ---- the JSON API ---------------------------------------------------------------------------------------
rec = signup(srv, "recruiter")
rec.token = rec.bearer
r = rec.get("/api/v1/me")
T.status(r, 200, "GET /api/v1/me")
T.check(r.json()["user"]["role"] == "recruiter", "me: role")
r = rec.get("/api/v1/scorers")
T.status(r, 200, "GET /api/v1/scorers")
T.check([s["name"] for s in r.json()["scorers"]] == ["random", "similarity"], "scorers listed")
oid = create_offer(rec, title="API offer", questions=["Q1 ?"])
r = rec.get("/api/v1/offers/%d" % oid)
T.status(r, 200, "GET /api/v1/offers/{id}")
T.check(r.json()["offer"]["questions"] == ["Q1 ?"], "offer JSON has questions")
r = rec.api("PUT", "/api/v1/offers/%d" % oid, {"title": "API offer v2", "description": "d",
                                                "skills": ["Go"], "questions": ["Q1 ?"]})
T.status(r, 200, "PUT /api/v1/offers/{id}")
T.check(r.json()["offer"]["title"] == "API offer v2", "PUT updates")
r = rec.api("PUT", "/api/v1/offers/%d" % oid, {"title": 5})
T.status(r, 422, "PUT with a wrong type")
r = rec.get("/api/v1/offers?q=v2&limit=5")
T.status(r, 200, "GET /api/v1/offers")
T.check(any(o["id"] == oid for o in r.json()["offers"]), "search finds the API offer")
r = rec.get("/api/v1/offers?limit=abc")
T.status(r, 400, "bad limit")
r = rec.get("/api/v1/offers?mine=1")
T.check(r.status == 200 and [o["id"] for o in r.json()["offers"]] == [oid], "mine=1 lists own offers")
c4 = signup(srv, "candidate")
c4.token = c4.bearer
r = apply_api(c4, oid, answers=["R1"])
T.status(r, 201, "apply to the API offer")
aid = r.json()["application"]["id"]
T.check(wait_scored(rec, aid), "the API offer's application is scored")
r = c4.get("/api/v1/me/applications")
T.check(r.status == 200 and r.json()["applications"][0]["id"] == aid, "GET /api/v1/me/applications")
# the number of applications is dashboard data: its recruiter only
T.check(rec.get("/api/v1/offers/%d" % oid).json()["offer"].get("applications") == 1,
        "the owner sees the number of applications")
T.check("applications" not in c4.get("/api/v1/offers/%d" % oid).json()["offer"],
        "a candidate does not see the number of applications")
T.check("applications" not in srv.client().get("/api/v1/offers/%d" % oid).json()["offer"],
        "an anonymous visitor does not see the number of applications")
r = c4.get("/api/v1/applications/%d" % aid)
T.status(r, 200, "candidate GET own application")
r = rec.get("/api/v1/offers/%d/applications" % oid)
T.status(r, 200, "GET /api/v1/offers/{id}/applications")
d = r.json()
T.check(d["count"] == 1 and d["rank_by"] == "random" and d["mean"] is not None, "dashboard JSON: count, rank_by, mean")
T.check(len(d["applications"][0]["scores"]) == 2, "dashboard JSON: one score per scorer")
r = rec.get("/api/v1/offers/%d/applications?rank=similarity" % oid)
T.check(r.json()["rank_by"] == "similarity", "dashboard JSON ranked by similarity")
r = rec.get("/api/v1/applications/%d" % aid)
T.check(r.status == 200 and "cv_text" in r.json()["application"], "recruiter GET application with text")
r = rec.get("/api/v1/applications/%d/cv.pdf" % aid)
T.check(r.status == 200 and r.body.startswith(b"%PDF"), "API cv.pdf")
r = rec.get("/api/v1/applications/%d/cv.txt" % aid)
T.check(r.status == 200 and "Linux" in r.text, "API cv.txt")
r = rec.get("/api/v1/offers/%d/applications.csv" % oid)
T.check(r.status == 200 and r.text.startswith("rank,"), "API CSV")
r = rec.request("POST", "/api/v1/offers/%d/close" % oid)
T.check(r.status == 200 and r.json()["offer"]["is_open"] is False, "API close")
c5 = signup(srv, "candidate")
c5.token = c5.bearer
r = apply_api(c5, oid, answers=["x"])
T.status(r, 409, "apply to a closed offer")
T.check(r.json()["code"] == "closed", "closed code")
r = c5.get("/offers/%d" % oid)
T.check("fermée aux candidatures" in r.text, "closed offer page says so")
r = rec.request("POST", "/api/v1/offers/%d/reopen" % oid)
T.check(r.status == 200 and r.json()["offer"]["is_open"] is True, "API reopen")
# login through the API, the cookie rule, logout
c6 = srv.client()
r = c6.api("POST", "/api/v1/sessions", {"login": rec.login, "password": "staple-battery-horse-42"})
T.status(r, 201, "POST /api/v1/sessions")
tok = r.json()["token"]
T.check(re.fullmatch(r"[0-9a-f]{64}", tok) is not None, "a token")
r = c6.api("POST", "/api/v1/offers", {"title": "t", "description": "d"})
T.status(r, 403, "API with the cookie and no X-Requested-With is refused")
T.check(r.json()["code"] == "csrf", "csrf code")
r = c6.get("/api/v1/me")
T.status(r, 200, "API GET with the cookie works")
r = c6.api("POST", "/api/v1/sessions", {"login": rec.login}, headers=XRW)
T.status(r, 422, "login without a password")
r = c6.request("POST", "/api/v1/sessions", body=b"login=x", headers={"Content-Type": "application/x-www-form-urlencoded", **XRW})
T.status(r, 415, "login as a form on the API")
r = c6.request("POST", "/api/v1/sessions", body=b"{" + b" " * 300000 + b"}",
               headers={"Content-Type": "application/json", **XRW})
T.status(r, 413, "too large a JSON body")
c6.close()
c7 = srv.client()
c7.token = tok
r = c7.request("DELETE", "/api/v1/sessions/current")
T.status(r, 204, "DELETE /api/v1/sessions/current")
r = c7.get("/api/v1/me")
T.status(r, 401, "the token is dead after logout")
T.check(r.json()["code"] == "invalid_token", "a dead token is invalid_token, not unauthenticated")
T.check(r.header("WWW-Authenticate") == 'Bearer error="invalid_token"', "401 says Bearer, invalid_token")
c7.token = None
r = c7.get("/api/v1/me")
T.check(r.status == 401 and r.json()["code"] == "unauthenticated", "no token: unauthenticated")
T.check(r.header("WWW-Authenticate") == "Bearer", "401 without a token says Bearer")

# home pagination: 50 offers a page
for i in range(50):
    create_offer(rec, title="Bulk offer %d" % i, questions=[])
r = anon.get("/")
nxt = re.search(r'cursor=([A-Za-z0-9.-]+)" rel="next"', r.text)
T.check(r.text.count('class="card"') == 50 and nxt, "home shows 50 offers and a next link")
r = anon.get("/?cursor=" + nxt.group(1)) if nxt else r
T.status(r, 200, "home page 2 (by key)")
T.check(r.text.count('class="card"') >= 1 and 'rel="prev"' in r.text,
        "page 2 lists the rest and links back")
T.check('rel="next"' not in r.text, "the last page has no next link")
r = anon.get("/?page=2")
T.status(r, 200, "the old ?page=2 still works")
r = anon.get("/?q=Bulk")
T.check(r.text.count('class="card"') == 50 and 'rel="next"' not in r.text,
        "exactly 50 matches: no next link to an empty page")
create_offer(rec, title="Bulk offer 50", questions=[])
r = anon.get("/?q=Bulk")
T.check("q=Bulk&amp;location=&amp;skill=&amp;cursor=" in r.text, "page links keep the search")
T.status(anon.get("/?page=0"), 400, "page 0 is refused")
T.status(anon.get("/?page=abc"), 400, "a non-numeric page is refused")

# failed-login limit per account
victim = signup(srv, "candidate")
att = srv.client()
for i in range(5):
    r = att.api("POST", "/api/v1/sessions", {"login": victim.login, "password": "bad-password-%d" % i})
    T.status(r, 401, "failed login %d" % (i + 1))
r = att.api("POST", "/api/v1/sessions", {"login": victim.login, "password": "staple-battery-horse-42"})
T.status(r, 429, "sixth attempt is limited, even with the right password")
T.check(int(r.header("Retry-After") or 0) > 0, "429 has Retry-After")

# ---- the role walk ------------------------------------------------------------------------------------------
other = signup(srv, "recruiter")
actors = {"anon": srv.client(), "cand": cand, "rec2": other, "owner": owner}
other.token = None
A = app_ids[0]
# the candidate `cand` applied to offer_id; which application is theirs?
r = cand.get("/api/v1/me/applications")
A = r.json()["applications"][0]["id"]
O = offer_id
page_get = [
    ("/", 200, 200, 200, 200),
    ("/signup", 200, 200, 200, 200),
    ("/login", 200, 200, 200, 200),
    ("/forgot-password", 200, 200, 200, 200),
    ("/reset-password?token=" + "0" * 64, 400, 400, 400, 400),
    ("/verify-email?token=" + "0" * 64, 200, 200, 200, 200),
    ("/offers/new", 303, 403, 200, 200),
    ("/offers/%d" % O, 200, 200, 200, 200),
    ("/offers/%d/edit" % O, 303, 403, 403, 200),
    ("/offers/%d/dashboard" % O, 303, 403, 403, 200),
    ("/offers/%d/dashboard.csv" % O, 303, 403, 403, 200),
    ("/me/applications", 303, 200, 403, 403),
    ("/applications/%d/cv.pdf" % A, 303, 200, 403, 200),
    ("/applications/%d/cv.txt" % A, 303, 200, 403, 200),
    ("/metrics", 200, 200, 200, 200),
    ("/static/style.css", 200, 200, 200, 200),
    ("/lang/fr", 303, 303, 303, 303),
    ("/healthz", 200, 200, 200, 200),
    ("/readyz", 200, 200, 200, 200),
]
names = ["anon", "cand", "rec2", "owner"]
for path, *exp in page_get:
    for who, e in zip(names, exp):
        r = actors[who].get(path)
        T.status(r, e, "walk GET %s as %s" % (path, who))
        if e == 303 and not path.startswith("/lang/"):
            T.check(r.header("Location") == "/login", "walk %s as %s redirects to /login" % (path, who))
offer_fields = {"title": "Ingénieur C senior", "description": "Du C, du vrai.", "location": "Lyon",
                "skills": "C, Linux, Meson", "questions": "Pourquoi nous ?\nVotre projet préféré ?"}
page_post = [
    ("/offers/%d/edit" % O, offer_fields, (303, 403, 403, 303)),
    ("/offers/%d/close" % O, {}, (303, 403, 403, 303)),
    ("/offers/%d/reopen" % O, {}, (303, 403, 403, 303)),
    ("/offers", {"title": "walk", "description": "walk"}, (303, 403, 303, 303)),
]
for path, fields, exp in page_post:
    for who, e in zip(names, exp):
        r = actors[who].post_form(path, fields)
        T.status(r, e, "walk POST %s as %s" % (path, who))
for who, e in zip(names, (303, 409, 403, 403)):
    c = actors[who]
    r = c.post_multipart("/offers/%d/apply" % O, {"csrf": c.csrf()},
                         {"cv": ("cv.pdf", make_pdf(CV_LINES), "application/pdf")})
    T.status(r, e, "walk POST apply as %s" % who)

api_actors = {"anon": srv.client(), "cand": srv.client(), "rec2": srv.client(), "owner": srv.client()}
api_actors["cand"].token = signup(srv.client(), "candidate").bearer  # placeholder, replaced below
for who, c in (("cand", cand), ("rec2", other), ("owner", owner)):
    r = srv.client().api("POST", "/api/v1/sessions", {"login": c.login, "password": "staple-battery-horse-42"})
    if r.status != 201:
        fail("login of %s for the API walk: %d %s" % (who, r.status, r.text))
    api_actors[who].token = r.json()["token"]
api_walk = [
    ("GET", "/api/v1/me", None, (401, 200, 200, 200)),
    ("GET", "/api/v1/offers", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/offers?mine=1", None, (401, 403, 200, 200)),
    ("GET", "/api/v1/scorers", None, (200, 200, 200, 200)),
    ("POST", "/api/v1/offers", {"title": "w", "description": "w"}, (401, 403, 201, 201)),
    ("GET", "/api/v1/offers/%d" % O, None, (200, 200, 200, 200)),
    ("PUT", "/api/v1/offers/%d" % O, {"title": "Ingénieur C senior", "description": "Du C, du vrai.",
                                      "questions": ["Pourquoi nous ?", "Votre projet préféré ?"]},
     (401, 403, 403, 200)),
    ("POST", "/api/v1/offers/%d/close" % O, None, (401, 403, 403, 200)),
    ("POST", "/api/v1/offers/%d/reopen" % O, None, (401, 403, 403, 200)),
    ("GET", "/api/v1/offers/%d/applications" % O, None, (401, 403, 403, 200)),
    ("GET", "/api/v1/offers/%d/applications.csv" % O, None, (401, 403, 403, 200)),
    ("GET", "/api/v1/me/applications", None, (401, 200, 403, 403)),
    ("GET", "/api/v1/applications/%d" % A, None, (401, 200, 403, 200)),
    ("GET", "/api/v1/applications/%d/cv.pdf" % A, None, (401, 200, 403, 200)),
    ("GET", "/api/v1/applications/%d/cv.txt" % A, None, (401, 200, 403, 200)),
    ("DELETE", "/api/v1/sessions/current", None, (401, None, None, None)),
]
for method, path, body, exp in api_walk:
    for who, e in zip(names, exp):
        if e is None:
            continue
        r = api_actors[who].api(method, path, body)
        T.status(r, e, "walk %s %s as %s" % (method, path, who))
        if r.status >= 400:
            try:
                err = r.json()
                T.check(isinstance(err["code"], str) and isinstance(err["detail"], str) and
                        r.header("Content-Type") == "application/problem+json",
                        "walk %s %s: problem details (RFC 9457)" % (method, path))
            except (ValueError, KeyError):
                T.check(False, "walk %s %s as %s: the error is not JSON" % (method, path, who))
for who, e in zip(names, (401, 409, 403, 403)):
    r = apply_api(api_actors[who], O, answers=["a", "b"])
    T.status(r, e, "walk API apply as %s" % who)

# ---- escaping: hostile input in every field comes back inert -----------------------------------------------
P = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;"
evil_rec = signup(srv, "recruiter", name="R" + P)
evil_rec.token = evil_rec.bearer
eo = create_offer(evil_rec, title="T" + P, description="D" + P, location="L" + P,
                  skills=["S" + P], questions=["Q" + P])
evil_c = signup(srv, "candidate", name="C" + P)
evil_c.token = evil_c.bearer
r = apply_api(evil_c, eo, answers=["A" + P], pdf=make_pdf(["<script>alert(3)</script> C Linux"]),
              filename="f" + P.replace('"', "") + ".pdf")
T.status(r, 201, "apply with hostile answers and file name")
eaid = r.json()["application"]["id"]
# log the two in by cookie to see the pages as they do
for c in (evil_rec, evil_c):
    r2 = srv.client().api("POST", "/api/v1/sessions", {"login": c.login, "password": "staple-battery-horse-42"})
    c.cookies["oa_session"] = r2.json()["token"]
    c.token = None
pages = [(anon, "/"), (anon, "/offers/%d" % eo), (evil_c, "/offers/%d" % eo), (evil_c, "/me/applications"),
         (evil_rec, "/"), (evil_rec, "/offers/%d" % eo), (evil_rec, "/offers/%d/edit" % eo),
         (evil_rec, "/offers/%d/dashboard" % eo), (anon, "/?q=" + "%3Cscript%3E"),
         (anon, "/?location=%3Cscript%3E%22&skill=%27%3E")]
for c, path in pages:
    r = c.get(path)
    T.status(r, 200, "escaping: GET " + path)
    T.check("<script" not in r.text.lower(), "escaping: no <script in " + path)
    T.check("<img" not in r.text.lower(), "escaping: no <img in " + path)
    T.check("onerror=alert(2)>" not in r.text, "escaping: no live attribute in " + path)
r = evil_rec.get("/offers/%d/dashboard" % eo)
T.check("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img" in r.text, "escaped payload shown as text")
T.check("&amp;amp;" in r.text, "ampersands escaped once")
r = anon.get("/offers/%d" % eo)
T.check('value="' not in r.text or "&quot;" in r.text, "attribute values escaped")
r = evil_rec.get("/offers/%d/dashboard.csv" % eo)
T.check(r.header("Content-Type").startswith("text/csv"), "hostile CSV is served as CSV")
r = evil_rec.get("/applications/%d/cv.txt" % eaid)
T.check(r.header("Content-Type") == "text/plain; charset=utf-8" and
        r.header("X-Content-Type-Options") == "nosniff", "extracted text is plain text, not sniffed")
r = anon.get("/api/v1/offers/%d" % eo)
T.check(r.json()["offer"]["title"] == "T" + P and r.header("Content-Type") == "application/json",
        "API returns the exact text as JSON")
r = evil_rec.api("PUT", "/api/v1/offers/%d" % eo, {"title": "bad \udcff utf8"}) if False else None
r = evil_rec.request("PUT", "/api/v1/offers/%d" % eo, body=b'{"title":"\xff\xfe","description":"d"}',
                     headers={"Content-Type": "application/json", "X-Requested-With": "t"})
T.check(r.status in (400, 422), "invalid UTF-8 in JSON is refused")

# ---- metrics ---------------------------------------------------------------------------------------------------
r = anon.get("/metrics")
T.status(r, 200, "GET /metrics")
T.check(r.header("Content-Type").startswith("text/plain; version=0.0.4"), "metrics content type")
text = r.text
for name in ["offerapi_http_requests_total", "offerapi_http_request_duration_seconds_bucket",
             "offerapi_http_requests_in_flight", "process_cpu_seconds_total",
             "process_resident_memory_bytes", "process_start_time_seconds", "process_open_fds",
             "process_max_fds", "offerapi_build_info", "offerapi_applications_received_total",
             "offerapi_cv_extraction_duration_seconds_bucket", "offerapi_scoring_duration_seconds_bucket",
             "offerapi_scorer_errors_total", "offerapi_database_errors_total"]:
    T.check(re.search(r"^%s[{ ]" % name, text, re.M) is not None, "metric %s present" % name)
paths = set(re.findall(r'path="([^"]*)"', text))
T.check(all(re.fullmatch(r"[/a-z0-9._{}-]*|unmatched", p) and not re.search(r"/\d", p) for p in paths),
        "path labels are route templates, never raw ids: %s" % sorted(paths))
T.check('path="/offers/{id}"' in text, "the offer route template is a label")
T.check('path="unmatched"' in text, "404 probes share one series")
m = re.search(r"^offerapi_applications_received_total (\d+)", text, re.M)
T.check(m and int(m.group(1)) >= 5, "applications received counted")
series = [l.split(" ")[0] for l in text.splitlines() if l and not l.startswith("#")]
T.check(len(series) == len(set(series)), "no duplicate series")
for m in re.finditer(r'^offerapi_http_request_duration_seconds_count\{([^}]*)\} (\d+)', text, re.M):
    inf = re.search(r'^offerapi_http_request_duration_seconds_bucket\{%s,le="\+Inf"\} (\d+)' % re.escape(m.group(1)),
                    text, re.M)
    T.check(inf and inf.group(1) == m.group(2), "+Inf bucket equals the count for {%s}" % m.group(1))
promtool = shutil.which("promtool")
if not T.check(promtool is not None, "promtool is installed (Debian package prometheus)"):
    pass
else:
    p = subprocess.run([promtool, "check", "metrics"], input=r.body, capture_output=True)
    T.check(p.returncode == 0, "promtool check metrics: %s %s" % (p.stdout.decode(), p.stderr.decode()))

# ---- logs ---------------------------------------------------------------------------------------------------------
log = srv.logtext()
T.check(re.search(r'^ts=\S+ level=info msg=request request_id=\S+ method=GET route="/offers/\{id\}" '
                  r'path="/offers/\d+" status=200 duration_ms=[\d.]+', log, re.M) is not None,
        "one logfmt line per request with id, method, route, status, duration")

# ---- the database goes away and comes back (PostgreSQL only) -----------------------------------------------------
if backend == "postgresql":
    ctl = os.environ.get("OFFERAPI_TEST_PG_CTL") or fail("OFFERAPI_TEST_PG_CTL not set")
    subprocess.run([ctl, "stop"], check=True)
    try:
        r = anon.get("/readyz")
        T.status(r, 503, "readyz while the database is down")
        T.check(r.header("Retry-After") is not None, "readyz 503 has Retry-After")
        r = anon.get("/api/v1/offers")
        T.status(r, 503, "API while the database is down")
        T.check(r.json()["code"] == "unavailable" and r.header("Retry-After"), "unavailable + Retry-After")
        r = anon.get("/")
        T.status(r, 503, "home page while the database is down")
        T.check(r.status == 503 and "indisponible" in r.text, "a page says the service is unavailable")
        r = anon.get("/healthz")
        T.status(r, 200, "healthz stays 200: the process is alive")
    finally:
        subprocess.run([ctl, "start"], check=True)
    ok = False
    for _ in range(100):  # the pool reconnects on use
        if anon.get("/readyz").status == 200:
            ok = True
            break
        time.sleep(0.1)
    T.check(ok, "readyz recovers after the database restarts")
    r = anon.get("/offers/%d" % offer_id)
    T.status(r, 200, "pages recover")
    r = owner.get("/offers/%d/dashboard" % offer_id)
    T.check('<strong id="count">3</strong>' in r.text, "nothing lost across the outage")
    m = re.search(r'^offerapi_database_errors_total\{kind="unavailable"\} (\d+)', anon.get("/metrics").text, re.M)
    T.check(m and int(m.group(1)) >= 3, "database errors counted")

# ---- SIGTERM while requests are in flight ---------------------------------------------------------------------------
results = {"ok": 0, "bad": 0}
stop = threading.Event()


def hammer():
    c = srv.client()
    while not stop.is_set():
        try:
            r = c.get("/offers/%d" % offer_id)
            if r.status == 200 and r.text.endswith("</html>\n"):
                results["ok"] += 1
            else:
                results["bad"] += 1
        except OSError:
            return  # refused or reset after the listener closed: expected


threads = [threading.Thread(target=hammer) for _ in range(6)]
for t in threads:
    t.start()
while results["ok"] < 50:
    time.sleep(0.01)
srv.stop(expect_code=0)
stop.set()
for t in threads:
    t.join()
T.check(results["bad"] == 0, "no truncated or failed answer around SIGTERM (%s)" % results)
T.check("msg=stopped" in srv.logtext(), "the server logs its clean stop")
srv.cleanup()
T.done()
