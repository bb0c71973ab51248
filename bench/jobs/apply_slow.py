#!/usr/bin/env python3
"""apply_slow.py BUILD_DIR [--reference BUILD_DIR] [--delay-ms MS] [--applies N]
[--duration S] - issue 12's "done when": applying with a slow llm scorer.

For the server of BUILD_DIR, on a temp SQLite database, in one run:
  1. scorers "random" only: N applications (one every 100 ms, each on its
     thread) while wrk measures the home page (req/s);
  2. the same with scorers "random,llm", the llm endpoint
     (tests/scorer/fake_embeddings.py) answering in --delay-ms (default
     5000).
Prints apply p50/p99/max, home req/s, and the ratios (2) / (1). With
--reference BUILD_DIR (e.g. main's build, where scoring ran on the request's
thread), phase 2 runs on that server too, with fewer applications (each
may take the whole delay). Needs wrk (Debian package). Not a test: no
figure decides anything.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "server"))
import serverlib  # noqa: E402
from serverlib import Server, apply_api, create_offer, signup  # noqa: E402


def plugins_of(build):
    return [os.path.join(build, "plugins", p, p + ".so") for p in ("scorer-random", "scorer-llm")]


def start_fake(tmp):
    pf = os.path.join(tmp, "fake.port")
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "..", "..", "tests", "scorer",
                                                       "fake_embeddings.py"), "--port-file", pf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(pf) and open(pf).read().strip():
            return p, "http://127.0.0.1:%s" % open(pf).read().strip()
        time.sleep(0.05)
    sys.exit("the fake embeddings server did not start")


def wrk(port, secs):
    out = subprocess.run(["wrk", "-t2", "-c32", "-d%ds" % secs, "http://127.0.0.1:%d/" % port],
                         capture_output=True, text=True).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(m.group(1)) if m else float("nan")


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else float("nan")


def start(build, scorers, env, extra, tmp):
    serverlib.BIN = os.path.join(build, "server", "offerapi-server")
    return Server(tmp=tempfile.mkdtemp(dir=tmp), plugins=plugins_of(build), scorers=scorers,
                  env=env, extra=extra)


def applies_during_wrk(srv, n, secs):
    """n applications, one every 100 ms (a thread each, so a slow one does
    not hold the next), while wrk runs on the home page."""
    rec = signup(srv, "recruiter")
    rec.token = rec.bearer
    oid = create_offer(rec, questions=[])
    cands = []
    for _ in range(n):
        c = signup(srv, "candidate")
        c.token = c.bearer
        cands.append(c)
    lat = []

    def one(c):
        t0 = time.monotonic()
        r = apply_api(c, oid, answers=[])
        if r.status == 201:
            lat.append((time.monotonic() - t0) * 1000)

    ts = []

    def feeder():
        for c in cands:
            t = threading.Thread(target=one, args=(c,))
            t.start()
            ts.append(t)
            time.sleep(0.1)

    f = threading.Thread(target=feeder)
    f.start()
    rps = wrk(srv.port, secs)
    f.join()
    for t in ts:
        t.join()
    return lat, rps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--reference")
    ap.add_argument("--delay-ms", type=int, default=5000)
    ap.add_argument("--applies", type=int, default=40)
    ap.add_argument("--duration", type=int, default=5)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-apply-slow.")
    fake, base = start_fake(tmp)
    llm = {"OFFERAPI_SCORER_LLM_URL": base + "/slow/%d" % a.delay_ms,
           "OFFERAPI_SCORER_LLM_TIMEOUT_MS": str(a.delay_ms * 2), "OFFERAPI_SCORER_LLM_RETRIES": "0"}
    try:
        srv = start(a.build, "random", {}, ["--no-request-log"], tmp)
        lat1, rps1 = applies_during_wrk(srv, a.applies, a.duration)
        srv.stop()
        srv = start(a.build, "random,llm", llm, ["--no-request-log", "--workers", "4"], tmp)
        lat2, rps2 = applies_during_wrk(srv, a.applies, a.duration)
        srv.stop()
        print("this build, random only:        apply p50 %7.1f ms p99 %7.1f ms max %7.1f ms; home %8.0f req/s"
              % (pct(lat1, 50), pct(lat1, 99), max(lat1), rps1))
        print("this build, llm answering %ds: apply p50 %7.1f ms p99 %7.1f ms max %7.1f ms; home %8.0f req/s"
              % (a.delay_ms // 1000, pct(lat2, 50), pct(lat2, 99), max(lat2), rps2))
        print("ratios (slow llm / random only): apply p99 x%.2f, home req/s %.0f %%"
              % (pct(lat2, 99) / pct(lat1, 99), 100.0 * rps2 / rps1))
        if a.reference:
            n = max(4, a.applies // 8)
            srv = start(a.reference, "random,llm", llm, ["--no-request-log"], tmp)
            lat3, rps3 = applies_during_wrk(srv, n, a.duration)
            srv.stop()
            print("reference, llm answering %ds:  apply p50 %7.1f ms p99 %7.1f ms max %7.1f ms; home %8.0f req/s"
                  " (%d applications)" % (a.delay_ms // 1000, pct(lat3, 50), pct(lat3, 99), max(lat3), rps3, n))
    finally:
        fake.terminate()
        fake.wait()


if __name__ == "__main__":
    main()
