#!/usr/bin/env python3
"""test_offer_fields.py - the richer offer fields (issue 14) over real HTTP:

- API: company, contract, remote, salary range and deadline written by POST,
  PUT and PATCH and read back in the offer's JSON (every answer checked
  against server/openapi.yaml by serverlib); each invalid member a 422
  naming it, all at once, in the request's language; the list filtered by
  ?contract, ?remote, ?salary_floor (and ?salary_currency), with and
  without ?q; bad filter values 400 naming the parameter;
- pages: the offer form round-trips the fields (new and edit) with errors
  beside the fields, the home page and the offer page show them, and the
  home search form's filters narrow the list.
Runs on SQLite, or PostgreSQL with the argument 'postgresql'. The deadline's
refusal and closing are tested with a moved clock in
tests/store/test_offer_fields.c."""
import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, apply_api, signup  # noqa: E402

T = Checker("server-offer-fields")
XRW = {"X-Requested-With": "test"}
PATCH = {"Content-Type": "application/merge-patch+json", **XRW}
RICH = {"company": "Acme SA", "contract": "cdi", "remote": "hybrid", "salary_min": 45000,
        "salary_max": 55000, "salary_currency": "EUR", "salary_period": "year",
        "deadline": "2099-12-08"}
DEADLINE = 4100457599  # 2099-12-08T23:59:59Z


def post(rec, body):
    return rec.api("POST", "/api/v1/offers", body, headers=XRW)


def pointers(r):
    return sorted(e.get("pointer") or e.get("parameter") for e in r.json().get("errors", []))


def api_write_read(rec, cand):
    """POST, GET, PUT, PATCH of the fields."""
    r = post(rec, {"title": "Développeur C", "description": "Un serveur HTTP.", **RICH})
    T.status(r, 201, "an offer with every rich field")
    o = r.json()["offer"]
    want = dict(RICH, deadline=DEADLINE)
    T.check(all(o.get(k) == v for k, v in want.items()), "read back as written: %s" % o)
    oid = o["id"]
    g = cand.get("/api/v1/offers/%d" % oid).json()["offer"]
    T.check(all(g.get(k) == v for k, v in want.items()), "the public sees them: %s" % g)
    r = rec.request("PATCH", "/api/v1/offers/%d" % oid,
                    body=b'{"remote": "remote", "salary_max": null, "company": null}',
                    headers=PATCH)
    T.status(r, 200, "PATCH some rich fields")
    o = r.json()["offer"]
    T.check(o.get("remote") == "remote" and "salary_max" not in o and "company" not in o
            and o.get("salary_min") == 45000 and o.get("contract") == "cdi"
            and o.get("deadline") == DEADLINE, "PATCH changed only what it named: %s" % o)
    r = rec.api("PUT", "/api/v1/offers/%d" % oid,
                {"title": "Développeur C", "description": "Un serveur HTTP.",
                 "contract": "freelance", "salary_min": 500, "salary_currency": "chf",
                 "salary_period": "day", "deadline": DEADLINE}, headers=XRW)
    T.status(r, 200, "PUT replaces them all")
    o = r.json()["offer"]
    T.check(o.get("contract") == "freelance" and "remote" not in o
            and o.get("salary_currency") == "CHF" and o.get("salary_period") == "day"
            and o.get("deadline") == DEADLINE, "PUT: the fields it sent, no others: %s" % o)
    r = post(rec, {"title": "Sans détail", "description": "x"})
    o = r.json()["offer"]
    T.check(not any(k in o for k in RICH), "an offer without them shows none: %s" % o)
    T.status(apply_api(cand, oid, answers=()), 201, "applying before the deadline")
    # an update may set a passed deadline: applying is refused, reopening too
    r = post(rec, {"title": "Bientôt fermée", "description": "x", "deadline": "2099-01-01"})
    late = r.json()["offer"]["id"]
    r = rec.request("PATCH", "/api/v1/offers/%d" % late, body=b'{"deadline": 1000}',
                    headers=PATCH)
    T.check(r.status == 200 and r.json()["offer"].get("deadline") == 1000,
            "PATCH to a passed deadline: %s" % r.text[:300])
    r = apply_api(cand, late, answers=())
    T.check(r.status == 409 and r.json().get("code") == "closed", "applying after the deadline: "
            "409 closed: %s" % r.text[:300])
    page = cand.get("/offers/%d" % late).text
    T.check('enctype="multipart/form-data"' not in page and "alert" in page,
            "past its deadline, still open until the housekeeping runs: the page shows no"
            " apply form but says it is closed")
    T.status(rec.api("POST", "/api/v1/offers/%d/close" % late, headers=XRW), 200, "close it")
    r = rec.api("POST", "/api/v1/offers/%d/reopen" % late, headers=XRW)
    T.check(r.status == 409 and "date limite" in str(r.json()), "not reopened past its "
            "deadline, and told why: %s" % r.text[:300])
    r = rec.request("PATCH", "/api/v1/offers/%d" % late, body=b'{"deadline": "2099-01-01"}',
                    headers=PATCH)
    T.status(r, 200, "a later deadline")
    T.status(rec.api("POST", "/api/v1/offers/%d/reopen" % late, headers=XRW), 200, "reopened")
    return oid


def api_errors(rec):
    """Every bad member at once, named, in the page's language."""
    r = post(rec, {"title": "x", "description": "y", "company": 5, "contract": "CDI",
                   "remote": "sometimes", "salary_min": 60000, "salary_max": 50000,
                   "salary_currency": "EURO", "salary_period": "week", "deadline": "08/12/2099"})
    T.status(r, 422, "bad rich fields")
    T.check(pointers(r) == ["/company", "/contract", "/deadline", "/remote", "/salary_currency",
                            "/salary_max", "/salary_period"],
            "each named at once: %s" % r.text[:600])
    # the values listed are the library's, joined in the reader's language
    details = {e.get("pointer"): e.get("detail") for e in r.json().get("errors", [])}
    T.check(details.get("/contract") == "doit valoir cdi, cdd, freelance, internship ou "
            "apprenticeship" and details.get("/remote") == "doit valoir onsite, hybrid ou remote"
            and details.get("/salary_period") == "doit valoir year, month, day ou hour",
            "in French, every value: %s" % r.text[:600])
    r = rec.api("POST", "/api/v1/offers", {"title": "x", "description": "y", "salary_min": 10},
                headers=dict(XRW, **{"Accept-Language": "en"}))
    T.status(r, 422, "an amount without currency or period")
    T.check(pointers(r) == ["/salary_currency", "/salary_period"], "both named: %s" % r.text)
    T.check("required with a salary" in r.text, "in English: %s" % r.text[:400])
    r = post(rec, {"title": "x", "description": "y", "salary_currency": "EUR"})
    T.check(r.status == 422 and pointers(r) == ["/salary_min"], "a currency alone: %s" % r.text)
    for bad in (0, -5, 1000000001, "45000", 4.5):
        r = post(rec, {"title": "x", "description": "y", "salary_min": bad,
                       "salary_currency": "EUR", "salary_period": "year"})
        T.check(r.status == 422 and "/salary_min" in pointers(r), "salary_min %r: %s"
                % (bad, r.text[:300]))
    for bad in ("2020-01-01", 1000):
        r = post(rec, {"title": "x", "description": "y", "deadline": bad})
        T.check(r.status == 422 and pointers(r) == ["/deadline"]
                and "déjà passée" in str(r.json()),
                "a passed deadline %r: %s" % (bad, r.text[:300]))
    for bad in ("2099-02-30", "", 0, 253402300800, True, "4100457599", " 2099-12-08"):
        r = post(rec, {"title": "x", "description": "y", "deadline": bad})
        T.check(r.status == 422 and pointers(r) == ["/deadline"], "deadline %r: %s"
                % (bad, r.text[:300]))


def ids(c, query):
    r = c.get("/api/v1/offers?" + query)
    T.status(r, 200, "list ?" + query)
    return sorted(o["id"] for o in r.json()["offers"])


def api_filters(rec, anon):
    """The list's filters, alone and with words."""
    mk = lambda title, **kw: post(rec, {"title": title, "description": "Filtre zèbre.",
                                         **kw}).json()["offer"]["id"]
    cdi = mk("Zèbre CDI", contract="cdi", remote="hybrid", salary_min=50000, salary_max=60000,
             salary_currency="EUR", salary_period="year")
    free = mk("Zèbre freelance", contract="freelance", remote="remote", salary_min=450,
              salary_currency="EUR", salary_period="day")
    stage = mk("Zèbre stage", contract="internship", remote="onsite", salary_min=1200,
               salary_max=1200, salary_currency="EUR", salary_period="month")
    chf = mk("Zèbre Genève", contract="cdi", salary_min=90000, salary_currency="CHF",
             salary_period="year")
    bare = mk("Zèbre nu")
    made = (cdi, free, stage, chf, bare)
    for q in ("", "q=zebre&"):
        every = ids(anon, q + "limit=500")
        T.check({cdi, free, stage, chf, bare} <= set(every), "%sno filter: every one" % q)
        got = [i for i in ids(anon, q + "contract=cdi&limit=500") if i in made]
        T.check(got == sorted([cdi, chf]), "%scontract=cdi: %s" % (q, got))
        got = [i for i in ids(anon, q + "remote=onsite&limit=500") if i in made]
        T.check(got == [stage], "%sremote=onsite: %s" % (q, got))
        got = [i for i in ids(anon, q + "salary_floor=55000&limit=500")
               if i in made]
        T.check(got == sorted([cdi, free]), "%ssalary_floor=55000 (yearly, EUR): %s" % (q, got))
        got = [i for i in ids(anon, q + "salary_floor=80000&salary_currency=CHF&limit=500")
               if i in made]
        T.check(got == [chf], "%sin CHF: %s" % (q, got))
        got = [i for i in ids(anon, q + "contract=cdi&remote=hybrid&salary_floor=1&limit=500")
               if i in made]
        T.check(got == [cdi], "%sall three: %s" % (q, got))
    for bad in ("contract=CDI", "remote=x", "salary_floor=-1", "salary_floor=12k",
                "salary_floor=1000000001", "salary_floor=%2B5", "salary_floor=%205",
                "salary_currency=eur"):
        r = anon.get("/api/v1/offers?" + bad)
        T.status(r, 400, "bad filter " + bad)
        T.check(bad.split("=")[0] in r.text, "the 400 names %s: %s" % (bad, r.text[:300]))
    return cdi, free, stage, chf, bare


def tied(page, name):
    """Field f-NAME (input, select) is invalid and described by e-NAME."""
    m = re.search(r'<(?:input|select|textarea)[^>]*\bid="f-%s"[^>]*>' % name, page)
    if not m:
        return False
    d = re.search(r'aria-describedby="([^"]*)"', m.group(0))
    return ('aria-invalid="true"' in m.group(0) and d is not None
            and "e-" + name in d.group(1).split() and ('id="e-%s"' % name) in page)


def selected(page, name):
    """The value chosen in select f-NAME."""
    m = re.search(r'<select[^>]*\bid="f-%s"[^>]*>(.*?)</select>' % name, page, re.S)
    v = m and re.search(r'<option value="([^"]*)" selected>', m.group(1))
    return v.group(1) if v else None


def value(page, name):
    m = re.search(r'<input[^>]*\bid="f-%s"[^>]*\bvalue="([^"]*)"' % name, page)
    return html.unescape(m.group(1)) if m else None


FORM = {"title": "Développeuse Rust", "description": "Un moteur de recherche.",
        "location": "Nantes", "skills": "Rust", "questions": "", "notify": "each",
        "company": "Zèbre & Cie", "contract": "cdd", "remote": "remote", "salary_min": "3000",
        "salary_max": "3500", "salary_currency": "EUR", "salary_period": "month",
        "deadline": "2099-12-08"}


def pages_form(rec):
    """The offer form: every rich error at once beside its field, then a
    round trip through new and edit."""
    bad = dict(FORM, contract="cdi2", remote="x", salary_min="12k", salary_max="",
               salary_currency="E", salary_period="week", deadline="2020-01-01")
    r = rec.post_form("/offers", bad, csrf_from="/offers/new")
    T.status(r, 422, "the offer form with bad rich fields")
    for name in ("contract", "remote", "salary_min", "deadline"):
        T.check(tied(r.text, name), "%s: error tied to its field" % name)
    T.check("Type de contrat : choisissez dans la liste." in r.text
            and "Date limite de candidature : une date à venir." in r.text,
            "the messages in French, naming the fields as labelled")
    T.check(value(r.text, "company") == "Zèbre & Cie" and value(r.text, "salary_min") == "12k",
            "what was typed comes back")
    bad = dict(FORM, salary_min="5000", salary_max="4000", salary_currency="EURO")
    rec.lang = "en"
    r = rec.post_form("/offers", bad, csrf_from="/offers/new")
    rec.lang = "fr"
    T.status(r, 422, "min above max")
    T.check("Maximum salary: at least the minimum salary." in r.text and tied(r.text, "salary_max")
            and tied(r.text, "salary_currency"), "in English, beside the fields: %s"
            % re.findall(r'field-error[^<]*<', r.text))
    r = rec.post_form("/offers", FORM, csrf_from="/offers/new")
    T.status(r, 303, "the offer form with every rich field")
    oid = int(r.header("Location").rsplit("/", 1)[1])
    o = rec.get("/api/v1/offers/%d" % oid).json()["offer"]
    T.check(o.get("company") == "Zèbre & Cie" and o.get("contract") == "cdd"
            and o.get("remote") == "remote" and o.get("salary_min") == 3000
            and o.get("salary_max") == 3500 and o.get("salary_period") == "month"
            and o.get("deadline") == DEADLINE, "stored as typed: %s" % o)
    page = rec.get("/offers/%d/edit" % oid).text
    T.check(value(page, "company") == "Zèbre & Cie" and selected(page, "contract") == "cdd"
            and selected(page, "remote") == "remote" and value(page, "salary_min") == "3000"
            and value(page, "salary_max") == "3500" and value(page, "salary_currency") == "EUR"
            and selected(page, "salary_period") == "month"
            and value(page, "deadline") == "2099-12-08", "the edit form shows them")
    T.check(re.search(r'<input[^>]*id="f-deadline"[^>]*type="date"', page) is not None
            and re.search(r'<input[^>]*id="f-salary_min"[^>]*type="number"', page) is not None,
            "a date input and number inputs")
    edit = dict(FORM, contract="", remote="hybrid", salary_min="", salary_max="", deadline="")
    r = rec.post_form("/offers/%d/edit" % oid, edit, csrf_from="/offers/%d/edit" % oid)
    T.status(r, 303, "edit: some fields emptied")
    o = rec.get("/api/v1/offers/%d" % oid).json()["offer"]
    T.check("contract" not in o and o.get("remote") == "hybrid" and "salary_min" not in o
            and "salary_currency" not in o and "deadline" not in o
            and o.get("company") == "Zèbre & Cie", "emptied ones removed: %s" % o)
    r = rec.post_form("/offers/%d/edit" % oid, FORM, csrf_from="/offers/%d/edit" % oid)
    T.status(r, 303, "edit: back to every field")
    return oid


def pages_show(srv, rec, oid, ids_):
    """Cards and the offer page show the facts; the home filters narrow."""
    fr, en = srv.client(), srv.client("en")
    page = fr.get("/offers/%d" % oid).text
    T.check("Zèbre &amp; Cie" in page and "<li>CDD</li>" in page
            and "<li>Télétravail complet</li>" in page, "the offer page's facts in French")
    T.check("3\u202f000–3\u202f500\u00a0€ / mois" in page, "the salary in French")
    T.check('Candidatures jusqu\'au <time datetime="2099-12-08">8\u00a0déc.\u00a02099</time>'
            in page, "the deadline in French: %s" % re.findall(r'class="deadline">[^/]*', page))
    page = en.get("/offers/%d" % oid).text
    T.check("<li>Fixed-term (CDD)</li>" in page and "€3,000–3,500 / month" in page
            and 'Apply by <time datetime="2099-12-08">8\u00a0Dec\u00a02099</time>' in page,
            "the offer page's facts in English")
    cdi, free, stage, chf, bare = ids_
    home = fr.get("/?q=zebre").text
    T.check("45\u202f000" not in home and "50\u202f000–60\u202f000\u00a0€ / an" in home
            and "à partir de 450\u00a0€ / jour" in home, "cards show the salary")
    for name in ("contract", "remote"):
        T.check(re.search(r'<select[^>]*id="f-%s" name="%s"' % (name, name), home) is not None,
                "the home search has the %s filter" % name)
    T.check(re.search(r'<input[^>]*id="f-salary_floor"[^>]*type="number"', home) is not None,
            "and the salary floor")
    listed = lambda page: set(int(x) for x in re.findall(r'<h2><a href="/offers/(\d+)">', page))
    got = listed(fr.get("/?q=zebre&contract=cdi&remote=&salary_floor=").text)
    T.check(got == {cdi, chf}, "contract=cdi narrows the home list: %s" % got)
    got = listed(fr.get("/?contract=&remote=onsite&salary_floor=").text)
    T.check(got == {stage}, "remote=onsite: %s" % got)
    page = fr.get("/?q=zebre&contract=&remote=&salary_floor=55000").text
    T.check(listed(page) == {cdi, free}, "salary_floor=55000: %s" % listed(page))
    T.check(selected(fr.get("/?contract=freelance").text, "contract") == "freelance",
            "the chosen filter stays chosen")
    # 51 apprenticeships: page 2 by the pager's link keeps the filter
    made = [post(rec, {"title": "Alternance %d" % i, "description": "x",
                       "contract": "apprenticeship"}).json()["offer"]["id"] for i in range(51)]
    page = fr.get("/?contract=apprenticeship").text
    nxt = re.search(r'<a href="(/\?[^"]*)" rel="next"', page)
    T.check(listed(page) <= set(made) and len(listed(page)) == 50 and nxt is not None
            and "contract=apprenticeship" in nxt.group(1), "the pager keeps the filter")
    if nxt:
        got = listed(fr.get(html.unescape(nxt.group(1))).text)
        T.check(got == set(made) - listed(page), "page 2: the last one: %s" % got)
    for bad in ("contract=x", "remote=moon", "salary_floor=abc", "salary_floor=99999999999"):
        r = fr.get("/?" + bad)
        T.status(r, 400, "home with " + bad)
        T.check("Filtre de recherche inconnu" in r.text, "the 400 says why")


def main():
    db_url = os.environ.get("OFFERAPI_TEST_PG_URL") if sys.argv[1:] == ["postgresql"] else None
    srv = Server(db_url=db_url)
    rec = signup(srv, "recruiter")
    cand = signup(srv, "candidate")
    anon = srv.client()
    api_write_read(rec, cand)
    api_errors(rec)
    ids_ = api_filters(rec, anon)
    oid = pages_form(rec)
    pages_show(srv, rec, oid, ids_)
    srv.stop()
    srv.cleanup()
    T.done()


if __name__ == "__main__":
    main()
