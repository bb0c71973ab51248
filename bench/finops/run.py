#!/usr/bin/env python3
"""bench/finops: finops-report over a generated cluster in a real Prometheus.

Generates PODS pods (default 2 000: 20 namespaces x 10 Deployments x 10
replicas, one container each) over DAYS days (default 14): cAdvisor CPU and
memory every 5 minutes, kube-state-metrics requests, limits, owners and labels
every hour. Backfills them with promtool, starts Prometheus on a free loopback
port, runs finops-report RUNS times and prints, per run, the wall time, the
number of queries it sent, and its peak RSS, with the targets (< 30 s,
< 64 MiB).

Usage: run.py PATH/TO/finops-report [--pods N] [--days N] [--runs N]
              [--keep DIR] [--concurrency N] [--extra "ARGS"]
              [--window DUR] [--reference PATH [--reference-extra "ARGS"]]
--extra adds arguments to finops-report's (for the second edition's
features: --extra "--group-by label:team --share-idle"; the trend and the
node idle cost are on by default).
--reference runs another finops-report (an older build) before each run of
the tool, on the same Prometheus and data, and prints both with the load
average at the start of each run, then the medians and their ratio: on a
shared machine only runs side by side compare.
--window (default: the generated days) measures another window over the
same data: --window 7d over 14 days holds a whole previous window.
--keep DIR keeps (and reuses) the generated TSDB blocks in DIR, since
generating and backfilling take longer than the measured runs.
Not a test: no figure decides a pass; it prints, it does not assert.
"""
import argparse
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "finops-report", "tests"))
import harness  # noqa: E402

MIB = 1048576
CPU_REQ = [0.1, 0.25, 0.5, 1.0]
MEM_REQ = [128 * MIB, 256 * MIB, 512 * MIB, 1024 * MIB]


def pod_list(pods):
    """(namespace, deployment, pod, index): 100 pods per namespace, 10
    replicas per Deployment."""
    nns = max(1, pods // 100)
    per_ns = math.ceil(pods / nns)
    out = []
    for n in range(nns):
        for k in range(per_ns):
            if len(out) == pods:
                break
            dep = "app-%02d" % (k // 10)
            out.append(("ns-%02d" % n, dep, "%s-5d8f7c9b6-%05d" % (dep, k),
                        len(out)))
    return nns, out


def write_slice(path, plist, t0, a, b):
    """Writes the samples with a <= t < b to an OpenMetrics file. Usage every
    5 minutes; the CPU counter is the exact integral of a rate of
    base * (1 + 0.5 sin(t / 5400 + i)), so no state crosses slices.
    Returns the number of samples."""
    ts_u = [t for t in range(a - a % 300, b, 300) if t >= a and t >= t0]
    ts_k = [t for t in range(a - a % 3600, b, 3600) if t >= a and t >= t0]
    n = 0
    with open(path, "w", buffering=1 << 22) as f:
        out = []
        for ns, dep, pod, i in plist:
            base = CPU_REQ[i % 4] * (0.05 + 0.9 * ((i * 37) % 100) / 100.0)
            c0 = math.cos(t0 / 5400.0 + i)
            pre = ('container_cpu_usage_seconds_total{namespace="%s",pod="%s",'
                   'container="app"} ' % (ns, pod))
            out.extend("%s%.3f %d\n" % (pre, base * ((t - t0) - 2700.0 * (
                math.cos(t / 5400.0 + i) - c0)), t) for t in ts_u)
        n += len(out)
        f.write("".join(out))
        out = []
        for ns, dep, pod, i in plist:
            base = MEM_REQ[(i // 4) % 4] * (0.2 + 0.9 * ((i * 53) % 100)
                                            / 100.0)
            pre = ('container_memory_working_set_bytes{namespace="%s",pod='
                   '"%s",container="app"} ' % (ns, pod))
            out.extend("%s%d %d\n" % (pre, base * (0.85 + 0.15 * math.sin(
                t / 7200.0 + i)), t) for t in ts_u)
        n += len(out)
        f.write("".join(out))
        c = ('namespace="%s",pod="%s",container="app",resource="%s",'
             'unit="%s"')
        fams = [
            ("kube_pod_container_resource_requests",
             lambda ns, d, p, i: c % (ns, p, "cpu", "core"),
             lambda i: CPU_REQ[i % 4]),
            ("kube_pod_container_resource_requests",
             lambda ns, d, p, i: c % (ns, p, "memory", "byte"),
             lambda i: MEM_REQ[(i // 4) % 4]),
            ("kube_pod_container_resource_limits",
             lambda ns, d, p, i: c % (ns, p, "memory", "byte"),
             lambda i: 2 * MEM_REQ[(i // 4) % 4]),
            ("kube_pod_owner",
             lambda ns, d, p, i: 'namespace="%s",pod="%s",owner_kind='
             '"ReplicaSet",owner_name="%s-5d8f7c9b6"' % (ns, p, d),
             lambda i: 1),
            ("kube_pod_labels",
             lambda ns, d, p, i: 'namespace="%s",pod="%s",label_app="%s"'
             % (ns, p, d), lambda i: 1)]
        last = None
        out = []
        for name, lab, val in fams:
            if name == last:
                pass
            for ns, dep, pod, i in plist:
                pre = "%s{%s} %.10g " % (name, lab(ns, dep, pod, i), val(i))
                out.extend("%s%d\n" % (pre, t) for t in ts_k)
            last = name
        # 20 nodes (capacity and allocatable) and one team label per
        # namespace, for the node idle cost and --group-by label:team
        for kind, cpu, mem in (("capacity", 16, 64), ("allocatable", 15.5, 62)):
            for node in range(20):
                for res, v, unit in (("cpu", cpu, "core"),
                                     ("memory", mem * 1073741824, "byte")):
                    pre = ('kube_node_status_%s{node="node-%02d",resource="%s",'
                           'unit="%s"} %.10g ' % (kind, node, res, unit, v))
                    out.extend("%s%d\n" % (pre, t) for t in ts_k)
        for ns in sorted({x[0] for x in plist}):
            pre = ('kube_namespace_labels{namespace="%s",label_team="team-%s"} 1 '
                   % (ns, ns[-1]))
            out.extend("%s%d\n" % (pre, t) for t in ts_k)
        seen = set()
        for ns, dep, pod, i in plist:
            if (ns, dep) in seen:
                continue
            seen.add((ns, dep))
            pre = ('kube_replicaset_owner{namespace="%s",replicaset='
                   '"%s-5d8f7c9b6",owner_kind="Deployment",owner_name="%s"} 1 '
                   % (ns, dep, dep))
            out.extend("%s%d\n" % (pre, t) for t in ts_k)
        n += len(out)
        f.write("".join(out))
        f.write("# EOF\n")
    return n


def generate(work, data, pods, days, end):
    """Generates the cluster into TSDB blocks under data. promtool re-reads
    its whole input for every 2-hour block it writes, so the series are
    written and backfilled one 2-hour slice at a time (two promtool processes
    at once), which makes the backfill linear in the data instead of
    quadratic. Returns (namespaces, samples, MiB of OpenMetrics)."""
    nns, plist = pod_list(pods)
    t0 = end - days * 86400 - 3600
    a = t0 - t0 % 7200
    running, samples, size, k = [], 0, 0, 0
    os.makedirs(data, exist_ok=True)

    def reap(block):
        while running and (block or len(running) >= 2):
            p, om, out = running.pop(0)
            if p.wait() != 0:
                raise SystemExit("promtool failed on %s" % om)
            for d in os.listdir(out):
                os.rename(os.path.join(out, d), os.path.join(data, d))
            os.rmdir(out)
            os.unlink(om)
            block = False
    while a <= end:
        om = os.path.join(work, "slice-%04d.om" % k)
        samples += write_slice(om, plist, t0, a, min(a + 7200, end + 1))
        size += os.path.getsize(om)
        out = os.path.join(work, "part-%04d" % k)
        reap(False)
        running.append((subprocess.Popen(
            ["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q",
             om, out], stdout=subprocess.DEVNULL), om, out))
        a += 7200
        k += 1
    while running:
        reap(True)
    return nns, samples, size / MIB


def prom_cpu(prom):
    """Prometheus' CPU seconds so far (user + system)."""
    with open("/proc/%d/stat" % prom.proc.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(tool, args, prom):
    """Runs the tool once; its figures, or None (printed) when it failed."""
    load = os.getloadavg()[0]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t, c0 = time.time(), prom_cpu(prom)
    p = subprocess.run([tool] + args, capture_output=True, text=True)
    wall, pcpu = time.time() - t, prom_cpu(prom) - c0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        print("%s: exit %d: %s" % (tool, p.returncode, p.stderr.strip()))
        return None
    stats = [x for x in p.stderr.splitlines() if "stats:" in x]
    kv = dict(x.split("=", 1) for x in stats[0].split()[2:]) if stats else {}
    return {"load": load, "wall": wall, "prom": pcpu,
            "cpu": (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime),
            "rss": int(kv.get("peak_rss_kib", 0)) / 1024.0,
            "queries": kv.get("queries", "?"), "pods": kv.get("pods", "?")}


def medians(figures):
    """The median of each figure per tool, and tool / reference."""
    med = {}
    for name, runs in figures.items():
        if not runs:
            continue
        med[name] = {k: statistics.median(r[k] for r in runs)
                     for k in ("load", "wall", "prom", "cpu", "rss")}
        m = med[name]
        print("median %-9s (%d runs, load %.2f): wall %.2f s, Prometheus CPU %.1f s, "
              "tool CPU %.2f s, peak RSS %.1f MiB"
              % (name, len(runs), m["load"], m["wall"], m["prom"], m["cpu"],
                 m["rss"]))
    if len(med) == 2:
        t, r = med["tool"], med["reference"]
        print("tool / reference: wall %.2f, Prometheus CPU %.2f, tool CPU %.2f, "
              "peak RSS %.2f" % (t["wall"] / r["wall"], t["prom"] / r["prom"],
                                 t["cpu"] / r["cpu"], t["rss"] / r["rss"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--pods", type=int, default=2000)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--keep")
    ap.add_argument("--extra", default="")
    ap.add_argument("--window")
    ap.add_argument("--reference")
    ap.add_argument("--reference-extra", default="")
    a = ap.parse_args()
    tool = os.path.abspath(a.tool)
    work = a.keep or tempfile.mkdtemp(prefix="finops-bench-")
    os.makedirs(work, exist_ok=True)
    stamp = os.path.join(work, "END")
    prom = None
    try:
        data = os.path.join(work, "data")
        if os.path.exists(stamp) and os.path.isdir(data):
            end = int(open(stamp).read())
            print("reusing %s (end %d)" % (data, end))
        else:
            shutil.rmtree(data, ignore_errors=True)
            end = (int(time.time()) // 3600) * 3600 - 3600
            t = time.time()
            nns, n, mib = generate(work, data, a.pods, a.days, end)
            print("generated and backfilled %d pods in %d namespaces over %d "
                  "days: %d samples (%.0f MiB of OpenMetrics) in %.0f s"
                  % (a.pods, nns, a.days, n, mib, time.time() - t),
                  flush=True)
            with open(stamp, "w") as f:
                f.write(str(end))
        t = time.time()
        prom = harness.Prometheus(work, None)
        print("Prometheus ready in %.1f s" % (time.time() - t), flush=True)
        print("finops-report --window %dd over %d pods, concurrency %d:"
              % (a.days, a.pods, a.concurrency))
        window = a.window or "%dd" % a.days
        args = ["--prometheus", prom.url, "--window", window,
                "--end", str(end), "--rate-window", "20m", "--resolution",
                "5m", "--concurrency", str(a.concurrency), "--stats", "-q",
                "-f", "json", "-o", os.path.join(work, "report.json"),
                "--allow-incomplete"]
        tools = [("tool", tool, args + a.extra.split())]
        if a.reference:
            tools.insert(0, ("reference", os.path.abspath(a.reference),
                             args + a.reference_extra.split()))
        figures = {name: [] for name, _, _ in tools}
        for run in range(a.runs):
            for name, path, targs in tools:
                fig = one_run(path, targs, prom)
                if fig is None:
                    continue
                figures[name].append(fig)
                print("run %d %-9s load %4.2f: wall %6.2f s, %s queries, peak RSS "
                      "%.1f MiB, Prometheus CPU %5.1f s, tool CPU %5.2f s, %s pods"
                      "  (targets < 30 s, < 64 MiB: %s)"
                      % (run + 1, name, fig["load"], fig["wall"], fig["queries"],
                         fig["rss"], fig["prom"], fig["cpu"], fig["pods"],
                         "met" if fig["wall"] < 30 and fig["rss"] < 64 else
                         "MISSED"), flush=True)
        medians(figures)
    finally:
        if prom:
            prom.close()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
