#!/usr/bin/env python3
"""test_purge.py BACKEND - consent at collection and the retention purge
(issue 16) through the server and offerapi-admin, on BACKEND "sqlite" or
"postgresql" (under tests/with-postgresql.sh).

The sign-up page and the apply form show the privacy notice with its
version and an unticked pool consent box tied to it (aria-describedby).
Three candidates apply to one offer: one without consent, one ticking the
pool box (the page's form), one who is hired. The applications are then
made three days old in the database (their dates moved back), and, with a
policy of one day (five more with consent), `offerapi-admin purge
--dry-run` counts one application and deletes nothing, `purge` deletes it:
it is gone from the dashboard (API and page: one purged) and from its
candidate's list; the others stay. The second candidate withdraws the
consent from /me/applications, and the next purge takes their application
too. Bad values are refused (exit 2, 422). Last, a server started with
--privacy-notice-file shows that text, French and English, under another
version."""
import io
import json
import os
import re
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (CV_LINES, Checker, Server, admin_bin, admin_on, backend_db_url,  # noqa: E402
                       create_offer, make_pdf, multipart, signup, sql)

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
T = Checker("purge-" + backend)
admin_bin()  # offerapi-admin is there, or the test fails now
db_url = backend_db_url(backend)
XRW = {"X-Requested-With": "test"}
POLICY = ["--retention-days", "1", "--pool-days", "5", "--retention-warn-days", "0"]






def apply_form(c, offer_id, consent):
    """Apply through the page's form (the CSRF token read from the offer page)."""
    fields = {"answer_0": "Parce que."}
    if consent:
        fields["pool_consent"] = "1"
    r = c.post_multipart("/offers/%d/apply" % offer_id, fields,
                         {"cv": ("cv.pdf", make_pdf(CV_LINES), "application/pdf")},
                         csrf_from="/offers/%d" % offer_id)
    T.status(r, 303, "the apply form")
    mine = c.api("GET", "/api/v1/me/applications").json()["applications"]
    return [a for a in mine if a["offer_id"] == offer_id][0]


def my_ids(c):
    return [a["id"] for a in c.api("GET", "/api/v1/me/applications").json()["applications"]]


srv = Server(db_url=db_url, extra=POLICY)
try:
    anon = srv.client()
    page = anon.get("/signup").text
    T.check('id="privacy-notice"' in page and "Version" in page,
            "the sign-up page shows the privacy notice and its version")
    rec = signup(srv, "recruiter")
    offer = create_offer(rec)
    cands = [signup(srv, "candidate", email="p%d-%s@example.org" % (i, os.getpid()))
             for i in range(3)]
    page = cands[0].get("/offers/%d" % offer).text
    box = re.search(r'<input type="checkbox" id="f-pool_consent"[^>]*>', page)
    T.check(box is not None and "checked" not in box.group(0) and
            'aria-describedby="privacy-notice"' in box.group(0),
            "the apply form has an unticked pool box described by the notice")
    T.check(re.search(r'<label class="check" for="f-pool_consent">', page) is not None,
            "the pool box has its label")
    version = re.search(r"Version de cette notice : ([0-9a-f]{12})", page)
    T.check(version is not None, "the notice's version is shown")
    version = version.group(1) if version else ""
    gone = apply_form(cands[0], offer, False)
    pooled = apply_form(cands[1], offer, True)
    hired = apply_form(cands[2], offer, False)
    T.check(not gone["pool_consent"] and pooled["pool_consent"],
            "pool_consent stored as ticked: %r %r" % (gone["pool_consent"], pooled["pool_consent"]))
    T.check(pooled["notice_version"] == version and pooled["consent_at"],
            "the notice's version and the time are stored: %r" % pooled)
    for stage in ("offer", "hired"):
        r = rec.api("POST", "/api/v1/applications/%d/stage" % hired["id"], {"stage": stage},
                    headers=XRW)
        T.status(r, 200, "to %s" % stage)
    # the consent is in the person's export
    r = cands[1].api("GET", "/api/v1/me/export")
    T.status(r, 200, "export")
    exported = []
    if r.status == 200:
        with zipfile.ZipFile(io.BytesIO(r.body)) as z:
            name = [n for n in z.namelist() if n.endswith("applications.json")]
            exported = json.loads(z.read(name[0])) if name else []
    T.check(len(exported) == 1 and exported[0].get("pool_consent") is True and
            exported[0].get("notice_version") == version and exported[0].get("consent_at"),
            "the export holds the consent, its time and the notice's version: %r" % exported)
    # the API's pool_consent: a bad value is refused
    body, ct = multipart({"pool_consent": "maybe"},
                         {"cv": ("cv.pdf", make_pdf(CV_LINES), "application/pdf")})
    r = cands[0].request("POST", "/api/v1/offers/%d/applications" % offer, body=body,
                         headers=dict(XRW, **{"Content-Type": ct}))
    T.status(r, 422, "pool_consent=maybe")

    # three days old: past one day, within one + five
    sql(srv.db_url, "UPDATE applications SET created_at = created_at - 259200,"
             " stage_at = stage_at - 259200")
    sql(srv.db_url, "UPDATE application_stages SET created_at = created_at - 259200")

    rc, out, err = admin_on(srv.db_url, "purge", "--retention-days", "0")
    T.check(rc == 2 and "--retention-days" in err, "a bad --retention-days: exit 2 (%d %s)" % (rc, err))
    rc, out, err = admin_on(srv.db_url, "purge", "--dry-run", "--json", *POLICY)
    T.check(rc == 0, "purge --dry-run: %d %s" % (rc, err))
    res = json.loads(out) if rc == 0 else {}
    T.check(res.get("dry_run") is True and res.get("applications") == 1,
            "the dry run counts one application: %s" % out)
    T.check(gone["id"] in my_ids(cands[0]), "the dry run deleted nothing")
    rc, out, err = admin_on(srv.db_url, "purge", "--json", *POLICY)
    res = json.loads(out) if rc == 0 else {}
    T.check(rc == 0 and res.get("applications") == 1, "purge: one application: %s %s" % (out, err))
    T.check(my_ids(cands[0]) == [], "gone from its candidate's list (API)")
    T.check("/applications/%d/" % gone["id"] not in cands[0].get("/me/applications").text,
            "gone from its candidate's page")
    d = rec.api("GET", "/api/v1/offers/%d/applications" % offer).json()
    ids = sorted(a["id"] for a in d["applications"])
    T.check(ids == sorted([pooled["id"], hired["id"]]) and d["count"] == 2 and d["purged"] == 1,
            "the dashboard: two left, one purged: %r %r %r" % (ids, d["count"], d.get("purged")))
    page = rec.get("/offers/%d/dashboard" % offer).text
    T.check('<strong id="purged">1</strong>' in page, "the dashboard page says one purged")
    r = rec.api("GET", "/api/v1/applications/%d" % gone["id"])
    T.status(r, 404, "the purged application")

    # the API's withdrawal: PATCH pool_consent false (true is refused; not the recruiter's)
    MP = dict(XRW, **{"Content-Type": "application/merge-patch+json"})
    r = cands[1].api("PATCH", "/api/v1/applications/%d" % pooled["id"], {"pool_consent": True},
                     headers=MP)
    T.status(r, 422, "PATCH pool_consent true")
    T.check(r.status != 422 or r.json()["errors"][0]["pointer"] == "/pool_consent",
            "the 422 names /pool_consent: %s" % r.text[:300])
    r = rec.api("PATCH", "/api/v1/applications/%d" % pooled["id"], {"pool_consent": False},
                headers=MP)
    T.status(r, 403, "the recruiter cannot withdraw a candidate's consent")
    r = cands[2].api("PATCH", "/api/v1/applications/%d" % hired["id"], {"pool_consent": False},
                     headers=MP)
    T.status(r, 200, "PATCH pool_consent false")
    T.check(r.status == 200 and r.json()["application"]["pool_consent"] is False,
            "the answer shows pool_consent false")

    # the second candidate withdraws the consent: their application goes next
    page = cands[1].get("/me/applications").text
    T.check("/me/applications/%d/consent-withdraw" % pooled["id"] in page,
            "the withdraw button on /me/applications")
    r = cands[1].post_form("/me/applications/%d/consent-withdraw" % pooled["id"], {},
                           csrf_from="/me/applications")
    T.status(r, 303, "consent withdrawn")
    r = cands[0].post_form("/me/applications/%d/consent-withdraw" % pooled["id"], {},
                           csrf_from="/me/applications")
    T.status(r, 404, "another candidate cannot withdraw it")
    a = cands[1].api("GET", "/api/v1/applications/%d" % pooled["id"]).json()["application"]
    T.check(a["pool_consent"] is False, "pool_consent is false after the withdrawal")
    rc, out, err = admin_on(srv.db_url, "purge", "--json", *POLICY)
    res = json.loads(out) if rc == 0 else {}
    T.check(rc == 0 and res.get("applications") == 1, "the next purge: %s %s" % (out, err))
    T.check(my_ids(cands[1]) == [] and my_ids(cands[2]) == [hired["id"]],
            "the withdrawn one is gone, the hired one stays")
    rc, out, err = admin_on(srv.db_url, "purge", *POLICY)
    T.check(rc == 0 and "purged: 0 application(s)" in out, "a third purge has nothing: %s" % out)
finally:
    srv.stop()

# the operator's own notice, in both languages
notice = os.path.join(srv.tmp, "notice.txt")
with open(notice, "w") as f:
    f.write("Notice de l'exploitant : vos données restent un an.\n---\n"
            "The operator's notice: your data stay one year.\n")
srv2 = Server(db_url=db_url, tmp=srv.tmp, extra=POLICY + ["--privacy-notice-file", notice])
try:
    fr = srv2.client().get("/signup").text
    en = srv2.client("en").get("/signup").text
    T.check("vos données restent un an" in fr and "stay one year" not in fr,
            "the operator's French notice")
    T.check("your data stay one year" in en, "the operator's English notice")
    v2 = re.search(r"Version de cette notice : ([0-9a-f]{12})", fr)
    T.check(v2 is not None and v2.group(1) != version, "another notice, another version")
finally:
    srv2.stop()
p = subprocess.run([os.environ["OFFERAPI_SERVER_BIN"], "--database",
                    "sqlite:" + os.path.join(srv.tmp, "other.db"),
                    "--privacy-notice-file", os.path.join(srv.tmp, "nope.txt"), "--listen",
                    "127.0.0.1:1"], capture_output=True, timeout=60)
T.check(p.returncode != 0 and b"--privacy-notice-file" in p.stderr,
        "a missing notice file stops the start: %d %s" % (p.returncode, p.stderr[-300:]))
srv.cleanup()
T.done()
