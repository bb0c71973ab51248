#!/usr/bin/env python3
"""A little load on a running offerapi-server started with --demo.

Usage: load.py BASE_URL RECRUITER_PASSWORD [ROUNDS]

Logs the demo recruiter in, creates candidates who apply with a small PDF
(so extraction and scoring run), and walks the pages and API routes from a
few threads, plus a 404 and an unauthenticated call, so that every family of
the server's metrics has samples. Standard library only. Prints a summary;
exits 1 if the server answered 5xx or did not answer.
"""
import json
import sys
import threading
import urllib.error
import urllib.request
import uuid


def make_pdf(text):
    """A one-page PDF with Helvetica text (enough for MuPDF to extract)."""
    stream = "BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.replace("(", "").replace(")", "")
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (i, o)).encode("latin-1")
    xref = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
    for off in offsets:
        out += ("%010d 00000 n \n" % off).encode()
    out += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref)).encode()
    return out


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.statuses = {}
        self.lock = threading.Lock()

    def req(self, method, path, body=None, token=None, ctype="application/json"):
        data = None
        headers = {}
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = ctype
        if token:
            headers["Authorization"] = "Bearer " + token
        r = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(r, timeout=30) as resp:
                status, payload = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, payload = e.code, e.read()
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
        return status, payload


def main():
    base, password = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    c = Client(base)
    st, body = c.req("POST", "/api/v1/sessions", {"login": "demo-recruiter", "password": password})
    if st != 201:
        print("recruiter login failed: %d %s" % (st, body[:200]), file=sys.stderr)
        return 1
    rtok = json.loads(body)["token"]
    st, body = c.req("GET", "/api/v1/offers", token=rtok)
    offers = json.loads(body)
    offers = offers.get("offers", offers) if isinstance(offers, dict) else offers
    ids = [o["id"] for o in offers][:3] or [1]
    nq = {o["id"]: len(o.get("questions") or []) for o in offers}

    # two candidates apply to every offer: extraction and scoring metrics
    pdf = make_pdf("Python C Kubernetes PostgreSQL Prometheus developer, 5 years")
    import base64
    for n in range(2):
        login = "load-" + uuid.uuid4().hex[:10]
        st, body = c.req("POST", "/api/v1/users", {"login": login, "display_name": "Load %d" % n,
                                                   "password": "Quartz-harbor-%d-%s" % (n, uuid.uuid4().hex[:6]),
                                                   "role": "candidate"})
        if st != 201:
            print("candidate sign-up failed: %d %s" % (st, body[:200]), file=sys.stderr)
            return 1
        ctok = json.loads(body)["token"]
        for oid in ids:
            c.req("POST", "/api/v1/offers/%d/applications" % oid,
                  {"filename": "cv.pdf", "pdf_base64": base64.b64encode(pdf).decode(),
                   "answers": ["yes"] * nq.get(oid, 0)}, token=ctok)

    paths = ["/", "/healthz", "/readyz", "/static/style.css", "/login", "/metrics",
             "/no/such/page", "/api/v1/me"]
    for oid in ids:
        paths += ["/offers/%d" % oid, "/api/v1/offers/%d" % oid]

    def worker():
        for _ in range(rounds):
            for p in paths:
                c.req("GET", p)
            for oid in ids:
                c.req("GET", "/api/v1/offers/%d/applications" % oid, token=rtok)

    ts = [threading.Thread(target=worker) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("load: statuses %s" % json.dumps(c.statuses, sort_keys=True))
    if any(s >= 500 for s in c.statuses):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
