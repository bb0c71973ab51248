#!/usr/bin/env python3
"""scale.py BUILD_DIR [options] - offerapi-server at scale (issue 18), both backends.

Cases (each run with wrk on loopback against a freshly started server):
  dashboard first page and CSV of an offer with 200, 2 000 and 20 000 scored
  applications; the home page with 10 000 offers, first and last page,
  anonymous and as the recruiter who owns them; 16 concurrent correct logins
  to one account (the login limiter on, its defaults).

Seeding is one SQL script per backend, in one transaction (sqlite3 or psql):
a recruiter, the offers and ONE real application (a real PDF through the API,
scored by the real scorers) are made through the server; the script then
copies that application's rows (user, application, CV, scores with spread
values, done jobs) 22 199 times and the template offer 9 999 times. No
Argon2id hash or PDF extraction per copy: 20 000 applications seed in seconds.

PostgreSQL runs under tests/with-postgresql.sh (a throwaway cluster: fsync
off, shared_buffers 16MB); the script re-runs itself under it when needed.

Figures per case: req/s, p99, server CPU per request (utime+stime of the
server process over the run / requests), database CPU per request
(PostgreSQL's backends, children of the postmaster), cost per application
(server CPU per request / applications of the offer), peak RSS (VmHWM, reset
before each case; the process keeps what earlier cases grew), non-2xx
answers, and PostgreSQL/SQLite ratios. Not a test: no figure decides
anything. See bench/http/README.md.
"""
import argparse
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "server"))
from bench import call, free_port, wait_up  # noqa: E402
from serverlib import CV_LINES, make_pdf, multipart  # noqa: E402

SIZES = (200, 2000, 20000)
BOARD_OFFERS = 10000
PASSWORD = "Quartz-Violon-92!"
TICK = os.sysconf("SC_CLK_TCK")
# glibc's settings of the server's container (Dockerfile, k8s/base/server/
# deployment.yaml): no per-thread cache of freed blocks. --glibc-defaults
# runs the server without them.
DEPLOYMENT_TUNABLES = "glibc.malloc.tcache_count=0"
TUNABLES = DEPLOYMENT_TUNABLES


# ---- process figures ---------------------------------------------------------

def cpu_s(pid):
    """utime + stime of @pid, seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def children_cpu_s(ppid):
    """CPU of the children of @ppid (PostgreSQL's backends), seconds."""
    total = 0.0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == ppid:
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def reset_peak(pid):
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")  # VmHWM := VmRSS


def mem_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        s = f.read()
    return (int(re.search(r"VmRSS:\s+(\d+)", s).group(1)) / 1024.0,
            int(re.search(r"VmHWM:\s+(\d+)", s).group(1)) / 1024.0)


def smaps_mib(pid):
    """Resident MiB of @pid by kind: the main heap ([heap]); thread stacks
    (anonymous read-write mappings right after a one-page guard: CivetWeb's
    workers have 100 KiB stacks, the pages their deepest request touched
    stay resident); the rest of anonymous memory (glibc's other arena,
    blocks of 512 KiB or more, the main thread's stack); shared libraries
    (file-backed .so); SQLite's WAL index (the database's -shm file, which
    grows with the WAL and is mapped by each connection); the rest (the
    executable); and the libraries' top three."""
    kinds = {"heap": 0, "stacks": 0, "anon": 0, "libs": 0, "shm": 0, "other": 0}
    libs, maps = {}, []
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$", line)
            if m:
                maps.append([int(m.group(1), 16), int(m.group(2), 16), m.group(3),
                             m.group(4).strip(), 0])
            elif line.startswith("Rss:"):
                maps[-1][4] = int(line.split()[1])
    prev = None
    for lo, hi, perm, path, kb in maps:
        name = os.path.basename(path)
        guarded = (prev and prev[1] == lo and prev[2] == "---p" and not prev[3]
                   and prev[1] - prev[0] == 4096)
        if path == "[heap]":
            kind = "heap"
        elif not path and perm.startswith("rw") and guarded:
            kind = "stacks"
        elif not path or path == "[stack]":
            kind = "anon"
        elif ".so" in name:
            kind = "libs"
            libs[name] = libs.get(name, 0) + kb
        elif name.endswith("-shm"):
            kind = "shm"
        else:
            kind = "other"
        kinds[kind] += kb
        prev = (lo, hi, perm, path)
    top = sorted(libs.items(), key=lambda kv: -kv[1])[:3]
    return ({k: v / 1024.0 for k, v in kinds.items()},
            ", ".join("%s %.1f" % (n.split(".so")[0], kb / 1024.0) for n, kb in top))


def wrk(url, duration, conns, script=None, headers=()):
    args = ["wrk", "-t2", "-c%d" % conns, "-d%ds" % duration, "--latency", "--timeout", "10s"]
    for h in headers:
        args += ["-H", h]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True).stdout
    pct = {}
    for q in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % q, out, re.M)
        pct[q] = float("nan")
        if m:
            pct[q] = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    p99 = pct["99"]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)), "p99": p99,
            "p50": pct["50"],
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(0) if errors else ""}


# ---- the server --------------------------------------------------------------

class Server:
    def __init__(self, bd, tmp, db_url, extra=()):
        plugins = os.path.join(tmp, "plugins")
        if not os.path.isdir(plugins):
            os.makedirs(plugins)
            for name in ("scorer-random", "scorer-similarity"):
                so = os.path.join(bd, "plugins", name, name + ".so")
                os.symlink(so, os.path.join(plugins, name + ".so"))
        self.port = free_port()
        self.log_path = os.path.join(tmp, "server.log")
        self.log = open(self.log_path, "ab")
        env = dict(os.environ)
        if TUNABLES:
            env["GLIBC_TUNABLES"] = TUNABLES
        self.proc = subprocess.Popen(
            [os.path.join(bd, "server", "offerapi-server"), "--listen",
             "127.0.0.1:%d" % self.port, "--database", db_url, "--plugin-dir", plugins,
             "--scorers", "random,similarity", "--threads", "64", "--no-request-log",
             "--signup-limit", "0"] + list(extra), stdout=self.log, stderr=self.log, env=env)
        wait_up(self.port, self.proc)
        self.base = "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def api(port, method, path, obj, token=None):
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    st, body, _ = call(port, method, path, json.dumps(obj), h)
    if st not in (200, 201):
        sys.exit("seeding: %s %s gave %d: %s" % (method, path, st, body[:300]))
    return json.loads(body)


def signup(port, login, role):
    return api(port, "POST", "/api/v1/users", {"login": login, "display_name": login.title(),
                                               "password": PASSWORD,
                                               "role": role})["token"]


def seed_api(srv):
    """The rows made by the real code: recruiters, offers, one application."""
    p = srv.port
    rec = signup(p, "bench-rec", "recruiter")
    board = signup(p, "bench-board", "recruiter")
    offers = [api(p, "POST", "/api/v1/offers", {
        "title": "Développeur C (%d)" % n, "description": "C, Linux, PostgreSQL",
        "location": "Lyon", "skills": ["C", "Linux", "PostgreSQL"],
        "questions": ["Pourquoi nous ?"]}, rec)["offer"]["id"] for n in SIZES]
    tmpl_offer = api(p, "POST", "/api/v1/offers", {
        "title": "Offre du tableau", "description": "Exploitation, SQL, astreintes",
        "location": "Paris", "skills": ["SQL", "Linux"], "questions": []}, board)["offer"]["id"]
    cand = signup(p, "bench-tmpl", "candidate")
    mp, ct = multipart({"answer_0": "Réponse type"}, {"cv": ("cv.pdf", make_pdf(CV_LINES),
                                                             "application/pdf")})
    st, body, _ = call(p, "POST", "/api/v1/offers/%d/applications" % offers[0], mp,
                       {"Authorization": "Bearer " + cand, "Content-Type": ct})
    if st != 201:
        sys.exit("seeding: application gave %d: %s" % (st, body[:300]))
    app = json.loads(body)["application"]["id"]
    for _ in range(600):  # the workers score it (2 scorers)
        jobs = api(p, "GET", "/api/v1/applications/%d/jobs" % app, None, rec)
        states = [j["state"] for j in jobs["jobs"]]
        if len(states) == 2 and all(s == "done" for s in states):
            break
        time.sleep(0.05)
    else:
        sys.exit("seeding: the template application was not scored: %s" % jobs)
    return {"rec": rec, "board": board, "offers": offers, "tmpl_offer": tmpl_offer, "app": app}


SEED_SQL = """
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ncand})
INSERT INTO users (login, display_name, role, password_hash, created_at)
 SELECT 'seed-' || i, 'Candidat ' || i, u.role, u.password_hash, u.created_at
 FROM n, users u WHERE u.login = 'bench-tmpl';
{apps}
INSERT INTO application_cvs (application_id, pdf, cv_text)
 SELECT a.id, t.pdf, t.cv_text FROM applications a, application_cvs t
 WHERE t.application_id = {app} AND a.id > {app};
INSERT INTO scores (application_id, scorer, scorer_version, score, explanation, created_at,
 offer_id, app_created_at)
 SELECT a.id, s.scorer, s.scorer_version,
 ((a.id * 2654435761 + length(s.scorer) * 40503) % 1000003) / 1000003.0,
 s.explanation, s.created_at, a.offer_id, a.created_at
 FROM applications a, scores s WHERE s.application_id = {app} AND a.id > {app};
INSERT INTO jobs (application_id, scorer, scorer_version, state, priority, attempts,
 run_after_ms, enqueued_ms, claimed_until_ms, claim_token, claimed_by, last_error, finished_ms)
 SELECT a.id, j.scorer, j.scorer_version, j.state, j.priority, j.attempts, j.run_after_ms,
 j.enqueued_ms, j.claimed_until_ms, j.claim_token, j.claimed_by, j.last_error, j.finished_ms
 FROM applications a, jobs j WHERE j.application_id = {app} AND a.id > {app};
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {noffers})
INSERT INTO offers (recruiter_id, title, description, location, skills, questions, search_text,
 location_fold, skills_fold, published_at, updated_at, is_open, search_title, search_body)
 SELECT t.recruiter_id, t.title || ' ' || i, t.description, t.location, t.skills, t.questions,
 t.search_text, t.location_fold, t.skills_fold, t.published_at - i, t.updated_at - i, 1,
 t.search_title || ' ' || i, t.search_body
 FROM n, offers t WHERE t.id = {tmpl_offer};
COMMIT;
"""

# Candidates seed-1.. are split between the offers: the first offer already
# holds the template application, so it takes one copy fewer.
APP_SQL = """
INSERT INTO applications (offer_id, candidate_id, filename, pdf_size, answers, nanswers,
 created_at)
 SELECT {offer}, u.id, t.filename, t.pdf_size, t.answers, t.nanswers, t.created_at - {lo}
 FROM users u, applications t WHERE t.id = {app} AND u.login LIKE 'seed-%'
 AND u.id > (SELECT id FROM users WHERE login = 'bench-tmpl') + {lo}
 AND u.id <= (SELECT id FROM users WHERE login = 'bench-tmpl') + {hi};
"""


def seed_sql(backend, db, ids):
    """Copy the template rows in one transaction; returns the seconds taken."""
    apps, lo = [], 0
    for k, n in enumerate(SIZES):
        hi = lo + n - (1 if k == 0 else 0)
        apps.append(APP_SQL.format(offer=ids["offers"][k], app=ids["app"], lo=lo, hi=hi))
        lo = hi
    sql = SEED_SQL.format(ncand=lo, apps="".join(apps), app=ids["app"],
                          noffers=BOARD_OFFERS - 1 - len(SIZES), tmpl_offer=ids["tmpl_offer"])
    if backend == "postgresql":
        sql += "VACUUM ANALYZE;\n"  # what autovacuum does after a bulk insert
        cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", db]
    else:
        cmd = ["sqlite3", "-bail", db]
    t0 = time.time()
    r = subprocess.run(cmd, input=sql, capture_output=True, text=True)
    if r.returncode:
        sys.exit("seeding SQL failed: %s" % r.stderr)
    return time.time() - t0


# ---- the cases ---------------------------------------------------------------

def walk_last(port, path, param, cookie):
    """Follow rel=next links of @param to the last page; its query string."""
    hdr = {"Cookie": cookie} if cookie else {}
    query = ""
    for _ in range(BOARD_OFFERS):
        st, body, _ = call(port, "GET", path + query, headers=hdr)
        m = re.search(r'href="/\?([^"]*&amp;%s=[A-Za-z0-9.-]+)" rel="next"' % param,
                      body.decode())
        if not m:
            return query
        query = "?" + m.group(1).replace("&amp;", "&")
    sys.exit("no last page after %d pages" % BOARD_OFFERS)


def page_cases(port, ids, only=None):
    """(name, path, headers, applications) of every page case (@only: "home"
    or "dashboard" keeps those cases)."""
    rec = ("Cookie: oa_session=" + ids["rec"],)
    board = ("Cookie: oa_session=" + ids["board"],)
    cases = []
    for k, n in enumerate(SIZES if only != "home" else ()):
        o = ids["offers"][k]
        cases.append(("dashboard %d, page 1" % n, "/offers/%d/dashboard" % o, rec, n))
        cases.append(("dashboard %d, CSV" % n, "/offers/%d/dashboard.csv" % o, rec, n))
    if only == "dashboard":
        return cases
    last_anon = walk_last(port, "/", "cursor", None)
    # As the owner: both lists (the board and "my offers") at their last page.
    last_mine = walk_last(port, "/", "mine", "oa_session=" + ids["board"])
    last_board = last_anon + "&mine=" + re.search(r"mine=([^&]*)", last_mine).group(1)
    cases += [("home, first page", "/", (), 0),
              # full-text search over the 10 000 offers: a word all of them
              # have (10 000 matches ranked, the best 1 000 kept), two such
              # words, and a word 3 offers have
              ("home, searched, 10000 hits", "/?q=exploitation", (), 0),
              ("home, searched, 2 words", "/?q=astreinte+exploitation", (), 0),
              ("home, searched, 3 hits", "/?q=developpeuse", (), 0),
              ("home, last page", "/" + last_anon, (), 0),
              ("home as owner, first", "/", board, 0),
              ("home as owner, last", "/" + last_board, board, 0)]
    return cases


def check_case(port, path, hdrs):
    h = dict(x.split(": ", 1) for x in hdrs)
    st, body, _ = call(port, "GET", path, headers=h)
    if st != 200:
        sys.exit("case %s answered %d" % (path, st))
    return len(body)


def run_case(srv, pg_pid, path, hdrs, duration, conns):
    """wrk on one case; a CSV export (seconds each at 20 000) with 4
    connections and at least 3 times the duration, so that some finish."""
    if path.endswith(".csv"):
        conns, duration = min(conns, 4), duration * 3
    check_case(srv.port, path, hdrs)
    reset_peak(srv.proc.pid)
    srv.log.flush()
    log_from = os.path.getsize(srv.log_path)
    c0, d0 = cpu_s(srv.proc.pid), children_cpu_s(pg_pid) if pg_pid else 0.0
    r = wrk(srv.base + path, duration, conns, headers=hdrs)
    c1, d1 = cpu_s(srv.proc.pid), children_cpu_s(pg_pid) if pg_pid else 0.0
    r["server_said"] = server_warnings(srv.log_path, log_from)
    n = max(r["requests"], 1)
    r["cpu_us"] = (c1 - c0) * 1e6 / n
    r["db_us"] = (d1 - d0) * 1e6 / n if pg_pid else float("nan")
    r["rss"], r["peak"] = mem_mib(srv.proc.pid)
    return r


def server_warnings(path, start, most=3):
    """The server's warning and error lines logged since byte @start (a 5xx
    answer logs one; --no-request-log keeps the rest out), at most @most."""
    with open(path, "rb") as f:
        f.seek(start)
        lines = f.read().decode("utf-8", "replace").splitlines()
    said = [l for l in lines if "level=warn" in l or "level=error" in l]
    return said[:most] + (["... and %d more" % (len(said) - most)] if len(said) > most else [])


def mem_detail(srv, r, pause):
    """After a case: VmRSS after @pause seconds idle (what the process gave
    back) and where the resident memory is (smaps)."""
    time.sleep(pause)
    r["rss_idle"] = mem_mib(srv.proc.pid)[0]
    r["smaps"], r["top_libs"] = smaps_mib(srv.proc.pid)


def login_bursts(port, rounds):
    """@rounds bursts of 16 logins started together; the answers' statuses."""
    body = json.dumps({"login": "bench-login", "password": PASSWORD})
    statuses = []

    def one(barrier):
        barrier.wait()
        st, _, _ = call(port, "POST", "/api/v1/sessions", body,
                        {"Content-Type": "application/json"})
        statuses.append(st)
    for _ in range(rounds):
        barrier = threading.Barrier(16)
        ths = [threading.Thread(target=one, args=(barrier,)) for _ in range(16)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
    return statuses


def login_case(bd, tmp, db_url, duration):
    """16 concurrent correct logins to one account, the limiter on (defaults),
    no scoring worker (--workers 0, as the Deployment runs the server)."""
    srv = Server(bd, tmp, db_url, ["--workers", "0"])
    try:
        signup(srv.port, "bench-login", "candidate")
        lua = os.path.join(tmp, "login.lua")
        with open(lua, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = \'{"login":"bench-login",'
                    '"password":"%s"}\'\n'
                    'wrk.headers["Content-Type"] = "application/json"\n' % PASSWORD)
        reset_peak(srv.proc.pid)
        bursts = login_bursts(srv.port, 5)
        c0 = cpu_s(srv.proc.pid)
        r = wrk(srv.base + "/api/v1/sessions", duration, 16, script=lua)
        r["bursts"] = bursts
        r["cpu_us"] = (cpu_s(srv.proc.pid) - c0) * 1e6 / max(r["requests"], 1)
        r["db_us"] = float("nan")
        r["peak"] = mem_mib(srv.proc.pid)[1]
        return r
    finally:
        srv.stop()


def run_backend(backend, bd, a):
    tmp = tempfile.mkdtemp(prefix="offerapi-bench-scale.")
    pg_pid = None
    if backend == "postgresql":
        db_url = os.environ["OFFERAPI_TEST_PG_URL"]
        pidfile = os.path.join(os.path.dirname(os.environ["OFFERAPI_TEST_PG_LOG"]), "data",
                               "postmaster.pid")
        with open(pidfile) as f:
            pg_pid = int(f.readline())
        seed_target = db_url
    else:
        seed_target = os.path.join(tmp, "bench.db")
        db_url = "sqlite:" + seed_target
    out = {"cases": []}
    try:
        srv = Server(bd, tmp, db_url)
        try:
            ids = seed_api(srv)
        finally:
            srv.stop()
        out["seed_s"] = seed_sql(backend, seed_target, ids)
        # A fresh process for the page cases: its peak is the pages' own.
        # With --fresh, one fresh process per case: its peak is that case's.
        page_args = ["--workers", "0", "--login-max-failures", "0"]
        srv = Server(bd, tmp, db_url, page_args)
        try:
            time.sleep(1)
            out["idle"] = mem_mib(srv.proc.pid)[0]
            out["idle_smaps"] = smaps_mib(srv.proc.pid)
            for name, path, hdrs, napps in page_cases(srv.port, ids, a.only):
                if a.fresh and out["cases"]:
                    srv.stop()
                    srv = Server(bd, tmp, db_url, page_args)
                out["bytes_" + name] = check_case(srv.port, path, hdrs)
                r = run_case(srv, pg_pid, path, hdrs, a.duration, a.connections)
                r["napps"] = napps
                r["conns"] = min(a.connections, 4) if path.endswith(".csv") else a.connections
                if a.mem:
                    mem_detail(srv, r, a.mem)
                    wal = seed_target + "-wal"
                    r["wal"] = os.path.getsize(wal) / 1048576.0 if os.path.exists(wal) else None
                out["cases"].append((name, r))
                print("  %-26s %9.0f req/s" % (name, r["rps"]), file=sys.stderr, flush=True)
                for line in r["server_said"]:
                    print("    server: %s" % line[:300], file=sys.stderr, flush=True)
            time.sleep(2)
            out["after"] = mem_mib(srv.proc.pid)[0]
        finally:
            srv.stop()
        if a.only is None:
            out["login"] = login_case(bd, tmp, db_url, a.duration)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# ---- the report ----------------------------------------------------------------

def fmt_row(backend, name, r, ref):
    cost = "%7.2f" % (r["cpu_us"] / r["napps"]) if r.get("napps") else "      -"
    ratio = "%5.2f" % (r["rps"] / ref["rps"]) if ref and ref["rps"] else "    -"
    db = "%7.0f" % r["db_us"] if r["db_us"] == r["db_us"] else "      -"
    bad = r["non2xx"] + (1 if r["errors"] else 0)
    return "%-10s %-26s %5d %9.1f %8.1f %8.1f %8.0f %7s %7s %7.1f %5s %s" % (
        backend, name, r.get("conns", 16), r["rps"], r.get("p50", float("nan")), r["p99"],
        r["cpu_us"], db, cost, r["peak"],
        ratio,
        ("non-2xx=%d %s" % (r["non2xx"], r["errors"])) if bad else "")


def mem_report(results, a):
    print("\nmemory per case, MiB (%s): peak = VmHWM during the case, end = VmRSS at its end, "
          "idle = VmRSS %d s later; then the idle process's smaps: [heap], thread stacks, "
          "other anonymous mappings (arena, large blocks), shared libraries, SQLite's WAL "
          "index (-shm); wal = size of SQLite's WAL file after the case"
          % ("a fresh server per case" if a.fresh else "one server, peak reset per case", a.mem))
    cols = ("heap", "stacks", "anon", "libs", "shm")
    print("%-10s %-26s %6s %6s %6s %6s %6s %6s %6s %6s %6s  %s" % (
        ("backend", "case", "peak", "end", "idle") + cols + ("wal", "largest libraries")))
    for backend, res in results.items():
        k, top = res["idle_smaps"]
        print("%-10s %-26s %6s %6s %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f %6s  %s" % (
            (backend, "idle after start-up", "-", "-", res["idle"]) + tuple(k[c] for c in cols)
            + ("-", top)))
        for name, r in res["cases"]:
            k = r["smaps"]
            wal = "%6.0f" % r["wal"] if r.get("wal") is not None else "-"
            print("%-10s %-26s %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f %6s  %s" % (
                (backend, name, r["peak"], r["rss"], r["rss_idle"]) + tuple(k[c] for c in cols)
                + (wal, r["top_libs"])))


def report(results, a):
    print("\nwrk -t2 -d%ds (CSV: -d%ds) on loopback, server --threads 64, %d cores, "
          "load average before: %s, after: %s; server GLIBC_TUNABLES=%s"
          % (a.duration, 3 * a.duration, os.cpu_count(), a.load,
             open("/proc/loadavg").read().split()[0], TUNABLES or "(none)"))
    print("%-10s %-26s %5s %9s %8s %8s %8s %7s %7s %7s %5s" % (
        "backend", "case", "conns", "req/s", "p50 ms", "p99 ms", "cpu us", "db us", "us/app",
        "peak MB",
        "pg/sq"))
    sq = dict(results["sqlite"]["cases"]) if "sqlite" in results else {}
    for backend, res in results.items():
        logins = [("16 logins, 1 account", res["login"])] if "login" in res else []
        for name, r in res["cases"] + logins:
            ref = sq.get(name) if backend == "postgresql" else None
            if name.startswith("16 logins") and backend == "postgresql" and "sqlite" in results:
                ref = results["sqlite"]["login"]
            print(fmt_row(backend, name, r, ref))
    print("(16 logins: wrk's non-2xx are refusals of a right password: 429 after the limiter's"
          " 5 s wait)")
    if a.mem:
        mem_report(results, a)
    for backend, res in results.items():
        peak = max(r["peak"] for _, r in res["cases"])
        if "login" not in res:
            print("%s: seeded by SQL in %.1f s; idle %.1f MiB, after the page cases %.1f MiB, "
                  "peak across page cases %.1f MiB"
                  % (backend, res["seed_s"], res["idle"], res["after"], peak))
            continue
        b = res["login"]["bursts"]
        print("%s: 5 bursts of 16 simultaneous correct logins: %d of %d succeeded (statuses %s);"
              " then wrk: a steady 16 (the row above)"
              % (backend, sum(1 for x in b if x in (200, 201)), len(b), sorted(set(b))))
        print("%s: seeded by SQL in %.1f s; idle %.1f MiB, after the page cases %.1f MiB, "
              "peak across page cases %.1f MiB; logins peak %.1f MiB (Argon2id)"
              % (backend, res["seed_s"], res["idle"], res["after"], peak, res["login"]["peak"]))
        sizes = {n: res["bytes_dashboard %d, CSV" % n] for n in SIZES}
        print("  CSV bytes: " + ", ".join("%d: %d" % kv for kv in sizes.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build_dir")
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--only", choices=("home", "dashboard"),
                    help="home: only the home page cases; dashboard: only the dashboard"
                    " cases (page 1 and CSV at each size); neither runs the logins")
    ap.add_argument("--fresh", action="store_true",
                    help="run each page case in a fresh server (its peak is its own)")
    ap.add_argument("--mem", type=int, default=0, metavar="SECONDS",
                    help="after each case, wait SECONDS idle, then print its VmRSS and "
                    "where the memory is (smaps)")
    ap.add_argument("--glibc-defaults", action="store_true",
                    help="run the server without the Deployment's GLIBC_TUNABLES (%s)"
                    % DEPLOYMENT_TUNABLES)
    a = ap.parse_args()
    global TUNABLES
    TUNABLES = "" if a.glibc_defaults else DEPLOYMENT_TUNABLES
    for tool in ("wrk", "sqlite3", "psql"):
        if not shutil.which(tool):
            sys.exit("%s is not installed (apt-get install wrk sqlite3 postgresql)" % tool)
    want_pg = a.backend in ("postgresql", "both")
    if want_pg and "OFFERAPI_TEST_PG_URL" not in os.environ:
        os.execv(os.path.join(ROOT, "tests", "with-postgresql.sh"),
                 ["with-postgresql.sh", sys.executable] + sys.argv)
    a.load = open("/proc/loadavg").read().split()[0]
    bd = os.path.abspath(a.build_dir)
    results = {}
    for backend in ("sqlite", "postgresql"):
        if a.backend in (backend, "both"):
            print("%s:" % backend, file=sys.stderr, flush=True)
            results[backend] = run_backend(backend, bd, a)
    if a.json:  # first: the figures survive a failing report
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    report(results, a)


if __name__ == "__main__":
    main()
