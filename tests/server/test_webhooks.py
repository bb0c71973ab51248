#!/usr/bin/env python3
"""test_webhooks.py - webhooks over real HTTP (issue 15), against a receiver
started here on loopback that checks every signature.

- a recruiter registers an endpoint (201, the secret once, never in the
  list); a candidate applies, the recruiter moves the application and closes
  the offer: the receiver gets application.created, application.stage_changed
  and offer.closed, each signed (Standard Webhooks: HMAC-SHA256 of
  id.timestamp.body), with ids and stages only (no name, login or CV);
- the receiver answers 500 to the first try of each delivery on purpose: the
  delivery is retried and the log shows 2 attempts, done, status 200;
- an outage: the receiver is down while a stage changes; the log shows the
  failed attempt; once it is back the event arrives, once;
- "send test event" queues a ping;
- without --webhook-allow-private, a delivery to loopback is refused (the
  log says the address is not public) and nothing arrives;
- refusals: a candidate (403), a bad url or event (422 naming the field),
  another recruiter's endpoint (404), an 11th endpoint (409), a personal
  access token (403 insufficient_scope);
- the endpoints and a delivery log are paged like the other API lists:
  7 endpoints, then 7 test events, 3 a page by next and by Link, each once,
  newest first, totals 7; a bad or another list's cursor, a bad limit and
  an unknown parameter are 400 naming it.
Runs on SQLite, or PostgreSQL with the argument 'postgresql'."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (Checker, Server, apply_api, check_paged_list, create_offer,  # noqa: E402
                       free_port, personal, signup)

T = Checker("server-webhooks")
XRW = {"X-Requested-With": "test"}


class Receiver:
    """An HTTP receiver on loopback that checks signatures with .secret and
    answers 500 to the first try of each webhook-id when .fail_first."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.secret = None
        self.fail_first = True
        self.got = []  # (webhook-id, body dict) of each accepted delivery
        self.tries = {}  # webhook-id -> tries
        self.bad = []  # what failed a check
        self.lock = threading.Lock()
        self.start()

    def start(self):
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                mid = self.headers.get("webhook-id", "")
                ts = self.headers.get("webhook-timestamp", "")
                sig = self.headers.get("webhook-signature", "")
                key = base64.b64decode(outer.secret[len("whsec_"):])
                want = "v1," + base64.b64encode(
                    hmac.new(key, ("%s.%s." % (mid, ts)).encode() + body, hashlib.sha256).digest()).decode()
                with outer.lock:
                    if not hmac.compare_digest(want, sig):
                        outer.bad.append("signature of %s" % mid)
                    if abs(time.time() - int(ts or 0)) > 300:
                        outer.bad.append("timestamp of %s" % mid)
                    if self.headers.get("Content-Type") != "application/json":
                        outer.bad.append("content-type of %s" % mid)
                    n = outer.tries[mid] = outer.tries.get(mid, 0) + 1
                    status = 500 if outer.fail_first and n == 1 else 200
                    if status == 200:
                        outer.got.append((mid, json.loads(body)))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), H)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def events(self, type_):
        with self.lock:
            return [b for _, b in self.got if b["type"] == type_]


def wait_for(cond, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    T.check(False, "in %d s: %s" % (timeout, what))
    return False


def deliveries(c, wid):
    r = c.get("/api/v1/me/webhooks/%d/deliveries" % wid)
    T.status(r, 200, "the delivery log")
    return r.json()["deliveries"] if r.status == 200 else []


def flow(srv, rec, cand, recv):
    r = rec.api("POST", "/api/v1/me/webhooks",
                {"url": "http://127.0.0.1:%d/hook" % recv.port,
                 "events": ["application.created", "application.stage_changed", "offer.closed"]},
                headers=XRW)
    T.status(r, 201, "an endpoint is registered")
    hook = r.json()
    recv.secret = hook["secret"]
    personal(hook["secret"])
    T.check(hook["secret"].startswith("whsec_"), "the secret's form")
    r = rec.get("/api/v1/me/webhooks")
    T.check(hook["secret"] not in r.text and len(r.json()["webhooks"]) == 1,
            "the list holds the endpoint, never its secret")

    offer = create_offer(rec)
    r = apply_api(cand, offer)
    T.status(r, 201, "a candidate applies")
    app = r.json()["application"]["id"]
    wait_for(lambda: recv.events("application.created"), "application.created arrives")
    ev = recv.events("application.created")
    T.check(ev and ev[0]["data"] == {"offer_id": offer, "application_id": app, "stage": "received"},
            "application.created carries the ids and the stage: %r" % (ev[:1],))
    raw = json.dumps(recv.got)
    T.check(cand.login not in raw and cand.login.title() not in raw,
            "no login or name of the candidate in any event")
    log = deliveries(rec, hook["id"])
    T.check(log and log[0]["state"] == "done" and log[0]["attempts"] == 2 and
            log[0]["last_status"] == 200,
            "the first try answered 500, the second 200: %r" % (log[:1],))

    r = rec.api("POST", "/api/v1/applications/%d/stage" % app, {"stage": "reviewed"}, headers=XRW)
    T.status(r, 200, "the recruiter moves the application")
    wait_for(lambda: recv.events("application.stage_changed"), "application.stage_changed arrives")
    ev = recv.events("application.stage_changed")
    T.check(ev and ev[0]["data"].get("from") == "received" and ev[0]["data"].get("to") == "reviewed",
            "stage_changed says from and to")

    # an outage: nothing listens while the application moves on
    recv.stop()
    r = rec.api("POST", "/api/v1/applications/%d/stage" % app, {"stage": "interview"}, headers=XRW)
    T.status(r, 200, "a move while the receiver is down")
    wait_for(lambda: any(d["attempts"] >= 1 and d["last_error"] and d["state"] == "pending"
                         for d in deliveries(rec, hook["id"])),
             "the log shows the failed attempt of the outage")
    recv.fail_first = False
    recv.start()
    wait_for(lambda: [e for e in recv.events("application.stage_changed")
                      if e["data"].get("to") == "interview"],
             "the event of the outage arrives once the receiver is back")
    time.sleep(0.5)
    n = [e for e in recv.events("application.stage_changed") if e["data"].get("to") == "interview"]
    T.check(len(n) == 1, "the event of the outage arrives once (%d)" % len(n))

    r = rec.api("POST", "/api/v1/offers/%d/close" % offer, None, headers=XRW)
    T.status(r, 200, "the offer is closed")
    wait_for(lambda: recv.events("offer.closed"), "offer.closed arrives")
    T.check(recv.events("offer.closed")[0]["data"] == {"offer_id": offer}, "offer.closed's data")

    r = rec.api("POST", "/api/v1/me/webhooks/%d/test" % hook["id"], None, headers=XRW)
    T.status(r, 202, "a test event is queued")
    wait_for(lambda: recv.events("ping"), "the ping arrives")
    T.check(not recv.bad, "every signature, timestamp and type checked: %r" % recv.bad)
    ids = [m for m, _ in recv.got]
    T.check(len(ids) == len(set(ids)), "no delivery accepted twice")
    return hook


def refusals(srv, rec, rec2, cand, hook):
    r = cand.api("POST", "/api/v1/me/webhooks", {"url": "https://example.org/h",
                                                 "events": ["offer.closed"]}, headers=XRW)
    T.status(r, 403, "a candidate has no webhooks")
    for body, ptr in (({"url": "ftp://example.org/h", "events": ["offer.closed"]}, "/url"),
                      ({"url": "https:///h", "events": ["offer.closed"]}, "/url"),
                      ({"url": "https://user:pw@example.org/h", "events": ["offer.closed"]}, "/url"),
                      ({"url": "https://example.org/a b", "events": ["offer.closed"]}, "/url"),
                      ({"events": ["offer.closed"]}, "/url"),
                      ({"url": "https://example.org/h"}, "/events"),
                      ({"url": "https://example.org/h", "events": []}, "/events"),
                      ({"url": "https://example.org/h", "events": ["offer.opened"]}, "/events")):
        r = rec.api("POST", "/api/v1/me/webhooks", body, headers=XRW)
        T.status(r, 422, "refused: %r" % (body,))
        ptrs = [e.get("pointer", "") for e in r.json().get("errors", [])]
        T.check(any(p.startswith(ptr) for p in ptrs), "%r names %s (got %r)" % (body, ptr, ptrs))
    for method, path in (("DELETE", "/api/v1/me/webhooks/%d"), ("POST", "/api/v1/me/webhooks/%d/test"),
                         ("GET", "/api/v1/me/webhooks/%d/deliveries")):
        T.status(rec2.api(method, path % hook["id"], None, headers=XRW), 404,
                 "another recruiter: %s %s" % (method, path))
    r = rec.api("POST", "/api/v1/me/tokens", {"name": "hooks", "scopes": ["offers:write"]},
                headers=XRW)
    pat = srv.client("en")
    pat.token = r.json()["token"]
    personal(pat.token)
    r = pat.get("/api/v1/me/webhooks")
    T.status(r, 403, "a personal access token cannot manage webhooks")
    n = len(rec.get("/api/v1/me/webhooks").json()["webhooks"])
    for i in range(10 - n):
        T.status(rec.api("POST", "/api/v1/me/webhooks", {"url": "https://example.org/h%d" % i,
                                                       "events": ["offer.closed"]}, headers=XRW),
                 201, "endpoint %d" % i)
    r = rec.api("POST", "/api/v1/me/webhooks", {"url": "https://example.org/x",
                                               "events": ["offer.closed"]}, headers=XRW)
    T.status(r, 409, "the 11th endpoint")
    T.status(rec.api("DELETE", "/api/v1/me/webhooks/%d" % hook["id"], None, headers=XRW), 204,
             "an endpoint is removed")
    T.status(rec.get("/api/v1/me/webhooks/%d/deliveries" % hook["id"]), 404,
             "its log went with it")


def paging(srv, rec, rec2):
    """7 endpoints (of the 10 allowed), then 7 deliveries of one of them
    to a receiver that accepts them."""
    recv = Receiver()
    recv.fail_first = False
    made = []
    for i in range(7):
        r = rec.api("POST", "/api/v1/me/webhooks", {"url": "http://127.0.0.1:%d/p%d" % (recv.port, i),
                                                   "events": ["offer.closed"]}, headers=XRW)
        T.status(r, 201, "endpoint p%d" % i)
        personal(r.json()["secret"])
        made.append(r.json()["id"])
        recv.secret = r.json()["secret"]  # the last one made gets the pings
    for i in range(4):
        T.status(rec2.api("POST", "/api/v1/me/webhooks", {"url": "https://example.org/q%d" % i,
                                                        "events": ["offer.closed"]}, headers=XRW),
                 201, "another recruiter's endpoint q%d" % i)
    other = rec2.get("/api/v1/me/webhooks?limit=3").json()["next"]
    T.check(other is not None, "another recruiter's list has a next cursor")
    ids = check_paged_list(T, rec, "/api/v1/me/webhooks", "webhooks", made, other)
    wid = made[-1]
    for i in range(7):
        T.status(rec.api("POST", "/api/v1/me/webhooks/%d/test" % wid, None, headers=XRW), 202,
                 "ping %d" % i)
    r = rec.get("/api/v1/me/webhooks/%d/deliveries?limit=50" % wid)
    T.status(r, 200, "the whole log")
    sent = [d["id"] for d in r.json()["deliveries"]] if r.status == 200 else []
    T.check(len(sent) == 7, "7 deliveries logged: %s" % sent)
    other = rec.get("/api/v1/me/webhooks?limit=3").json()["next"]  # a list of another kind
    check_paged_list(T, rec, "/api/v1/me/webhooks/%d/deliveries" % wid, "deliveries", sent, other)
    r = rec.get("/api/v1/me/webhooks/%d/deliveries?limit=3" % ids[1])
    T.check(r.status == 200 and r.json()["deliveries"] == [] and r.json()["total"] == 0
            and r.json()["next"] is None, "an endpoint with no delivery: an empty page")
    wait_for(lambda: len(recv.got) == 7, "the 7 pings arrive")
    T.check(not recv.bad, "the pings are signed: %s" % recv.bad)
    recv.stop()


def private_refused(db_url):
    """A server on its defaults never posts to loopback."""
    recv = Receiver()
    recv.fail_first = False
    srv = Server(db_url=db_url, extra=["--webhook-backoff-ms", "100"])
    rec = signup(srv, "recruiter")
    rec.token = rec.bearer
    r = rec.api("POST", "/api/v1/me/webhooks", {"url": "http://127.0.0.1:%d/hook" % recv.port,
                                               "events": ["offer.closed"]}, headers=XRW)
    T.status(r, 201, "a loopback URL is accepted as an address")
    recv.secret = r.json()["secret"]
    personal(recv.secret)
    wid = r.json()["id"]
    T.status(rec.api("POST", "/api/v1/me/webhooks/%d/test" % wid, None, headers=XRW), 202, "a ping")
    wait_for(lambda: any("not public" in (d["last_error"] or "") for d in deliveries(rec, wid)),
             "the log says the address is not public")
    time.sleep(0.3)
    T.check(not recv.got and not recv.tries, "nothing reached the loopback receiver")
    srv.stop()
    srv.cleanup()
    recv.stop()


def main():
    db_url = os.environ.get("OFFERAPI_TEST_PG_URL") if sys.argv[1:] == ["postgresql"] else None
    recv = Receiver()
    srv = Server(db_url=db_url, extra=["--webhook-allow-private", "--webhook-backoff-ms", "100"])
    rec = signup(srv, "recruiter")
    rec.token = rec.bearer
    rec2 = signup(srv, "recruiter")
    rec2.token = rec2.bearer
    cand = signup(srv, "candidate")
    cand.token = cand.bearer
    hook = flow(srv, rec, cand, recv)
    refusals(srv, rec, rec2, cand, hook)
    pager = signup(srv, "recruiter")
    pager.token = pager.bearer
    paging(srv, pager, rec2)
    srv.stop()
    srv.cleanup()
    recv.stop()
    private_refused(db_url)
    T.done()


main()
