#!/usr/bin/env python3
"""bench.py BUILD_DIR [--duration S] [--connections N] - HTTP benchmark of
offerapi-server with wrk (Debian package) on loopback.

Starts the server on a temp SQLite database with the default (production)
Argon2id settings, seeds one offer with 200 scored applications, then runs
wrk against: the home page, an offer page, the 200-application dashboard,
/metrics, a login (POST /api/v1/sessions: bounded by Argon2id on purpose),
and a bare CivetWeb handler (bench-http-bare) as the machine's ceiling.
Prints requests/s, latency percentiles, the ratio of each to the bare
handler, and the server's resident memory at idle and at peak (VmHWM):
the page runs use a process restarted after the seeding (see README.md).
The scale cases of issue 18 are in scale.py. Not a test: no figure decides anything.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "server"))
from serverlib import CV_LINES, make_pdf, multipart  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_up(port, proc):
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit("the process exited at start-up")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("no answer on port %d" % port)


def call(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data, r.getheader("Set-Cookie")


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        s = f.read()
    cur = int(re.search(r"VmRSS:\s+(\d+)", s).group(1))
    peak = int(re.search(r"VmHWM:\s+(\d+)", s).group(1))
    return cur / 1024.0, peak / 1024.0


def wrk(url, duration, conns, threads, script=None, headers=()):
    args = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % duration, "--latency"]
    for h in headers:
        args += ["-H", h]
    if script:
        args += ["-s", script]
    args.append(url)
    out = subprocess.run(args, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, out, re.M)
        if not m:
            return float("nan")
        v = float(m.group(1))
        return v / 1000.0 if m.group(2) == "us" else v * 1000.0 if m.group(2) == "s" else v
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": pct(50), "p90": pct(90), "p99": pct(99),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(0) if errors else ""}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=64, help="server worker threads")
    ap.add_argument("--applications", type=int, default=200)
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    bd = os.path.abspath(a.build_dir)
    server_bin = os.path.join(bd, "server", "offerapi-server")
    bare_bin = os.path.join(bd, "bench", "http", "bench-http-bare")
    tmp = tempfile.mkdtemp(prefix="offerapi-bench-http.")
    plugins = os.path.join(tmp, "plugins")
    os.makedirs(plugins)
    for name in ("scorer-random", "scorer-similarity"):
        so = os.path.join(bd, "plugins", name, name + ".so")
        if os.path.exists(so):
            os.symlink(so, os.path.join(plugins, name + ".so"))
    port = free_port()
    log = open(os.path.join(tmp, "server.log"), "wb")
    args = [server_bin, "--listen", "127.0.0.1:%d" % port, "--database",
            "sqlite:" + os.path.join(tmp, "bench.db"), "--plugin-dir", plugins,
            "--scorers", "random,similarity", "--threads", str(a.threads),
            "--no-request-log", "--login-max-failures", "0", "--signup-limit", "0"]
    srv = subprocess.Popen(args, stdout=log, stderr=log)
    try:
        wait_up(port, srv)
        idle_rss, _ = rss(srv.pid)
        # Seed: a recruiter, an offer, N candidates who apply (scored).
        st, body, _ = call(port, "POST", "/api/v1/users", json.dumps(
            {"login": "bench-rec", "display_name": "Bench", "password": "Quartz-Violon-92!",
             "role": "recruiter"}), {"Content-Type": "application/json"})
        rec_token = json.loads(body)["token"]
        auth = {"Authorization": "Bearer " + rec_token, "Content-Type": "application/json"}
        st, body, _ = call(port, "POST", "/api/v1/offers", json.dumps(
            {"title": "Développeur C", "description": "C, Linux, PostgreSQL", "location": "Lyon",
             "skills": ["C", "Linux", "PostgreSQL"], "questions": ["Pourquoi nous ?"]}), auth)
        oid = json.loads(body)["offer"]["id"]
        for i in range(9):
            call(port, "POST", "/api/v1/offers", json.dumps(
                {"title": "Offre %d" % i, "description": "Description %d" % i, "skills": ["SQL"]}), auth)
        pdf = make_pdf(CV_LINES)

        def seed(lo, hi):
            for i in range(lo, hi):
                st, body, _ = call(port, "POST", "/api/v1/users", json.dumps(
                    {"login": "cand%04d" % i, "display_name": "Candidat %d" % i,
                     "password": "Quartz-Violon-92!", "role": "candidate"}),
                    {"Content-Type": "application/json"})
                tok = json.loads(body)["token"]
                mp, ct = multipart({"answer_0": "Réponse %d" % i}, {"cv": ("cv.pdf", pdf, "application/pdf")})
                st, body, _ = call(port, "POST", "/api/v1/offers/%d/applications" % oid, mp,
                                   {"Authorization": "Bearer " + tok, "Content-Type": ct})
                if st != 201:
                    sys.exit("seeding failed: %d %s" % (st, body[:200]))
        t0 = time.time()
        ths = [threading.Thread(target=seed, args=(k * a.applications // 4, (k + 1) * a.applications // 4))
               for k in range(4)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        print("seeded %d scored applications in %.1f s" % (a.applications, time.time() - t0))
        st, body, _ = call(port, "GET", "/offers/%d/dashboard" % oid,
                           headers={"Cookie": "oa_session=" + rec_token})
        assert st == 200 and b'id="count">%d<' % a.applications in body, "dashboard not full"
        after_seed_rss, seed_peak = rss(srv.pid)
        # The page runs in a fresh process on the seeded database: resetting
        # VmHWM here would only lower the peak to the current RSS, which
        # still holds what 200 Argon2id hashes and PDF extractions grew (the
        # 30-33 MiB "page runs" peak printed before was mostly that).
        srv.send_signal(signal.SIGTERM)
        srv.wait(timeout=60)
        srv = subprocess.Popen(args, stdout=log, stderr=log)
        wait_up(port, srv)
        fresh_rss, _ = rss(srv.pid)

        base = "http://127.0.0.1:%d" % port
        lua = os.path.join(tmp, "login.lua")
        with open(lua, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = \'{"login":"bench-rec","password":"Quartz-Violon-92!"}\'\n'
                    'wrk.headers["Content-Type"] = "application/json"\n')
        runs = [
            ("/healthz (no database)", base + "/healthz", None, ()),
            ("home", base + "/", None, ()),
            ("offer page", base + "/offers/%d" % oid, None, ()),
            ("dashboard (%d apps)" % a.applications, base + "/offers/%d/dashboard" % oid, None,
             ("Cookie: oa_session=" + rec_token,)),
            ("/metrics", base + "/metrics", None, ()),
            ("login (Argon2id)", base + "/api/v1/sessions", lua, ()),
        ]
        results = []
        pages_peak = None
        for name, url, script, hdrs in runs:
            conns = a.connections if script is None else min(a.connections, 8)
            if script and pages_peak is None:
                pages_cur, pages_peak = rss(srv.pid)  # before any Argon2id run
            results.append((name, conns, wrk(url, a.duration, conns, 2, script, hdrs)))
        time.sleep(1)
        cur_rss, peak_rss = rss(srv.pid)
    finally:
        srv.send_signal(signal.SIGTERM)
        srv.wait(timeout=60)
        log.close()

    bport = free_port()
    bare = subprocess.Popen([bare_bin, "127.0.0.1:%d" % bport, str(a.threads)])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", bport), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        bare_res = wrk("http://127.0.0.1:%d/" % bport, a.duration, a.connections, 2)
        _, bare_peak = rss(bare.pid)
    finally:
        bare.send_signal(signal.SIGTERM)
        bare.wait(timeout=30)

    print("\nwrk -t2 -d%ds on loopback, server --threads %d (%d cores)" % (a.duration, a.threads, os.cpu_count()))
    print("%-24s %5s %11s %9s %9s %9s %8s" % ("target", "conns", "req/s", "p50 ms", "p90 ms", "p99 ms", "vs bare"))
    for name, conns, r in results + [("bare CivetWeb handler", a.connections, bare_res)]:
        print("%-24s %5d %11.0f %9.2f %9.2f %9.2f %7.1f%%%s" % (
            name, conns, r["rps"], r["p50"], r["p90"], r["p99"], 100.0 * r["rps"] / bare_res["rps"],
            ("  non-2xx=%d" % r["non2xx"]) if r["non2xx"] else ""))
    print("\nserver resident memory (VmRSS/VmHWM):")
    print("  idle after start-up             %6.1f MiB" % idle_rss)
    print("  after seeding (signups, PDFs)   %6.1f MiB, peak while seeding %.1f MiB (Argon2id + MuPDF)"
          % (after_seed_rss, seed_peak))
    print("  restarted on the seeded base    %6.1f MiB (the page runs use this process)" % fresh_rss)
    print("  after the page runs             %6.1f MiB, peak during the page runs %.1f MiB" % (pages_cur, pages_peak))
    print("  after the login run             %6.1f MiB, peak %.1f MiB (Argon2id: 19 MiB per hash, 2 at once)"
          % (cur_rss, peak_rss))
    print("bare handler peak resident memory: %.1f MiB" % bare_peak)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
