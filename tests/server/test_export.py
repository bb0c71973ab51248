#!/usr/bin/env python3
"""test_export.py BACKEND - the export of one's data (issue 16: rights of
access and portability) through the API, the account page and
offerapi-admin, on BACKEND "sqlite" or "postgresql" (under
tests/with-postgresql.sh, which exports OFFERAPI_TEST_PG_URL and the data
key file).

A candidate applies to two offers with two real PDFs; another candidate
applies too. The candidate's archives (zip and tar.gz, from the API, the
page and the admin tool) are opened with Python's zipfile and tarfile: every
file is there, the PDFs are byte for byte those uploaded, the texts hold a
sentence of each CV, applications.json holds the offers, answers with their
questions and scores with their scorer, version and explanation; nothing of
the other candidate is in them. A recruiter's archive holds the account and
the offers. Anonymous: 401; a bad format: 400 naming the parameter."""
import http.client
import io
import json
import os
import sqlite3
import sys
import tarfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subprocess  # noqa: E402

from serverlib import (Checker, Server, admin, admin_bin, apply_api, backend_db_url,  # noqa: E402
                       create_offer, make_pdf, signup, unique, wait_scored)

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
T = Checker("export-" + backend)
ADMIN = admin_bin()
db_url = backend_db_url(backend)

CV_A = ["Camille Martin - Ingenieure systeme", "Noyau Linux et pilotes de cartes reseau"]
CV_B = ["Camille Martin - Developpeuse C", "Huit ans de protocoles industriels en C"]
CV_OTHER = ["Paul Autre - Candidat voisin", "Phrase secrete du voisin 7731"]


def members(blob, fmt):
    """{name: bytes} of an archive, read with the standard library."""
    out = {}
    if fmt == "zip":
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            T.check(z.testzip() is None, "zip: every member's CRC is right")
            for n in z.namelist():
                out[n] = z.read(n)
    else:
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as t:
            for m in t.getmembers():
                T.check(m.isfile(), "tar: %s is a regular file" % m.name)
                out[m.name] = t.extractfile(m).read()
    return out


def check_candidate(files, what, cand, apps, other):
    """Every item of the candidate's archive; nothing of @other's."""
    names = set(files)
    want = {"README.txt", "account.json", "applications.json"}
    for aid in apps:
        want |= {"cv/application-%d.pdf" % aid, "cv/application-%d.txt" % aid}
    T.check(names == want, "%s: the files are %s (got %s)" % (what, sorted(want), sorted(names)))
    readme = files.get("README.txt", b"").decode()
    T.check("Français" in readme and "English" in readme and "applications.json" in readme,
            "%s: README.txt in French and English names the files" % what)
    acc = json.loads(files.get("account.json", b"{}"))
    T.check(acc.get("login") == cand.login and acc.get("role") == "candidate"
            and acc.get("display_name") == "Camille Martin",
            "%s: account.json: login, role, name: %s" % (what, acc))
    T.check(acc.get("email") == cand.email and acc.get("email_verified") is False
            and acc.get("created_at", "").endswith("Z"),
            "%s: account.json: e-mail, not verified, creation date: %s" % (what, acc))
    listed = json.loads(files.get("applications.json", b"[]"))
    T.check(sorted(a["id"] for a in listed) == sorted(apps),
            "%s: applications.json lists the two applications" % what)
    for a in listed:
        src = apps.get(a["id"])
        if not src:
            continue
        T.check(a["offer"]["id"] == src["offer"] and a["offer"]["title"] == src["title"],
                "%s: application %d: its offer's id and title" % (what, a["id"]))
        T.check(a["answers"] == [{"question": src["question"], "answer": src["answer"]}],
                "%s: application %d: the answer with its question: %s" % (what, a["id"], a["answers"]))
        T.check(a["applied_at"].endswith("Z") and a["cv_filename"] == src["filename"],
                "%s: application %d: date and file name" % (what, a["id"]))
        scorers = sorted(s["scorer"] for s in a["scores"])
        T.check(scorers == ["random", "similarity"], "%s: application %d: both scores: %s"
                % (what, a["id"], scorers))
        for s in a["scores"]:
            T.check(s["scorer_version"] and isinstance(s["score"], float)
                    and "explanation" in s, "%s: score %s has version, value, explanation"
                    % (what, s["scorer"]))
        sim = [s for s in a["scores"] if s["scorer"] == "similarity"]
        T.check(sim and sim[0]["explanation"] and sim[0].get("skills"),
                "%s: application %d: the similarity explanation and its skills" % (what, a["id"]))
        T.check({j["state"] for j in a["scoring_jobs"]} == {"done"},
                "%s: application %d: scoring states" % (what, a["id"]))
        want = src.get("stage", "received")
        hist = a.get("stage_history")
        T.check(a.get("stage") == want and a.get("stage_since", "").endswith("Z")
                and isinstance(hist, list)
                and [h["to"] for h in hist] == ([] if want == "received" else ["interview", "rejected"]),
                "%s: application %d: its stage and history: %s %s" % (what, a["id"], a.get("stage"), hist))
        if want == "rejected":
            T.check(hist[1].get("reason") == "experience" and hist[1].get("reason_text") == "Trop tôt.",
                    "%s: the reason shown to the candidate is in the history" % what)
        pdf = files.get(a["cv_pdf"])
        T.check(pdf == src["pdf"], "%s: %s is byte for byte the PDF sent" % (what, a["cv_pdf"]))
        txt = files.get(a["cv_text"], b"").decode()
        T.check(src["line"] in txt, "%s: %s holds %r" % (what, a["cv_text"], src["line"]))
    everything = b"".join(files.values())
    for leak in [other.login.encode(), CV_OTHER[1].encode(),
                 ("application-%d" % other.app).encode()]:
        T.check(leak not in everything, "%s: nothing of the other candidate: %r" % (what, leak))



def cut_short(srv, rec, offers):
    """A CV that no longer opens, met after the first block was sent: the
    transfer fails visibly (a malformed last chunk), never a whole-looking
    zip. The newest application's CV comes first: a big one (random text,
    which deflate cannot shrink) fills libarchive's 10 KiB blocks before the
    older one fails."""
    c = signup(srv, "candidate")
    r = apply_api(c, offers[0], answers=["Oui."], pdf=make_pdf(CV_A))
    T.status(r, 201, "cut-short: apply (small CV)")
    small = r.json()["application"]["id"]
    big_pdf = make_pdf([os.urandom(40).hex() for _ in range(400)])
    r = apply_api(c, offers[1], answers=["Oui."], pdf=big_pdf)
    T.status(r, 201, "cut-short: apply (big CV)")
    big = r.json()["application"]["id"]
    con = sqlite3.connect(srv.db_url[len("sqlite:"):], timeout=30)
    con.execute("UPDATE cv_sealed SET pdf = (SELECT pdf FROM cv_sealed WHERE application_id = ?)"
                " WHERE application_id = ?", (big, small))
    con.commit()
    con.close()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    conn.request("GET", "/api/v1/me/export", headers={"Authorization": "Bearer " + c.bearer})
    resp = conn.getresponse()
    T.check(resp.status == 200 and resp.getheader("Transfer-Encoding") == "chunked",
            "cut-short: the download had started (200, chunked): %d" % resp.status)
    got, failed = b"", False
    try:
        while True:
            part = resp.read(65536)
            if not part:
                break
            got += part
    except http.client.IncompleteRead as e:
        got += e.partial
        failed = True
    conn.close()
    T.check(failed, "cut-short: the client sees a failed transfer, not an end")
    T.check(len(got) > 10000 and not zipfile.is_zipfile(io.BytesIO(got)),
            "cut-short: what came (%d bytes) is no whole zip" % len(got))




srv = Server(db_url=db_url)
db_url = srv.db_url
out_dir = srv.tmp
try:
    rec = signup(srv, "recruiter")
    rec.token = rec.bearer
    offers = [create_offer(rec, title="Ingénieur système", questions=["Pourquoi ce poste ?"]),
              create_offer(rec, title="Développeuse C", questions=["Votre disponibilité ?"])]
    cand = srv.client()
    cand.login = unique("cam")
    cand.email = cand.login + "@example.org"
    r = cand.api("POST", "/api/v1/users", {"login": cand.login, "display_name": "Camille Martin",
                                            "password": "staple-battery-horse-42",
                                            "role": "candidate", "email": cand.email})
    T.status(r, 201, "candidate sign-up with an e-mail address")
    cand.bearer = r.json()["token"]
    apps = {}
    for oid, lines, q, ans in [(offers[0], CV_A, "Pourquoi ce poste ?", "J'aime les pilotes."),
                               (offers[1], CV_B, "Votre disponibilité ?", "Dans un mois.")]:
        pdf = make_pdf(lines)
        fname = "cv-%d.pdf" % oid
        r = apply_api(cand, oid, answers=[ans], pdf=pdf, filename=fname)
        T.status(r, 201, "apply to offer %d" % oid)
        aid = r.json()["application"]["id"]
        apps[aid] = {"offer": oid, "title": "Ingénieur système" if oid == offers[0]
                     else "Développeuse C", "question": q, "answer": ans, "pdf": pdf,
                     "line": lines[1], "filename": fname}
    other = signup(srv, "candidate")
    r = apply_api(other, offers[0], answers=["Moi aussi."], pdf=make_pdf(CV_OTHER))
    T.status(r, 201, "the other candidate applies")
    other.app = r.json()["application"]["id"]
    for aid in list(apps) + [other.app]:
        T.check(wait_scored(rec, aid), "application %d scored by both scorers" % aid)
    # one application moves on, then is rejected with a reason the candidate is shown
    first = sorted(apps)[0]
    for body in ({"stage": "interview"},
                 {"stage": "rejected", "reason": "experience", "reason_text": "Trop tôt.",
                  "show_reason": True}):
        r = rec.api("POST", "/api/v1/applications/%d/stage" % first, body,
                    headers={"X-Requested-With": "t"})
        T.status(r, 200, "the recruiter moves application %d to %s" % (first, body["stage"]))
    apps[first]["stage"] = "rejected"

    # anonymous: 401 (a problem); a bad format: 400 naming the parameter
    anon = srv.client()
    r = anon.api("GET", "/api/v1/me/export")
    T.status(r, 401, "anonymous export")
    T.check((r.header("Content-Type") or "").startswith("application/problem+json")
            and r.header("Content-Disposition") is None, "401 is a problem, no attachment")
    r = cand.api("GET", "/api/v1/me/export?format=rar")
    T.status(r, 400, "format=rar")
    errs = r.json().get("errors", []) if r.status == 400 else []
    T.check(errs and errs[0].get("parameter") == "format"
            and errs[0].get("allowed") == ["zip", "tar.gz"]
            and r.header("Content-Disposition") is None,
            "400 names the parameter and the allowed formats: %s" % r.text[:300])

    # the API, by cookie (zip, the default) and by bearer token (tar.gz)
    r = cand.api("GET", "/api/v1/me/export")
    T.status(r, 200, "export (zip)")
    T.check(r.header("Content-Type") == "application/zip", "zip media type")
    T.check(r.header("Content-Disposition") == 'attachment; filename="offreapi-%s.zip"'
            % cand.login, "an attachment: %s" % r.header("Content-Disposition"))
    T.check("no-store" in (r.header("Cache-Control") or ""), "never cached")
    check_candidate(members(r.body, "zip"), "API zip", cand, apps, other)
    bearer = srv.client()
    bearer.token = cand.bearer
    r = bearer.api("GET", "/api/v1/me/export?format=tar.gz")
    T.status(r, 200, "export (tar.gz, bearer)")
    T.check(r.header("Content-Type") == "application/gzip", "gzip media type")
    check_candidate(members(r.body, "tar.gz"), "API tar.gz", cand, apps, other)

    # the account page: the link, in French and in English, and its route
    r = cand.get("/me/sessions")
    T.check(r.status == 200 and "Télécharger mes données" in r.text
            and 'href="/me/export"' in r.text, "the account page links the export (fr)")
    cand.lang = "en"
    r = cand.get("/me/sessions")
    T.check("Download my data" in r.text, "the account page links the export (en)")
    r = cand.get("/me/export")
    T.status(r, 200, "page export")
    check_candidate(members(r.body, "zip"), "page zip", cand, apps, other)
    r = cand.get("/me/export?format=7z")
    T.check(r.status == 400 and "zip or tar.gz" in r.text, "page: a bad format is a 400 page")
    r = anon.get("/me/export")
    T.check(r.status == 303 and r.header("Location") == "/login", "page: anonymous to /login")

    # a recruiter's archive: the account and the offers (archived ones too), no application
    archived = create_offer(rec, title="Offre archivée")
    r = rec.api("DELETE", "/api/v1/offers/%d" % archived, headers={"X-Requested-With": "test"})
    T.status(r, [200, 204], "archive an offer")
    r = rec.api("GET", "/api/v1/me/export")
    T.status(r, 200, "recruiter export")
    files = members(r.body, "zip")
    T.check(set(files) == {"README.txt", "account.json", "offers.json"},
            "recruiter: README, account, offers: %s" % sorted(files))
    offs = json.loads(files.get("offers.json", b"[]"))
    T.check(sorted(o["id"] for o in offs) == sorted(offers + [archived])
            and all(o["questions"] and o["skills"] for o in offs),
            "recruiter: offers.json holds the offers with questions and skills: %s"
            % [o["id"] for o in offs])
    T.check([o["id"] for o in offs if o["archived_at"]] == [archived],
            "recruiter: the archived offer is there, with its date")
    T.check(b"Camille" not in b"".join(files.values()), "recruiter: no candidate's data")
    if backend == "sqlite":
        cut_short(srv, rec, offers)
finally:
    log = srv.stop()
T.check(CV_A[1] not in log and CV_OTHER[1] not in log, "the server's log holds no CV line")

# offerapi-admin export, for a request received by post
zpath, tpath = os.path.join(out_dir, "cam.zip"), os.path.join(out_dir, "cam.tar.gz")
rc, out, err = admin("--database", db_url, "export", "--user", cand.login.upper(), "--out", zpath)
T.check(rc == 0 and cand.login in out, "admin export (zip): %d %s %s" % (rc, out, err))
T.check(os.path.exists(zpath) and (os.stat(zpath).st_mode & 0o777) == 0o600, "the file is mode 0600")
if rc == 0:
    with open(zpath, "rb") as f:
        check_candidate(members(f.read(), "zip"), "admin zip", cand, apps, other)
rc, out, err = admin("--database", db_url, "--json", "export", "--user", cand.login, "--out", tpath,
                     "--format", "tar.gz")
T.check(rc == 0 and json.loads(out or "{}").get("format") == "tar.gz",
        "admin export --json (tar.gz): %d %s %s" % (rc, out, err))
if rc == 0:
    with open(tpath, "rb") as f:
        check_candidate(members(f.read(), "tar.gz"), "admin tar.gz", cand, apps, other)
rc, out, err = admin("--database", db_url, "--json", "export", "--user", cand.login, "--out", zpath)
T.check(rc == 5 and zpath in err and json.loads(out or "{}").get("file") == zpath,
        "an existing file is never overwritten: exit 5: %d %s %s" % (rc, out, err))
with open(zpath, "rb") as f:
    T.check(zipfile.is_zipfile(f), "the existing file is left as it was")
missing = os.path.join(out_dir, "nobody.zip")
rc, out, err = admin("--database", db_url, "export", "--user", "nobody-here", "--out", missing)
T.check(rc == 4 and "nobody-here" in err and not os.path.exists(missing),
        "an unknown login: exit 4 naming it, no file: %d %s" % (rc, err))
rc, out, err = admin("--database", db_url, "export", "--out", missing)
T.check(rc == 2 and "--user" in err, "no --user: exit 2: %d %s" % (rc, err))
rc, out, err = admin("--database", db_url, "export", "--user", cand.login)
T.check(rc == 2 and "--out" in err, "no --out: exit 2: %d %s" % (rc, err))
rc, out, err = admin("--database", db_url, "export", "--user", cand.login, "--out", missing,
                     "--format", "rar")
T.check(rc == 2 and "zip or tar.gz" in err and not os.path.exists(missing),
        "a bad --format: exit 2: %d %s" % (rc, err))
rc, out, err = admin("--database", db_url, "export", "--user", cand.login, "--out",
                     os.path.join(out_dir, "no-such-dir", "x.zip"))
T.check(rc == 5 and "no-such-dir" in err, "an unwritable path: exit 5 naming it: %d %s" % (rc, err))
rc, out, err = admin("--help")
T.check(rc == 0 and "export --user LOGIN --out FILE" in out and "4 no account" in out,
        "--help shows export and its exit codes")
p = subprocess.run([ADMIN, "--help"], capture_output=True, timeout=60,
                   env=dict(os.environ, LANG="fr_FR.UTF-8", LC_ALL="", LC_MESSAGES=""))
T.check("export --user LOGIN --out FICHIER" in p.stdout.decode()
        and "5 impossible d'écrire le fichier" in p.stdout.decode(), "--help in French shows export")
srv.cleanup()
T.done()
