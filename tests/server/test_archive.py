#!/usr/bin/env python3
"""test_archive.py - DELETE /api/v1/offers/{id} archives (issue 15).

The offer leaves every list (the recruiter's own too), GET and the page are
404, writes are 404, applying is refused, a stale If-Match is 412 and
archives nothing; its applications stay readable by its recruiter and in
the candidate's list; another recruiter and a candidate cannot archive."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, apply_api, create_offer, signup  # noqa: E402

T = Checker("server-archive")
srv = Server()
rec = signup(srv, "recruiter")
rec.token = rec.bearer
cand = signup(srv, "candidate")
cand.token = cand.bearer
other = signup(srv, "recruiter")
other.token = other.bearer
keep = create_offer(rec, title="Gardée", questions=[])
gone = create_offer(rec, title="Archivée", questions=[])
aid = apply_api(cand, gone, answers=[]).json()["application"]["id"]

T.status(other.api("DELETE", "/api/v1/offers/%d" % gone), 403, "another recruiter cannot archive")
T.status(cand.api("DELETE", "/api/v1/offers/%d" % gone), 403, "a candidate cannot archive")
T.status(srv.client().api("DELETE", "/api/v1/offers/%d" % gone), 401, "anonymous cannot archive")
# a stale If-Match: 412, nothing archived
etag = rec.get("/api/v1/offers/%d" % gone).header("ETag")
rec.api("PATCH", "/api/v1/offers/%d" % gone, None)  # no-op
r = rec.request("PATCH", "/api/v1/offers/%d" % gone, body=b'{"location":"Nantes"}',
                headers={"Content-Type": "application/merge-patch+json"})
T.status(r, 200, "a change after the ETag was read")
r = rec.api("DELETE", "/api/v1/offers/%d" % gone, headers={"If-Match": etag})
T.status(r, 412, "DELETE with a stale If-Match")
T.status(rec.get("/api/v1/offers/%d" % gone), 200, "not archived by the refused DELETE")
etag = rec.get("/api/v1/offers/%d" % gone).header("ETag")
r = rec.api("DELETE", "/api/v1/offers/%d" % gone, headers={"If-Match": etag})
T.status(r, 204, "DELETE with the current ETag")
T.check(r.body == b"", "204 has no body")

ids = lambda c, url: [o["id"] for o in c.get(url).json()["offers"]]  # noqa: E731
T.check(gone not in ids(srv.client(), "/api/v1/offers") and keep in ids(srv.client(), "/api/v1/offers"),
        "gone from the public list")
T.check(ids(rec, "/api/v1/offers?mine=1") == [keep] and rec.get("/api/v1/offers?mine=1").json()["total"] == 1,
        "gone from the recruiter's own list, total included")
T.status(rec.get("/api/v1/offers/%d" % gone), 404, "GET of an archived offer")
T.status(srv.client().get("/offers/%d" % gone), 404, "the offer page")
T.check("/offers/%d\"" % gone not in rec.get("/").text, "not on the recruiter's home page")
for method, url, body in (("PUT", "/api/v1/offers/%d" % gone, {"title": "t", "description": "d"}),
                          ("POST", "/api/v1/offers/%d/reopen" % gone, None),
                          ("POST", "/api/v1/offers/%d/close" % gone, None),
                          ("DELETE", "/api/v1/offers/%d" % gone, None)):
    T.status(rec.api(method, url, body), 404, "%s of an archived offer" % method)
cand2 = signup(srv, "candidate")
cand2.token = cand2.bearer
T.status(apply_api(cand2, gone, answers=[]), 409, "applying to an archived offer is refused")
# its records stay
r = rec.get("/api/v1/offers/%d/applications" % gone)
T.check(r.status == 200 and [a["id"] for a in r.json()["applications"]] == [aid],
        "the recruiter still reads its applications")
mine = cand.get("/api/v1/me/applications").json()["applications"]
T.check([(a["id"], a["offer_is_open"]) for a in mine] == [(aid, False)],
        "the candidate still sees the application, offer closed")
srv.stop()
srv.cleanup()
T.done()
