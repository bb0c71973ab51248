#!/usr/bin/env python3
"""Every PromQL expression of every Grafana dashboard in k8s/base/grafana/dashboards
runs against a real Prometheus that has scraped the real offerapi-server
under a little load and holds backfilled cAdvisor, kube-state-metrics,
kubelet and Kubecost/OpenCost series for the same namespace and pods.

  test_dashboards.py SOURCE_ROOT SERVER_BINARY [FINOPS_REPORT_BINARY]

Each expression (panel targets, and the variables' label_values() queries)
must parse, and each must return at least one series with a number (not
NaN): all three dashboards' panels are about data this test provides.
$__rate_interval becomes 2m, $namespace offreapi, $pod offerapi-postgres-0.
Also checks the dashboards' form: stable uids, a datasource variable used by
every panel and target, rate windows from $__rate_interval.
With FINOPS_REPORT_BINARY, also runs the weekly CronJob's own script (taken
from the rendered manifest) with that finops-report against the same
Prometheus and a local fake Kubecost: the dated Markdown report is written,
printed to the log, and only the 52 newest are kept.
Needs python3, prometheus and promtool (Debian package prometheus).
"""
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
NS = "offreapi"
SERVER_PODS = ["offerapi-server-7d9f8c6b5-abcde", "offerapi-server-7d9f8c6b5-fghij"]
PG_POD = "offerapi-postgres-0"
NODE = "node-1"
EXPECTED_UIDS = {"offerapi-service", "offerapi-postgres", "offerapi-finops"}
# 2m: four of the backfill's 15 s steps, and room for the seconds between
# the backfill's last sample and the evaluation (server start, load)
SUBST = {"$__rate_interval": "2m", "${__rate_interval}": "2m",
         "$namespace": NS, "${namespace}": NS, "$pod": PG_POD, "${pod}": PG_POD}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def wait_http(url, proc, what, secs=30):
    end = time.time() + secs
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit("FAIL: %s exited (%s)" % (what, proc.returncode))
        try:
            if get(url, 2)[0] == 200:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit("FAIL: %s did not answer %s" % (what, url))


def backfill(path, now):
    """OpenMetrics text for 2 h of 15 s samples, the last one a second before
    now (Prometheus then refuses live samples older than the block's end)."""
    last = int(now) - 1
    times = list(range(last - 7200, last + 1, 15))
    start = times[0]
    fam = {}

    def series(name, labels, fn):
        lab = ",".join('%s="%s"' % kv for kv in sorted(labels.items()))
        fam.setdefault(name, []).append((lab, fn))

    pods = [(p, "server", 0.02, 18 << 20, 0.1, 64 << 20, 1.0, 256 << 20) for p in SERVER_PODS]
    pods.append((PG_POD, "postgres", 0.05, 120 << 20, 0.25, 256 << 20, 1.0, 512 << 20))
    for pod, ctr, cpu, mem, rcpu, rmem, lcpu, lmem in pods:
        c = {"namespace": NS, "pod": pod, "container": ctr, "image": "img", "node": NODE}
        k = {"namespace": NS, "pod": pod, "container": ctr, "node": NODE}
        series("container_cpu_usage_seconds_total", c, lambda t, cpu=cpu: (t - start) * cpu)
        series("container_memory_working_set_bytes", c, lambda t, mem=mem: mem + (t % 600) * 1024)
        series("container_memory_rss", c, lambda t, mem=mem: mem * 0.8)
        series("container_memory_cache", c, lambda t, mem=mem: mem * 0.3)
        series("container_cpu_cfs_periods_total", c, lambda t: (t - start) * 10)
        series("container_cpu_cfs_throttled_periods_total", c, lambda t: (t - start) * 0.1)
        series("container_fs_reads_bytes_total", c, lambda t: (t - start) * 4096)
        series("container_fs_writes_bytes_total", c, lambda t: (t - start) * 16384)
        series("container_network_receive_bytes_total",
               {"namespace": NS, "pod": pod, "interface": "eth0"}, lambda t: (t - start) * 2000)
        series("container_network_transmit_bytes_total",
               {"namespace": NS, "pod": pod, "interface": "eth0"}, lambda t: (t - start) * 3000)
        for res, unit, req, lim in (("cpu", "core", rcpu, lcpu), ("memory", "byte", rmem, lmem)):
            series("kube_pod_container_resource_requests", dict(k, resource=res, unit=unit), lambda t, v=req: v)
            series("kube_pod_container_resource_limits", dict(k, resource=res, unit=unit), lambda t, v=lim: v)
        series("kube_pod_container_status_restarts_total", k, lambda t: 0)
        # OpenCost / Kubecost cost-model: allocation = max(request, usage)
        series("container_cpu_allocation", k, lambda t, v=max(rcpu, cpu): v)
        series("container_memory_allocation_bytes", k, lambda t, v=max(rmem, mem): v)
    pvc = {"namespace": NS, "persistentvolumeclaim": "data-" + PG_POD}
    series("kubelet_volume_stats_used_bytes", pvc, lambda t: 1.2e9)
    series("kubelet_volume_stats_capacity_bytes", pvc, lambda t: 10 << 30)
    series("pod_pvc_allocation", dict(pvc, pod=PG_POD, persistentvolume="pvc-0001"), lambda t: 10 << 30)
    series("node_cpu_hourly_cost", {"node": NODE, "instance": NODE}, lambda t: 0.02)
    series("node_ram_hourly_cost", {"node": NODE, "instance": NODE}, lambda t: 0.01)
    series("pv_hourly_cost", {"persistentvolume": "pvc-0001", "volumename": "pvc-0001"}, lambda t: 0.03 / 730)
    with open(path, "w") as f:
        for name, lst in fam.items():
            for lab, fn in lst:
                for t in times:
                    f.write("%s{%s} %r %d\n" % (name, lab, float(fn(t)), t))
        f.write("# EOF\n")


def kubecost_allocation(start, end):
    """A Kubecost /model/allocation answer for the backfilled pods."""
    data = {}
    for pod, ctl, kind, cpu_cost, ram_cost, pv_cost in (
            (SERVER_PODS[0], "offerapi-server", "deployment", 0.28, 0.11, 0.0),
            (SERVER_PODS[1], "offerapi-server", "deployment", 0.28, 0.11, 0.0),
            (PG_POD, "offerapi-postgres", "statefulset", 0.70, 0.42, 0.07)):
        data[pod] = {
            "name": pod,
            "properties": {"cluster": "cluster-one", "node": NODE, "controller": ctl,
                           "controllerKind": kind, "namespace": NS, "pod": pod,
                           "labels": {"app_kubernetes_io_name": "offerapi"}},
            "window": {"start": start, "end": end}, "start": start, "end": end,
            "minutes": 10080, "cpuCost": cpu_cost, "ramCost": ram_cost, "pvCost": pv_cost,
            "gpuCost": 0, "networkCost": 0, "loadBalancerCost": 0, "sharedCost": 0,
            "externalCost": 0, "totalCost": cpu_cost + ram_cost + pv_cost,
            "cpuEfficiency": 0.2, "ramEfficiency": 0.3, "totalEfficiency": 0.25}
    return json.dumps({"code": 200, "data": [data]}).encode()


def check_cronjob(src, finops, papi, tmp):
    """Runs the CronJob's own shell script (from the rendered manifest) with
    the built finops-report against this Prometheus and a local fake
    Kubecost; checks the dated Markdown file, the log, and the pruning."""
    import http.server
    import threading
    sys.path.insert(0, HERE)
    import render
    cj = [o for o in render.build(render.prepared(src)) if o["kind"] == "CronJob"]
    if len(cj) != 1:
        fail("expected one CronJob, found %d" % len(cj))
        return
    c = cj[0]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    if c.get("command") != ["/bin/sh", "-c"] or len(c.get("args", [])) != 1:
        fail("the CronJob should run one /bin/sh -c script")
        return
    script = c["args"][0]
    reports = os.path.join(tmp, "reports")
    os.makedirs(reports)
    for i in range(53):  # older reports: the job keeps 52 in all
        p = os.path.join(reports, "finops-report-2025-01-%02d.md" % (i % 28 + 1) if i < 28 else
                         "finops-report-2025-02-%02d.md" % (i - 27))
        with open(p, "w") as f:
            f.write("old\n")
        os.utime(p, (1700000000 + i * 86400, 1700000000 + i * 86400))
    script = script.replace("/reports/", reports + "/").replace(
        "/usr/share/finops-report/pricing.default.conf",
        os.path.join(src, "finops-report", "pricing.default.conf"))

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            start, _, end = (q.get("window", [","])[0]).partition(",")
            body = kubecost_allocation(start, end) if self.path.startswith("/model/allocation") else b"{}"
            self.send_response(200 if self.path.startswith("/model/allocation") else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    env = {"PATH": os.path.dirname(finops) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin")}
    for e in c.get("env", []):
        env[e["name"]] = e.get("value", "")
    env["FINOPS_PROMETHEUS_URL"] = papi
    env["FINOPS_KUBECOST_URL"] = "http://127.0.0.1:%d" % srv.server_address[1]
    r = subprocess.run(["/bin/sh", "-c", script], env=env, capture_output=True, text=True, cwd=tmp)
    srv.shutdown()
    if r.returncode != 0:
        fail("the CronJob's script exited %d: %s" % (r.returncode, (r.stderr or r.stdout)[-1500:]))
        return
    today = time.strftime("finops-report-%Y-%m-%d.md", time.gmtime())
    path = os.path.join(reports, today)
    if not os.path.exists(path):
        fail("the CronJob wrote no %s" % today)
        return
    with open(path) as f:
        md = f.read()
    if r.stdout.strip() != md.strip():
        fail("the CronJob's log is not the report")
    for pod in SERVER_PODS + [PG_POD]:
        if pod not in md:
            fail("the report does not mention %s" % pod)
    kept = [f for f in os.listdir(reports) if f.startswith("finops-report-")]
    if len(kept) != 52 or today not in kept or any(f.endswith(".tmp") for f in kept):
        fail("the CronJob keeps %d reports (want the 52 newest, today's included)" % len(kept))
    print("ok   CronJob finops-report: %s written (%d lines), printed, 52 kept" % (today, md.count("\n")))


def exprs_of(dash):
    """(where, expr, is_label_values) for every target and query variable."""
    out = []

    def walk(panels):
        for p in panels:
            walk(p.get("panels", []))
            for t in p.get("targets", []):
                if t.get("expr"):
                    out.append(("panel %r target %s" % (p.get("title"), t.get("refId")), t["expr"], False))
    walk(dash.get("panels", []))
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            out.append(("variable %s" % v["name"], q, True))
    return out


def check_form(name, dash):
    if dash.get("uid") not in EXPECTED_UIDS:
        fail("%s: uid %r is not one of the stable uids %s" % (name, dash.get("uid"), sorted(EXPECTED_UIDS)))
    vars_ = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    dsv = vars_.get("datasource")
    if not dsv or dsv.get("type") != "datasource" or dsv.get("query") != "prometheus":
        fail("%s: no datasource variable of type prometheus" % name)

    def walk(panels):
        for p in panels:
            walk(p.get("panels", []))
            if p.get("type") == "row":
                continue
            if (p.get("datasource") or {}).get("uid") != "${datasource}":
                fail("%s: panel %r does not use ${datasource}" % (name, p.get("title")))
            if not p.get("targets"):
                fail("%s: panel %r has no query" % (name, p.get("title")))
            for t in p.get("targets", []):
                if (t.get("datasource") or {}).get("uid") != "${datasource}":
                    fail("%s: panel %r target %s does not use ${datasource}" % (name, p.get("title"), t.get("refId")))
                for w in re.findall(r"\[([^\]]*)\]", t.get("expr", "")):
                    if w not in ("$__rate_interval", "1h"):
                        fail("%s: panel %r: range [%s]: use $__rate_interval" % (name, p.get("title"), w))
    walk(dash.get("panels", []))


def main():
    src, server = sys.argv[1], os.path.abspath(sys.argv[2])
    finops = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    if finops and not os.access(finops, os.X_OK):
        raise SystemExit("FAIL: no finops-report binary at %s" % finops)
    for tool in ("prometheus", "promtool"):
        if not shutil.which(tool):
            raise SystemExit("FAIL: %s is missing (Debian package prometheus)" % tool)
    if not os.access(server, os.X_OK):
        raise SystemExit("FAIL: no server binary at %s" % server)
    dash_dir = os.path.join(src, "k8s", "base", "grafana", "dashboards")
    dashboards = {}
    for fn in sorted(os.listdir(dash_dir)):
        if fn.endswith(".json"):
            with open(os.path.join(dash_dir, fn), encoding="utf-8") as f:
                dashboards[fn] = json.load(f)
    uids = {d.get("uid") for d in dashboards.values()}
    if uids != EXPECTED_UIDS:
        fail("dashboard uids %s, expected %s" % (sorted(map(str, uids)), sorted(EXPECTED_UIDS)))
    for fn, d in dashboards.items():
        check_form(fn, d)

    tmp = tempfile.mkdtemp(prefix="k8s-dashboards-")
    procs = []
    try:
        # the real server, demo data, a temporary SQLite database
        sport = free_port()
        slog = open(os.path.join(tmp, "server.log"), "w+")
        srv = subprocess.Popen([server, "--demo", "--listen", "127.0.0.1:%d" % sport,
                                "--database", "sqlite:" + os.path.join(tmp, "offerapi.db"),
                                "--scorers", "random,similarity", "--no-request-log"],
                               stdout=slog, stderr=subprocess.STDOUT, cwd=tmp)
        procs.append(srv)
        base = "http://127.0.0.1:%d" % sport
        wait_http(base + "/readyz", srv, "offerapi-server")
        slog.seek(0)
        m = re.search(r'password "([^"]+)"', slog.read())
        if not m:
            raise SystemExit("FAIL: the demo did not print the recruiter's password")
        password = m.group(1)

        # backfilled cluster series
        now = time.time()
        om = os.path.join(tmp, "backfill.om")
        data = os.path.join(tmp, "data")
        backfill(om, now)
        r = subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", om, data],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("FAIL: promtool create-blocks-from: " + r.stderr[-2000:])

        # Prometheus scraping the server every second, labelled as the
        # ServiceMonitor's target would be (job = the Service's name)
        pport = free_port()
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global: {scrape_interval: 15s}\n"
                    "scrape_configs:\n"
                    "  - job_name: offerapi-server\n"
                    "    scrape_interval: 1s\n"
                    "    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n"
                    "        labels: {namespace: %s, pod: %s, container: server, service: offerapi-server}\n"
                    % (sport, NS, SERVER_PODS[0]))
        plog = open(os.path.join(tmp, "prometheus.log"), "w")
        prom = subprocess.Popen(["prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + data,
                                 "--storage.tsdb.retention.time=100y",
                                 "--web.listen-address=127.0.0.1:%d" % pport],
                                stdout=plog, stderr=subprocess.STDOUT)
        procs.append(prom)
        papi = "http://127.0.0.1:%d" % pport
        wait_http(papi + "/-/ready", prom, "prometheus")

        def query(q, t=None):
            args = {"query": q}
            if t:
                args["time"] = "%.3f" % t
            try:
                _, body = get(papi + "/api/v1/query?" + urllib.parse.urlencode(args))
            except urllib.error.HTTPError as e:
                body = e.read()
            return json.loads(body)

        def scrapes():
            res = query('count_over_time(up{job="offerapi-server"}[1m])').get("data", {}).get("result", [])
            return int(float(res[0]["value"][1])) if res else 0

        end = time.time() + 30
        while scrapes() < 2 and time.time() < end:
            time.sleep(0.3)
        if scrapes() < 2:
            raise SystemExit("FAIL: Prometheus did not scrape the server")
        # the load, while Prometheus scrapes: counters move inside the window
        r = subprocess.run([sys.executable, os.path.join(HERE, "load.py"), base, password, "20"])
        if r.returncode != 0:
            fail("load.py failed against the server")
        # its applications are scored by jobs: the latency panels need them done
        end = time.time() + 60
        while time.time() < end and re.search(
                r'^offerapi_jobs\{[^}]*state="(pending|running)"\} [1-9]',
                get(base + "/metrics")[1].decode(), re.M):
            time.sleep(0.3)
        n0 = scrapes()
        end = time.time() + 30
        while scrapes() < n0 + 3 and time.time() < end:
            time.sleep(0.3)
        t_eval = time.time()

        total = 0
        for fn, d in dashboards.items():
            for where, expr, is_lv in exprs_of(d):
                total += 1
                q = expr
                for k in sorted(SUBST, key=len, reverse=True):
                    q = q.replace(k, SUBST[k])
                if is_lv:
                    m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", q, re.S)
                    if not m:
                        fail("%s %s: not label_values(QUERY, LABEL): %s" % (fn, where, expr))
                        continue
                    q = "count by (%s) (%s)" % (m.group(2), m.group(1))
                if "$" in q:
                    fail("%s %s: unknown variable left in %s" % (fn, where, q))
                    continue
                res = query(q, t_eval)
                if res.get("status") != "success":
                    fail("%s %s: %s: %s" % (fn, where, res.get("errorType"), res.get("error")))
                    continue
                values = [float(s["value"][1]) for s in res["data"]["result"]]
                if not values:
                    fail("%s %s: no data: %s" % (fn, where, q))
                elif not any(math.isfinite(v) for v in values):
                    fail("%s %s: only NaN/Inf: %s" % (fn, where, q))
                else:
                    print("ok   %s %s: %d series" % (fn, where, len(values)))
        print("%d expressions, %d failures" % (total, len(failures)))
        if total < 30:
            fail("only %d expressions found" % total)
        if finops:
            check_cronjob(src, finops, papi, tmp)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if failures and os.environ.get("KEEP_TMP"):
            print("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
