#!/usr/bin/env python3
"""test_faults.py - faults that must never lose an accepted application,
and the PDF refusals that need special files:

- a scorer that always fails (tests/store/failing-scorer.c): the
  application is stored, the other scorer's score too, the failure is
  counted in /metrics and logged;
- a damaged PDF, an encrypted PDF (made with mutool), a PDF over --max-pages;
- a PDF bomb (30 s of MuPDF's time): 422 pdf_too_complex after the CPU
  budget (--max-cv-cpu-ms, 3 s by default), in the candidate's language,
  counted in the metrics.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (CV_LINES, Checker, Server, apply_api, create_offer, fail, make_pdf,  # noqa: E402
                       make_pdf_bomb, signup, wait_scored)

T = Checker("server-faults")
failing = os.environ.get("OFFERAPI_FAILING_SCORER") or fail("OFFERAPI_FAILING_SCORER not set")
plugins = [p for p in os.environ.get("OFFERAPI_PLUGINS", "").split(":") if "scorer-random" in p] + [failing]
# one attempt: the failing job is failed for good at once
srv = Server(plugins=plugins, scorers="random,always-fails",
             extra=["--max-pages", "2", "--max-attempts", "1", "--apply-wait-ms", "2000"])
rec = signup(srv, "recruiter")
rec.token = rec.bearer
oid = create_offer(rec, questions=[])
cand = signup(srv, "candidate")
cand.token = cand.bearer
r = apply_api(cand, oid, answers=[])
T.status(r, 201, "apply while a scorer fails")
# the answer waits for the jobs at most 2 s: then wait for them here (a
# worker counts a job, then logs it)
app = r.json()["application"]["id"]
T.check(wait_scored(rec, app, n=1), "the working scorer scored")
gave_up = r'msg=job job_id=\d+ application_id=\d+ scorer=always-fails result=gave_up'
log = srv.wait_log(gave_up)
m = rec.get("/metrics").text
r = rec.get("/api/v1/offers/%d/applications" % oid)
d = r.json()
T.check(d["count"] == 1, "the application is stored")
T.check([s["scorer"] for s in d["applications"][0]["scores"]] == ["random"], "the working scorer's score is stored")
T.check('offerapi_scorer_errors_total{scorer="always-fails"} 1' in m, "scorer error counted")
T.check("offerapi_scoring_failures_total 1" in m, "scoring failure counted")
T.check("offerapi_applications_received_total 1" in m, "application counted as received")
T.check(re.search(gave_up, log) is not None, "scorer failure logged")
rec.cookies["oa_session"] = rec.bearer
rec.token = None
r = rec.get("/offers/%d/dashboard" % oid)
T.check(r.status == 200 and '<span class="job failed">échec</span>' in r.text,
        "dashboard shows the failed score as failed")

c2 = signup(srv, "candidate")
c2.token = c2.bearer
r = apply_api(c2, oid, answers=[], pdf=b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\ngarbage" * 3)
T.check(r.status == 422 and r.json()["code"] in ("pdf_damaged", "no_text"),
        "a damaged PDF is refused with 422: %d %s" % (r.status, r.text))
r = apply_api(c2, oid, answers=[], pdf=make_pdf(CV_LINES, pages=3))
T.status(r, 422, "a PDF over --max-pages")
T.check(r.json()["code"] == "too_many_pages", "too_many_pages code")
mutool = shutil.which("mutool")
if T.check(mutool is not None, "mutool is installed (Debian package mupdf-tools)"):
    tmp = tempfile.mkdtemp()
    src, enc = os.path.join(tmp, "in.pdf"), os.path.join(tmp, "enc.pdf")
    with open(src, "wb") as f:
        f.write(make_pdf(CV_LINES))
    subprocess.run([mutool, "clean", "-E", "aes-256", "-U", "secret", "-O", "owner", src, enc], check=True,
                   capture_output=True)
    with open(enc, "rb") as f:
        r = apply_api(c2, oid, answers=[], pdf=f.read())
    T.status(r, 422, "an encrypted PDF")
    T.check(r.json()["code"] == "pdf_encrypted", "pdf_encrypted code: %s" % r.text)
    c2.cookies["oa_session"] = c2.bearer
    c2.token = None
    with open(enc, "rb") as f:
        r = c2.post_multipart("/offers/%d/apply" % oid, {}, {"cv": ("enc.pdf", f.read(), "application/pdf")},
                              csrf_from="/offers/%d" % oid)
    T.status(r, 422, "page: an encrypted PDF")
    T.check("mot de passe" in r.text, "page: the encrypted-PDF message")
    shutil.rmtree(tmp)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


bomb = make_pdf_bomb()
t0, c0 = time.monotonic(), cpu_seconds(srv.proc.pid)
r = apply_api(c2, oid, answers=[], pdf=bomb)
dt, cpu = time.monotonic() - t0, cpu_seconds(srv.proc.pid) - c0
print("server-faults: a %d-byte PDF bomb refused after %.2f s (%.2f s of the server's CPU)"
      % (len(bomb), dt, cpu))
T.status(r, 422, "a PDF bomb (%d bytes)" % len(bomb))
T.check(r.json()["code"] == "pdf_too_complex", "pdf_too_complex code: %s" % r.text)
# CPU time, not wall time (a loaded machine stretches the latter): the
# budget is 3 s; reading the whole file costs MuPDF about 30 s
T.check(cpu < 10, "refused after the CPU budget, not after the 30 s MuPDF needs (%.1f s)" % cpu)
c2.cookies["oa_session"] = c2.bearer
c2.token = None
r = c2.post_multipart("/offers/%d/apply" % oid, {}, {"cv": ("bomb.pdf", bomb, "application/pdf")},
                      csrf_from="/offers/%d" % oid)
T.status(r, 422, "page: a PDF bomb")
T.check("trop long à lire" in r.text, "page: the message in French")
c2.lang = "en"
r = c2.post_multipart("/offers/%d/apply" % oid, {}, {"cv": ("bomb.pdf", bomb, "application/pdf")},
                      csrf_from="/offers/%d" % oid)
T.check(r.status == 422 and "takes too long to read" in r.text, "page: the message in English")
c2.lang = "fr"
c2.cookies.pop("oa_session", None)
c2.token = c2.bearer
m = c2.get("/metrics").text
T.check('offerapi_application_submissions_total{outcome="too_complex"} 3' in m,
        "PDF bombs counted as too_complex: %s" % re.findall(r'outcome="too_complex"} \d+', m))
r = apply_api(c2, oid, answers=[])
T.status(r, 201, "after the refusals, a good CV is accepted")
srv.stop()

# SIGTERM with --drain-ms: still serving, /readyz at 503, then a clean exit.
import signal  # noqa: E402
d = Server(db_url=srv.db_url, tmp=srv.tmp, plugins=plugins, scorers="random", extra=["--drain-ms", "5000"])
c = d.client()
T.status(c.get("/readyz"), 200, "ready before SIGTERM")
d.proc.send_signal(signal.SIGTERM)
# the signal is handled asynchronously: a request racing it may still see
# 200, so poll (bounded) until the server says it drains
import time  # noqa: E402
for _ in range(100):
    r = c.get("/readyz")
    if r.status != 200:
        break
    time.sleep(0.02)
T.status(r, 503, "readyz 503 while draining")
T.check(r.body == b"draining\n", "readyz says draining")
T.status(c.get("/offers/%d" % oid), 200, "pages still served while draining")
c.close()
d.stop(expect_code=0)
T.check("msg=stopped" in d.logtext(), "clean stop after the drain")

# A new scorer appears: at start-up the server enqueues jobs for the stored
# applications that lack its score, and its workers score them.
allp = [p for p in os.environ.get("OFFERAPI_PLUGINS", "").split(":") if p]
if T.check(any("scorer-similarity" in p for p in allp), "the similarity plugin is built"):
    shutil.rmtree(os.path.join(srv.tmp, "plugins"))
    e = Server(db_url=srv.db_url, tmp=srv.tmp, plugins=allp, scorers="random,similarity")
    c = e.client()
    c.token = rec.bearer
    import time  # noqa: E402
    ok = False
    for _ in range(600):  # a hang guard only
        apps = c.get("/api/v1/offers/%d/applications" % oid).json()["applications"]
        if apps and all(any(s["scorer"] == "similarity" for s in a["scores"]) for a in apps):
            ok = True
            break
        time.sleep(0.1)
    T.check(ok, "stored applications get the new scorer's score")
    T.check(re.search(r'msg="rescoring enqueued" jobs=\d+', e.logtext()) is not None,
            "the rescoring is logged")
    e.stop()
srv.cleanup()
T.done()
