#!/usr/bin/env python3
"""test_jobs.py BACKEND - scoring as jobs in the server (issue 12), over real
HTTP, with the llm scorer against tests/scorer/fake_embeddings.py:

- applying answers while the slow scorer has not answered: the job is still
  pending or running when the 201 arrives (the request never waited for it);
  apply latency before (random only) and with the slow scorer is printed;
- the candidate sees "received" (page and API), the recruiter's dashboard
  and API show pending, then the score once done;
- SIGTERM with a job being scored and a short --worker-drain-ms: the job is
  released (pending again) and another server's workers finish it;
- a failing endpoint with --max-attempts 1: failed, with the reason for the
  recruiter only; retry: the recruiter of the offer only, with CSRF on the
  page and the API; a job done cannot be retried;
- /metrics: queue depth by scorer and state, job latency, failures by reason.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import (Checker, Server, apply_api, create_offer, fail, poll, signup,  # noqa: E402
                       wait_metric)

T = Checker("server-jobs")
backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
FAKE = os.environ.get("OFFERAPI_FAKE_EMBEDDINGS") or fail("OFFERAPI_FAKE_EMBEDDINGS not set")
plugins = [p for p in os.environ.get("OFFERAPI_PLUGINS", "").split(":") if p]
if not any("scorer-llm" in p for p in plugins):
    fail("the llm plugin is not in OFFERAPI_PLUGINS")
random_only = [p for p in plugins if "scorer-random" in p]
with_llm = [p for p in plugins if "scorer-random" in p or "scorer-llm" in p]

tmp = tempfile.mkdtemp(prefix="offerapi-jobs-test.")
portfile = os.path.join(tmp, "port")
fake = subprocess.Popen([sys.executable, FAKE, "--port-file", portfile])
for _ in range(200):
    if os.path.exists(portfile) and open(portfile).read().strip():
        break
    time.sleep(0.05)
else:
    fake.kill()
    fail("the fake embeddings server did not start")
BASE = "http://127.0.0.1:%s" % open(portfile).read().strip()

if backend == "postgresql":
    db_url = os.environ.get("OFFERAPI_TEST_PG_URL") or fail("OFFERAPI_TEST_PG_URL not set")
else:
    db_url = "sqlite:" + os.path.join(tmp, "jobs.db")


def llm_env(path, timeout_ms=20000):
    return {"OFFERAPI_SCORER_LLM_URL": BASE + path, "OFFERAPI_SCORER_LLM_TIMEOUT_MS": str(timeout_ms),
            "OFFERAPI_SCORER_LLM_RETRIES": "0"}


def server(path, extra=(), scorers="random,llm", plugins=with_llm):
    return Server(db_url=db_url, tmp=tempfile.mkdtemp(dir=tmp), plugins=plugins, scorers=scorers,
                  env=llm_env(path), extra=list(extra))


def jobs(c, app_id):
    r = c.get("/api/v1/applications/%d/jobs" % app_id)
    if r.status != 200:
        fail("jobs of %d: %d %s" % (app_id, r.status, r.text))
    return {j["scorer"]: j for j in r.json()["jobs"]}


def wait_state(c, app_id, scorer, states, limit=60):
    """Poll until the job is in one of @states (a hang guard only)."""
    return poll(lambda: jobs(c, app_id).get(scorer), lambda j: j and j["state"] in states, limit,
                every=0.05)


def timed_applies(srv, n, peek=None):
    """@n candidates apply to a new offer: [(ms, application id, candidate,
    state of its @peek scorer's job read right after the 201)]."""
    rec = signup(srv, "recruiter")
    rec.token = rec.bearer
    oid = create_offer(rec, questions=[])
    out = []
    for _ in range(n):
        cand = signup(srv, "candidate")
        cand.token = cand.bearer
        t0 = time.monotonic()
        r = apply_api(cand, oid, answers=[])
        ms = (time.monotonic() - t0) * 1000
        T.status(r, 201, "apply")
        app = r.json()["application"]["id"]
        out.append((ms, app, cand, jobs(rec, app)[peek]["state"] if peek else None))
    return rec, oid, out


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


# ---- 1. applying never waits for the scorer -----------------------------------------------
ref = server("/", scorers="random", plugins=random_only)
_, _, before = timed_applies(ref, 10)
ref.stop()
srv = server("/slow/2500", extra=["--workers", "2", "--worker-drain-ms", "100"])
rec, oid, withslow = timed_applies(srv, 10, peek="llm")
b = [x[0] for x in before]
w = [x[0] for x in withslow]
print("figures: apply latency ms, random only: p50 %.1f max %.1f; with llm answering in 2.5 s: "
      "p50 %.1f max %.1f (ratio of p50 %.2f)" % (pct(b, 50), max(b), pct(w, 50), max(w),
                                                pct(w, 50) / max(pct(b, 50), 0.001)))
first = withslow[0][1]
states = [x[3] for x in withslow]
T.check(all(s in ("pending", "running") for s in states),
        "the slow scorer's jobs were not done when the 201 came: %s" % states)
cand = withslow[0][2]
T.check(all(x.get("status") == "received" for x in cand.get("/api/v1/me/applications").json()["applications"]),
        "API: the candidate sees received")
cand.token = None
cand.cookies["oa_session"] = cand.bearer
page = cand.get("/me/applications")
T.check(page.status == 200 and "Reçue" in page.text, "page: the candidate sees Reçue")
cj = jobs(cand, first)
T.check(set(cj) == {"random", "llm"} and all("error" not in j for j in cj.values()),
        "the candidate reads the states, never a reason")
rec.cookies["oa_session"] = rec.bearer
rec.token = None
dash = rec.get("/offers/%d/dashboard" % oid)
T.check(dash.status == 200 and "en attente" in dash.text, "dashboard: pending shown")
rec.token = rec.bearer
api = rec.get("/api/v1/offers/%d/applications" % oid).json()["applications"]
T.check(all(any(j["scorer"] == "llm" for j in a["jobs"]) for a in api), "API: jobs in the offer's list")
j = wait_state(rec, withslow[-1][1], "llm", ("done",))
T.check(j["state"] == "done", "the slow job ends done: %s" % j)
a = rec.get("/api/v1/applications/%d" % withslow[-1][1]).json()["application"]
T.check(any(s["scorer"] == "llm" for s in a["scores"]), "its score is stored")
m = rec.get("/metrics").text
T.check(re.search(r'offerapi_jobs\{scorer="llm",state="done"\} \d+', m) is not None, "queue depth by state")
T.check(re.search(r'offerapi_job_latency_seconds_count\{scorer="llm"\} [1-9]', m) is not None,
        "job latency histogram")
T.check('offerapi_worker_threads 2' in m, "worker threads gauge")

# ---- 2. SIGTERM releases a job being scored ------------------------------------------------
c2 = signup(srv, "candidate")
c2.token = c2.bearer
r = apply_api(c2, oid, answers=[])
T.status(r, 201, "apply before the stop")
app2 = r.json()["application"]["id"]
j = wait_state(rec, app2, "llm", ("running",))
T.check(j["state"] == "running", "the job is being scored")
srv.proc.send_signal(signal.SIGTERM)
srv.proc.wait(timeout=60)
log = srv.stop(expect_code=0)
T.check("scoring jobs released at stop" in log, "the release is logged")
idle = server("/", extra=["--workers", "0"])
rc = idle.client()
rc.token = rec.bearer
j = jobs(rc, app2)["llm"]
T.check(j["state"] == "pending", "after the stop the job is pending again (released): %s" % j)
idle.stop()
srv2 = server("/", extra=["--workers", "1"])
c = srv2.client()
c.token = rec.bearer
T.check(wait_state(c, app2, "llm", ("done",))["state"] == "done", "another server's workers finish it")
srv2.stop()

# ---- 3. failed, reason, retry --------------------------------------------------------------
# a first delay over the old 15-minute bound: the worker took it, the server
# refused it; both now take one range (offerapi/jobs.h)
bad = server("/status/500", extra=["--workers", "1", "--max-attempts", "1",
                                   "--backoff-ms", "1000000"])
c3 = signup(bad, "candidate")
c3.token = c3.bearer
r = apply_api(c3, oid, answers=[])
T.status(r, 201, "apply while the endpoint fails")
app3 = r.json()["application"]["id"]
rb = bad.client()
rb.token = rec.bearer
j = wait_state(rb, app3, "llm", ("failed",))
T.check(j["state"] == "failed" and "500" in j.get("error", ""), "failed with its reason: %s" % j)
T.check("error" not in jobs(c3, app3)["llm"], "the candidate does not read the reason")
# the worker counts the job just after storing its state: wait for it
counted = r'offerapi_worker_job_failures_total\{scorer="llm",reason="plugin"\} 1'
m = wait_metric(rb, counted)
T.check(re.search(counted, m) is not None, "failure counted by reason")
T.check('offerapi_jobs{scorer="llm",state="failed"} 1' in m, "failed jobs in the queue gauge")
bad.stop()
# no workers from here: the states stay where the retry puts them
idle = server("/", extra=["--workers", "0"])
rc = idle.client()
rc.cookies["oa_session"] = rec.bearer
dash = rc.get("/offers/%d/dashboard" % oid)
T.check("échec" in dash.text and "500" in dash.text and 'action="/applications/%d/retry"' % app3 in dash.text,
        "dashboard: failed, the reason, a retry button")
other = signup(idle, "recruiter")
other.token = other.bearer
T.status(other.api("POST", "/api/v1/applications/%d/retry" % app3, {"scorer": "llm"}), 403,
         "another recruiter cannot retry")
c3i = idle.client()
c3i.token = c3.bearer
T.status(c3i.api("POST", "/api/v1/applications/%d/retry" % app3, {"scorer": "llm"}), 403,
         "the candidate cannot retry")
T.status(rc.request("POST", "/api/v1/applications/%d/retry" % app3, body=b'{"scorer":"llm"}',
                    headers={"Content-Type": "application/json"}), 403,
         "API retry by cookie without X-Requested-With: CSRF refused")
T.status(rc.post_form("/applications/%d/retry" % app3, {"scorer": "llm"}, csrf=False), 403,
         "page retry without a CSRF token refused")
T.check(jobs(rc, app3)["llm"]["state"] == "failed", "still failed after the refusals")
r = rc.post_form("/applications/%d/retry" % app3, {"scorer": "llm"}, csrf_from="/offers/%d/dashboard" % oid)
T.status(r, 303, "page retry redirects")
T.check((r.header("Location") or "").endswith("/offers/%d/dashboard" % oid), "back to the dashboard")
T.check(jobs(rc, app3)["llm"]["state"] == "pending", "pending again after the retry")
rc.token = rec.bearer
r = rc.api("POST", "/api/v1/applications/%d/retry" % app3, {"scorer": "llm"},
           headers={"X-Requested-With": "test"})
T.status(r, 200, "API retry of a pending job: nothing changes")
T.status(rc.api("POST", "/api/v1/applications/%d/retry" % app3, {"scorer": "nope"},
                headers={"X-Requested-With": "test"}), 404, "unknown scorer: 404")
T.status(rc.api("POST", "/api/v1/applications/%d/retry" % app3, {"scorer": 3},
                headers={"X-Requested-With": "test"}), 422, "scorer not a string: 422")
T.status(rc.api("POST", "/api/v1/applications/%d/retry" % app2, {"scorer": "llm"},
                headers={"X-Requested-With": "test"}), 422, "a done job cannot be retried")
idle.stop()
p = subprocess.run([os.environ["OFFERAPI_SERVER_BIN"], "--database", db_url, "--backoff-ms",
                    "20000", "--backoff-max-ms", "10000"], capture_output=True, timeout=60)
T.check(p.returncode == 2 and b"--backoff-max-ms 10000 is below --backoff-ms 20000" in p.stderr,
        "a longest delay below the first is refused (exit %d): %s" % (p.returncode, p.stderr))
good = server("/", extra=["--workers", "1"])
c = good.client()
c.token = rec.bearer
T.check(wait_state(c, app3, "llm", ("done",))["state"] == "done", "the retried job is scored")
good.stop()

fake.terminate()
fake.wait()
T.done()
