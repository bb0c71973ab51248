#!/usr/bin/env python3
"""test_cluster.py - the issue 12 cluster on loopback, under faults (run
under tests/with-postgresql.sh): three offerapi-server replicas
(--workers 0) and two offerapi-worker processes on one PostgreSQL, behind
HAProxy (Debian's package) with health checks on /readyz. The llm scorer
points at tests/scorer/fake_embeddings.py: worker A's endpoint answers in
1 s, worker B's fails its first 20 requests (HTTP 500), then answers.

A load mixes applications (real PDFs), dashboards, home pages and logins
for LOAD_S seconds, and meanwhile: SIGKILL of one replica, SIGKILL of
worker A (in the middle of slow jobs), a PostgreSQL restart. Then:

- every application answered 201 is stored;
- every job reaches done or failed, one job per (application, scorer), at
  most one score per (application, scorer), a score for each done job;
- no request waited on a scorer: the servers scored nothing (their worker
  counters and scoring histograms are zero), the workers did everything;
- the failed-login limit holds across replicas (5 failures through
  HAProxy's round robin, then 429 even with the right password).

Figures (requests, errors during each fault, recovery time, p99 of apply
and dashboard) are printed; none is asserted (timing depends on the machine).
"""
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (CV_LINES, Checker, Client, Server, create_offer, fail, free_port,  # noqa: E402
                       make_pdf, multipart, signup)

LOAD_S = 30
T = Checker("server-cluster")
url = os.environ.get("OFFERAPI_TEST_PG_URL") or fail("run under tests/with-postgresql.sh")
ctl = os.environ.get("OFFERAPI_TEST_PG_CTL") or fail("OFFERAPI_TEST_PG_CTL not set")
WORKER = os.environ.get("OFFERAPI_WORKER_BIN") or fail("OFFERAPI_WORKER_BIN not set")
FAKE = os.environ.get("OFFERAPI_FAKE_EMBEDDINGS") or fail("OFFERAPI_FAKE_EMBEDDINGS not set")
HAPROXY = shutil.which("haproxy") or shutil.which("/usr/sbin/haproxy") or \
    fail("haproxy is missing (Debian package haproxy)")
plugins = [p for p in os.environ.get("OFFERAPI_PLUGINS", "").split(":")
           if "scorer-random" in p or "scorer-llm" in p]
if len(plugins) != 2:
    fail("the random and llm plugins must be in OFFERAPI_PLUGINS: %s" % plugins)

tmp = tempfile.mkdtemp(prefix="offerapi-cluster.")
procs = []


@atexit.register
def kill_all():
    """Whatever happens, leave no process behind (they hold the test's
    output open)."""
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


def start_fake():
    pf = os.path.join(tmp, "fake.port")
    p = subprocess.Popen([sys.executable, FAKE, "--port-file", pf])
    procs.append(p)
    for _ in range(200):
        if os.path.exists(pf) and open(pf).read().strip():
            return "http://127.0.0.1:%s" % open(pf).read().strip()
        time.sleep(0.05)
    fail("the fake embeddings server did not start")


BASE = start_fake()
LLM = {"OFFERAPI_SCORER_LLM_RETRIES": "0", "OFFERAPI_SCORER_LLM_TIMEOUT_MS": "4000"}


def start_worker(name, path):
    port = free_port()
    log = open(os.path.join(tmp, "worker-%s.log" % name), "wb")
    env = dict(os.environ, OFFERAPI_SCORER_LLM_URL=BASE + path, **LLM)
    pdir = os.path.join(tmp, "plugins")
    p = subprocess.Popen([WORKER, "--database", url, "--plugin-dir", pdir, "--scorers", "random,llm",
                          "--workers", "2", "--lease-s", "5", "--max-attempts", "3",
                          "--backoff-ms", "200", "--poll-ms", "100", "--drain-ms", "2000",
                          "--listen", "127.0.0.1:%d" % port],
                         stdout=log, stderr=subprocess.STDOUT, env=env)
    procs.append(p)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return p, port
        except OSError:
            pass
        if p.poll() is not None:
            break
        time.sleep(0.05)
    fail("worker %s did not start:\n%s" % (name, open(log.name, "rb").read().decode()[-2000:]))


os.makedirs(os.path.join(tmp, "plugins"))
for p in plugins:
    os.symlink(os.path.abspath(p), os.path.join(tmp, "plugins", os.path.basename(p)))
servers = []
for _ in range(3):
    servers.append(Server(db_url=url, tmp=tempfile.mkdtemp(dir=tmp), plugins=plugins, scorers="random,llm",
                  env=dict(LLM, OFFERAPI_SCORER_LLM_URL=BASE + "/"),
                          extra=["--workers", "0", "--login-max-failures", "5", "--no-request-log"]))
    procs.append(servers[-1].proc)
worker_a, wport_a = start_worker("a", "/slow/1000")
worker_b, wport_b = start_worker("b", "/flaky/cluster/20/500")

hport = free_port()
cfg = os.path.join(tmp, "haproxy.cfg")
with open(cfg, "w") as f:
    f.write("""global
    maxconn 1024
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch
    retry-on conn-failure
frontend fe
    bind 127.0.0.1:%d
    default_backend servers
backend servers
    balance roundrobin
    option httpchk GET /readyz
    default-server inter 300ms fall 2 rise 2
%s""" % (hport, "".join("    server s%d 127.0.0.1:%d check\n" % (i, s.port) for i, s in enumerate(servers))))
hlog = open(os.path.join(tmp, "haproxy.log"), "wb")
haproxy = subprocess.Popen([HAPROXY, "-db", "-f", cfg], stdout=hlog, stderr=subprocess.STDOUT)
procs.append(haproxy)
for _ in range(200):
    try:
        c = http.client.HTTPConnection("127.0.0.1", hport, timeout=2)
        c.request("GET", "/readyz")
        if c.getresponse().status == 200:
            break
    except OSError:
        pass
    time.sleep(0.05)
else:
    fail("haproxy did not answer:\n" + open(hlog.name, "rb").read().decode()[-2000:])


class Front:
    """What a test client needs from a Server: a client of the balancer."""
    port = hport

    def client(self, lang="fr"):
        c = Client(hport, lang)
        c.proxied = True
        return c


front = Front()
rec = signup(front.client(), "recruiter")
rec.token = rec.bearer
offers = [create_offer(rec, title="Cluster %d" % i, questions=[]) for i in range(25)]
friend = signup(front.client(), "candidate")

# ---- the load -------------------------------------------------------------------------------
t0 = time.monotonic()
stop = threading.Event()
lock = threading.Lock()
events = []  # (t, kind, status, seconds)
accepted = []  # application ids answered 201


def record(kind, status, secs):
    with lock:
        events.append((time.monotonic() - t0, kind, status, secs))


def timed(kind, fn):
    s = time.monotonic()
    try:
        r = fn()
        st = r.status
    except Exception:  # a connection the balancer or a killed replica dropped
        r, st = None, 0
    record(kind, st, time.monotonic() - s)
    return r


PDF = make_pdf(CV_LINES)


def applier(k):
    n = 0
    cand = None
    while not stop.is_set():
        if n % len(offers) == 0:
            # refused while PostgreSQL restarts: try again
            cand = signup(front.client(), "candidate", must=False)
            if cand is None:
                time.sleep(0.2)
                continue
            cand.token = cand.bearer
        oid = offers[n % len(offers)]
        n += 1
        body, ct = multipart({}, {"cv": ("cv.pdf", PDF, "application/pdf")})
        r = timed("apply", lambda: cand.request("POST", "/api/v1/offers/%d/applications" % oid, body=body,
                                                headers={"Content-Type": ct, "X-Requested-With": "t"}))
        if r is not None and r.status == 201:
            with lock:
                accepted.append(r.json()["application"]["id"])
        time.sleep(0.25)


def dashboards():
    c = front.client()
    c.cookies["oa_session"] = rec.bearer
    i = 0
    while not stop.is_set():
        timed("dashboard", lambda: c.get("/offers/%d/dashboard" % offers[i % len(offers)]))
        i += 1
        time.sleep(0.05)


def homes():
    c = front.client()
    while not stop.is_set():
        timed("home", lambda: c.get("/"))
        time.sleep(0.02)


def logins():
    while not stop.is_set():
        c = front.client()
        timed("login", lambda: c.api("POST", "/api/v1/sessions",
                                     {"login": friend.login, "password": friend.password}))
        time.sleep(0.2)


threads = [threading.Thread(target=applier, args=(k,)) for k in range(4)]
threads += [threading.Thread(target=dashboards), threading.Thread(target=homes),
            threading.Thread(target=logins)]
for t in threads:
    t.start()
faults = {}


def at(secs):
    time.sleep(max(0, secs - (time.monotonic() - t0)))
    return time.monotonic() - t0


faults["kill replica"] = at(6)
servers[0].proc.send_signal(signal.SIGKILL)
faults["kill worker"] = at(12)
worker_a.send_signal(signal.SIGKILL)
faults["restart PostgreSQL"] = at(18)
subprocess.run([ctl, "stop"], check=True)
time.sleep(1)
subprocess.run([ctl, "start"], check=True)
pg_back = time.monotonic() - t0
at(LOAD_S)
stop.set()
for t in threads:
    t.join()
load_end = time.monotonic() - t0

# ---- figures ------------------------------------------------------------------------------


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else float("nan")


ok = lambda st: 200 <= st < 400  # noqa: E731
print("figures: %d requests in %.1f s through HAProxy (%s)" % (
    len(events), load_end, ", ".join("%s %d" % (k, sum(1 for e in events if e[1] == k))
                                     for k in ("apply", "dashboard", "home", "login"))))
for name, ft in sorted(faults.items(), key=lambda x: x[1]):
    win = [e for e in events if ft <= e[0] < ft + 6]
    errs = [e for e in win if not ok(e[2])]
    rec_t = max((e[0] for e in errs), default=ft) - ft
    print("figures: %-18s at %4.1f s: %d requests in the next 6 s, %d errors (%s); last error %.2f s after"
          % (name, ft, len(win), len(errs), ",".join(sorted({str(e[2]) for e in errs})) or "-", rec_t))
after_pg = [e for e in events if e[0] >= pg_back and e[1] == "apply" and e[2] == 201]
print("figures: PostgreSQL back at %.1f s; first application accepted %.2f s later" % (
    pg_back, (after_pg[0][0] - pg_back) if after_pg else float("nan")))
for kind in ("apply", "dashboard", "home", "login"):
    lat = [e[3] * 1000 for e in events if e[1] == kind and ok(e[2])]
    print("figures: %-9s p50 %.1f ms, p99 %.1f ms (%d answered 2xx/3xx, %d errors)" % (
        kind, pct(lat, 50), pct(lat, 99), len(lat),
        sum(1 for e in events if e[1] == kind and not ok(e[2]))))
T.check(len(accepted) > 20, "applications were accepted during the load: %d" % len(accepted))

# ---- after: every job ends, nothing lost, nothing twice --------------------------------------
mc = front.client()
for _ in range(900):  # a hang guard only
    m = mc.get("/metrics").text
    left = sum(int(x) for x in re.findall(r'^offerapi_jobs\{scorer="[^"]+",state="(?:pending|running)"\} (\d+)',
                                          m, re.M))
    if "offerapi_jobs_stats_up 1" in m and left == 0:
        break
    time.sleep(0.1)
drained = time.monotonic() - t0 - load_end
print("figures: queue drained %.1f s after the load" % drained)
stored, jobs_ok, dup, missing_score = set(), 0, 0, 0
states = {}
for oid in offers:
    cursor = None
    while True:  # every page of the dashboard (the API pages by key)
        d = rec.get("/api/v1/offers/%d/applications?limit=500%s" %
                    (oid, "&cursor=" + cursor if cursor else "")).json()
        for a in d["applications"]:
            stored.add(a["id"])
            names = [s["scorer"] for s in a["scores"]]
            dup += len(names) - len(set(names))
            # every job of the application, done ones included
            js = rec.get("/api/v1/applications/%d/jobs" % a["id"]).json()["jobs"]
            jobs_ok += sorted(j["scorer"] for j in js) == ["llm", "random"]
            for j in js:
                states[j["state"]] = states.get(j["state"], 0) + 1
                if j["state"] == "done" and j["scorer"] not in names:
                    missing_score += 1
        cursor = d["next"]
        if not cursor:
            break
print("figures: %d applications stored, jobs by state %s" % (len(stored), json.dumps(states, sort_keys=True)))
T.check(set(accepted) <= stored, "every application answered 201 is stored (%d missing)" %
        len(set(accepted) - stored))
T.check(jobs_ok == len(stored), "one job per scorer for every application (%d of %d)" % (jobs_ok, len(stored)))
T.check(set(states) <= {"done", "failed"}, "every job ended done or failed: %s" % states)
T.check(dup == 0, "no application has two scores of one scorer (%d)" % dup)
T.check(missing_score == 0, "every done job has its score (%d missing)" % missing_score)
for i, s in enumerate(servers[1:], 1):
    m = Client(s.port).get("/metrics").text
    done = re.findall(r'^offerapi_worker_jobs_total\{[^}]*\} (\d+)', m, re.M)
    scored = re.findall(r'^offerapi_scoring_duration_seconds_count\{[^}]*\} (\d+)', m, re.M)
    T.check(done and all(x == "0" for x in done) and all(x == "0" for x in scored),
            "replica %d scored nothing itself: requests never wait on a scorer" % i)
c = http.client.HTTPConnection("127.0.0.1", wport_b, timeout=5)
c.request("GET", "/metrics")
wm = c.getresponse().read().decode()
T.check(re.search(r'offerapi_worker_jobs_total\{scorer="llm",result="completed"\} [1-9]', wm) is not None,
        "worker B completed llm jobs")
T.check(re.search(r'offerapi_worker_job_failures_total\{scorer="llm",reason="plugin"\} [1-9]', wm) is not None,
        "worker B saw the failing endpoint")

# the failed-login limit, through the balancer's round robin over the replicas left
victim = signup(front.client(), "candidate")
seen = []
for i in range(5):
    seen.append(front.client().api("POST", "/api/v1/sessions",
                                   {"login": victim.login, "password": "wrong-%d" % i}).status)
T.check(seen == [401] * 5, "five failed logins through the balancer: %s" % seen)
r = front.client().api("POST", "/api/v1/sessions", {"login": victim.login, "password": victim.password})
T.status(r, 429, "the sixth, spread over the replicas, is refused")

# ---- stop -----------------------------------------------------------------------------------
for s in servers[1:]:
    s.stop()
worker_b.send_signal(signal.SIGTERM)
try:
    T.check(worker_b.wait(timeout=30) == 0, "worker B stops cleanly")
except subprocess.TimeoutExpired:
    T.check(False, "worker B stops within 30 s")
for p in procs:
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
print("figures: the whole test took %.1f s" % (time.monotonic() - t0))
for name in ("worker-a.log", "worker-b.log"):
    text = open(os.path.join(tmp, name), "rb").read().decode("utf-8", "replace")
    for bad in ("AddressSanitizer", "runtime error:"):
        T.check(bad not in text, "no sanitizer report in %s" % name)
shutil.rmtree(tmp, ignore_errors=True)
T.done()
