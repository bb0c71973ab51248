#!/usr/bin/env python3
"""test_forms.py - forms that help, over real HTTP on loopback: every error
of a form at once, in the page's language, naming the field as the page
labels it and tied to it (aria-invalid, aria-describedby); a CV over the
limit answered with the form, the answers kept and the size in the reader's
units; "log in to apply" returning to the offer after login or sign-up."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, create_offer, make_pdf, CV_LINES, signup, unique  # noqa: E402

T = Checker("server-forms")
MAX_UPLOAD = 1 << 20
srv = Server(None, extra=["--max-upload", str(MAX_UPLOAD)])


def tied(html, name):
    """Field f-NAME is invalid and described by its error paragraph e-NAME."""
    m = re.search(r'<(?:input|textarea)[^>]*\bid="f-%s"[^>]*>' % name, html)
    if not m:
        return False
    tag = m.group(0)
    d = re.search(r'aria-describedby="([^"]*)"', tag)
    return ('aria-invalid="true"' in tag and d is not None and "e-" + name in d.group(1).split()
            and ('id="e-%s"' % name) in html)


# ---- sign-up: three errors at once, in French then English ----------------------------------
for lang, want in (("fr", ["Identifiant : à remplir.", "Nom affiché : à remplir.",
                           "Mot de passe : au moins 8 caractères."]),
                   ("en", ["Login: required.", "Display name: required.",
                           "Password: at least 8 characters."])):
    c = srv.client()
    c.lang = lang
    r = c.post_form("/signup", {"login": "", "display_name": "   ", "password": "short",
                                "role": "candidate"}, csrf_from="/signup")
    T.status(r, 422, lang + ": sign-up with three bad fields")
    for w in want:
        T.check(w in r.text, lang + ": the message " + repr(w))
    T.check("display name" not in r.text and "display_name:" not in r.text,
            lang + ": no raw field key in the messages")
    for name in ("login", "display_name", "password"):
        T.check(tied(r.text, name), lang + ": field %s has aria-invalid and aria-describedby" % name)
    T.check('href="#f-login"' in r.text, lang + ": the summary links to the field")
    T.check("novalidate" in r.text, lang + ": the server, not the browser, says every error")
c = srv.client()
r = c.post_form("/signup", {"login": "é-accent", "display_name": "Zoé", "password": "staple-battery-horse-42",
                            "role": "candidate"}, csrf_from="/signup")
T.status(r, 422, "sign-up with a login the library refuses")
T.check("Identifiant : lettres sans accent" in r.text, "the login rule in the page's words")
T.check('value="Zoé"' in r.text, "what was typed comes back")

# ---- the offer form: both missing fields at once ---------------------------------------------
rec = signup(srv, "recruiter")
r = rec.post_form("/offers", {"title": "", "description": "", "skills": "C"},
                  csrf_from="/offers/new")
T.status(r, 422, "offer without title nor description")
T.check("Intitulé du poste : à remplir." in r.text and "Description : à remplir." in r.text,
        "both offer errors at once, in French")
T.check(tied(r.text, "title") and tied(r.text, "description"), "offer errors tied to their fields")
T.check("2 erreurs à corriger" in r.text, "the summary counts them")

# ---- a CV over the limit: the form comes back with the answers -------------------------------
offer_id = create_offer(rec, questions=("Pourquoi nous ?",))
cand = signup(srv, "candidate")
r = cand.get("/offers/%d" % offer_id)
T.check("taille maximale : 1 Mo." in r.text, "the limit in the reader's units (1 Mo)")
T.check("MiB" not in r.text, "no MiB shown to candidates")
T.check(re.search(r'id="f-cv"[^>]*aria-describedby="h-cv"', r.text) is not None,
        "the CV field is described by its hint")
for size, what in ((MAX_UPLOAD + 5000, "just over"), (3 * MAX_UPLOAD, "far over (not read whole)")):
    r = cand.post_multipart("/offers/%d/apply" % offer_id, {"answer_0": "Pour le C & la sobriété"},
                            {"cv": ("gros.pdf", b"%PDF-1.4\n" + b"x" * size, "application/pdf")},
                            csrf_from="/offers/%d" % offer_id)
    T.status(r, 413, what + ": a too large CV")
    T.check("<!DOCTYPE html>" in r.text and 'enctype="multipart/form-data"' in r.text,
            what + ": the answer is the form, not a bare error page")
    T.check("Pour le C &amp; la sobriété</textarea>" in r.text, what + ": the typed answer is kept")
    T.check("Votre CV (PDF) : le fichier dépasse 1 Mo" in r.text, what + ": a human message")
    T.check(tied(r.text, "cv"), what + ": the message is tied to the CV field")
cand.lang = "en"
cand.cookies["oa_lang"] = "en"
r = cand.get("/offers/%d" % offer_id)
T.check("largest size: 1 MB." in r.text, "English: 1 MB")
r = cand.post_multipart("/offers/%d/apply" % offer_id, {"answer_0": "Because"},
                        {"cv": ("cv.pdf", make_pdf(CV_LINES), "application/pdf")},
                        csrf_from="/offers/%d" % offer_id)
T.status(r, 303, "a CV under the limit is accepted")

# ---- dates in the page's language: 8 déc. 2026 / 8 Dec 2026 ----------------------------------
MONTHS = {"fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                 "oct.", "nov.", "déc."],
          "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec"]}
for lang in ("fr", "en"):
    c = srv.client()
    c.lang = lang
    for path in ("/", "/offers/%d" % offer_id):
        r = c.get(path)
        m = re.search(r'<time datetime="(\d{4})-(\d\d)-(\d\d)">([^<]*)</time>', r.text)
        want = m and "%d\u00a0%s\u00a0%s" % (int(m.group(3)), MONTHS[lang][int(m.group(2)) - 1],
                                            m.group(1))
        T.check(m is not None and m.group(4) == want,
                "%s %s: the date in the page's language: %r" % (lang, path,
                                                                 m.group(0) if m else None))
        T.check(not re.search(r">\d{4}-\d\d-\d\d<", r.text), lang + " " + path + ": no ISO date shown")

# ---- log in to apply: back to the offer -----------------------------------------------------
anon = srv.client()
r = anon.get("/offers/%d" % offer_id)
T.check('href="/login?next=/offers/%d"' % offer_id in r.text, "anonymous offer page: log in link")
T.check('href="/signup?next=/offers/%d"' % offer_id in r.text, "anonymous offer page: sign-up link")
r = anon.get("/login?next=/offers/%d" % offer_id)
T.check('name="next" value="/offers/%d"' % offer_id in r.text, "the login form keeps where to go")
T.check('href="/signup?next=/offers/%d"' % offer_id in r.text, "so does its sign-up link")
login = unique("cand")
r = anon.post_form("/signup?next=/offers/%d" % offer_id,
                   {"login": login, "display_name": "Léa", "password": "staple-battery-horse-42",
                    "role": "candidate", "next": "/offers/%d" % offer_id}, csrf_from="/signup")
T.status(r, 303, "sign-up from an offer")
T.check(r.header("Location") == "/offers/%d" % offer_id, "sign-up returns to the offer")
other = srv.client()
r = other.post_form("/login", {"login": login, "password": "staple-battery-horse-42",
                               "next": "/offers/%d" % offer_id}, csrf_from="/login")
T.status(r, 303, "login from an offer")
T.check(r.header("Location") == "/offers/%d" % offer_id, "login returns to the offer")
for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/a\"b"):
    other = srv.client()
    r = other.post_form("/login", {"login": login, "password": "staple-battery-horse-42", "next": bad},
                        csrf_from="/login")
    T.check(r.header("Location") == "/", "never sent to another site: " + repr(bad))
    r = srv.client().get("/login?next=" + bad.replace('"', "%22"))
    T.check('name="next"' not in r.text, "a bad next is not put in the form: " + repr(bad))

srv.stop()
T.done()
