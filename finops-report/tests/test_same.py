#!/usr/bin/env python3
"""finops-same: the reports stay the same when the way they are collected
changes (fewer or other queries, another JSON path), and pod names that
several namespaces share are each read once.

A fixed cluster (FLEET: 3 namespaces of 36 Deployment pods whose CPU and
memory vary all day, a container split over two series, a young pod, team
labels, two nodes) is backfilled at fixed dates, so every figure of the
report is deterministic. The JSON and CSV reports of the tool are compared,
number for number, with the ones finops-report wrote at main 772e2b2 before
the collection was changed (tests/data/same.json and same.csv, written
by `test_same.py --regen OLD_TOOL`); only the fields naming the run
(generated_at, version, the Prometheus URL) are left out.

Then, the day after in the same Prometheus, three namespaces each hold a
StatefulSet whose 40 pods are named db-0 ... db-39: the trend's requests,
usage and cost, summed by hand, must equal the pods' (the first and second
editions read a pod again in every range query of its batch naming it, and
counted it up to three times in the trend: 105 CPUs requested for 70).
"""
import json
import math
import os
import sys

import harness
from harness import GIB, MIB, Series

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
END = 1790812800            # 2026-10-01T00:00:00Z
DAY = 86400
STEP = 300
DUP_END = END + DAY + 3600  # the shared-names cluster's window ends there
FLEET_NS = ("alpha", "beta", "gamma")
CPU_REQ = (0.1, 0.25, 0.5, 1.0)
MEM_REQ = (128 * MIB, 256 * MIB, 512 * MIB)
RUNS = {
    # name: (format, arguments): every feature on, then a CSV per container
    "json": ("json", ["--group-by", "label:team", "--share-idle"]),
    "csv": ("csv", ["--group-by", "container", "--strategy", "max"]),
}
# the shared names: namespace -> CPU request of each of its DUP_PODS pods
# db-0 ... db-39 (1 GiB, usage 0.05 CPU and 256Mi): 120 pods, more than a
# group of the hourly range queries (100), in one batch
DUP = {"x": 1.0, "y": 0.5, "z": 0.25}
DUP_PODS = 40


def cpu_counter(i, a):
    """A CPU counter: rate base * (1 + 0.5 sin(t / 5400 + i)) from a."""
    base = CPU_REQ[i % 4] * (0.05 + 0.9 * ((i * 37) % 100) / 100.0)

    def fn(t, c0=math.cos(a / 5400.0 + i)):
        if t < a:
            return None
        return base * ((t - a) - 2700.0 * (math.cos(t / 5400.0 + i) - c0))
    return fn


def fleet_pod(s, ns, k, i, t0):
    """One pod of the fleet: requests, owner, labels and usage."""
    dep = "%s-app-%d" % (ns, k // 9)
    pod = "%s-7f6d5c4b3-%03d" % (dep, k)
    a = END - 3 * 3600 + 60 if k == 35 else t0  # the young pod
    alive = (lambda fn: lambda t: fn(t) if a <= t <= END else None)
    # kube-state-metrics hourly (as the bench), cAdvisor every 5 minutes
    hourly = (lambda fn: lambda t: fn(t) if a <= t <= END and t % 3600 == 0 else None)
    base = {"namespace": ns, "pod": pod, "container": "app"}
    mem = MEM_REQ[(i // 4) % 3] * (0.2 + 0.9 * ((i * 53) % 100) / 100.0)
    for res, v, unit in (("cpu", CPU_REQ[i % 4], "core"),
                         ("memory", MEM_REQ[(i // 4) % 3], "byte")):
        s.append(Series("kube_pod_container_resource_requests",
                        dict(base, resource=res, unit=unit),
                        hourly(lambda t, v=v: v)))
    s.append(Series("kube_pod_container_resource_limits",
                    dict(base, resource="memory", unit="byte"),
                    hourly(lambda t, v=2 * MEM_REQ[(i // 4) % 3]: v)))
    s.append(Series("kube_pod_owner",
                    {"namespace": ns, "pod": pod, "owner_kind": "ReplicaSet",
                     "owner_name": dep + "-7f6d5c4b3"}, hourly(lambda t: 1)))
    lab = {"namespace": ns, "pod": pod, "label_app": dep}
    if k % 4 == 0:
        lab["label_team"] = "pod-team-%d" % (k % 3)
    s.append(Series("kube_pod_labels", lab, hourly(lambda t: 1)))
    s.append(Series("container_cpu_usage_seconds_total",
                    dict(base, id="/kubepods/" + pod), alive(cpu_counter(i, a))))
    s.append(Series("container_memory_working_set_bytes",
                    dict(base, id="/kubepods/" + pod),
                    alive(lambda t: int(mem * (0.85 + 0.15 * math.sin(
                        t / 7200.0 + i))))))
    if k == 7:  # a container split over two series at once
        s.append(Series("container_cpu_usage_seconds_total",
                        dict(base, id="/kubepods/" + pod + "/old"),
                        alive(lambda t: 0.01 * (t - t0))))
    return dep


def fleet(t0):
    """The fixed cluster over the window (24 h), the previous window and an
    hour."""
    s, deps, i = [], set(), 0
    for ns in FLEET_NS:
        for k in range(36):
            deps.add((ns, fleet_pod(s, ns, k, i, t0)))
            i += 1
        s.append(Series("kube_namespace_labels",
                        {"namespace": ns, "label_team": "team-" + ns[0]},
                        lambda t: 1 if t <= END else None))
    for ns, dep in sorted(deps):
        s.append(Series("kube_replicaset_owner",
                        {"namespace": ns, "replicaset": dep + "-7f6d5c4b3",
                         "owner_kind": "Deployment", "owner_name": dep},
                        lambda t: 1 if t <= END and t % 3600 == 0 else None))
    for kind, cpu, mem in (("capacity", 32, 64), ("allocatable", 31, 60)):
        for node in ("node-1", "node-2"):
            for res, v, unit in (("cpu", cpu, "core"),
                                 ("memory", mem * GIB, "byte")):
                s.append(Series("kube_node_status_" + kind,
                                {"node": node, "resource": res, "unit": unit},
                                lambda t, v=v: v if t <= END and t % 3600 == 0
                                else None))
    return s


def shared_names(t0):
    """db-0 ... db-39 in each of x, y and z, alive from t0 to DUP_END."""
    s = []
    for ns, creq in DUP.items():
        for pod in ("db-%d" % k for k in range(DUP_PODS)):
            base = {"namespace": ns, "pod": pod, "container": "db"}
            alive = (lambda v: lambda t: v if t0 <= t <= DUP_END else None)
            s.append(Series("kube_pod_container_resource_requests",
                            dict(base, resource="cpu", unit="core"),
                            alive(creq)))
            s.append(Series("kube_pod_container_resource_requests",
                            dict(base, resource="memory", unit="byte"),
                            alive(GIB)))
            s.append(Series("container_cpu_usage_seconds_total", base,
                            lambda t: 0.05 * (t - t0)
                            if t0 <= t <= DUP_END else None))
            s.append(Series("container_memory_working_set_bytes", base,
                            alive(256 * MIB)))
    return s


def normalised(rep):
    """The report without what names the run."""
    rep = dict(rep)
    for k in ("generated_at", "version", "sources"):
        rep.pop(k, None)
    return rep


def run_all(tool, prom, tmp):
    """{run name: output text} of the fixed cluster."""
    out = {}
    for name, (fmt, extra) in RUNS.items():
        path = os.path.join(tmp, "out." + name)
        r = harness.run_tool(tool, ["--prometheus", prom.url, "--window", "24h",
                                    "--end", str(END), "--resolution", "1m",
                                    "--allow-incomplete", "-q", "-f", fmt, "-o",
                                    path] + extra, out_file=path)
        if r.code != 0 or r.out is None:
            raise harness.Fail("%s: exit %d: %s" % (name, r.code, r.stderr))
        out[name] = r.out
    return out


def compare(ck, name, got, want):
    if name == "json":
        g, w = normalised(json.loads(got)), normalised(json.loads(want))
        diff = [k for k in sorted(set(g) | set(w)) if g.get(k) != w.get(k)]
        ck.check(not diff, "JSON report as at main 772e2b2, fields differing: %s"
                 % diff)
    else:
        ck.check(got == want, "%s report as at main 772e2b2" % name)


def shared_check(ck, tool, prom, tmp):
    path = os.path.join(tmp, "dup.json")
    r = harness.run_tool(tool, ["--prometheus", prom.url, "--window", "24h",
                                "--end", str(DUP_END), "--allow-incomplete",
                                "-q", "-f", "json", "-o", path], out_file=path)
    ck.check(r.code == 0, "shared names: exit 0: %d %s" % (r.code, r.stderr))
    rep = json.loads(r.out or "{}")
    n = len(DUP) * DUP_PODS
    ck.check(len(rep.get("pods", [])) == n, "shared names: %d pods" % n)
    w = (rep.get("trend") or {}).get("window") or {}
    # each pod once: 40 x (1 + 0.5 + 0.25) = 70 CPUs, 120 GiB, 120 x 0.05
    # CPU used; 24 h x (70 x 0.02 + 120 x 0.01) = 62.4
    cpu = DUP_PODS * sum(DUP.values())
    ck.near(w.get("cpu_request_cores"), cpu,
            "shared names: trend CPU request, each pod once")
    ck.near(w.get("memory_request_bytes"), n * GIB,
            "shared names: trend memory request")
    ck.near(w.get("cpu_usage_cores"), n * 0.05, "shared names: trend CPU usage")
    cost = 24 * (cpu * 0.02 + n * 0.01)
    ck.near((w.get("cost") or {}).get("total"), cost,
            "shared names: trend cost = 24 h x (70 x 0.02 + 120 x 0.01)")
    ck.near(rep.get("totals", {}).get("cost", {}).get("total"), cost,
            "shared names: the pods' cost")


def run(tmp, regen=None):
    ck = harness.Checker()
    om = os.path.join(tmp, "same.om")
    t0 = END - 2 * DAY - 3600
    harness.write_openmetrics(om, fleet(t0) + shared_names(END + 60),
                              t0, DUP_END, STEP)
    prom = harness.Prometheus(tmp, om)
    try:
        if regen:
            for name, text in run_all(regen, prom, tmp).items():
                with open(os.path.join(DATA, "same." + name), "w") as f:
                    f.write(text)
            print("wrote", DATA)
            return 0
        got = run_all(TOOL, prom, tmp)
        for name, text in got.items():
            with open(os.path.join(DATA, "same." + name)) as f:
                compare(ck, name, text, f.read())
        shared_check(ck, TOOL, prom, tmp)
    finally:
        prom.close()
    return ck.finish()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--regen":
        TOOL = None
        harness.main_wrapper(lambda tmp: run(tmp, os.path.abspath(sys.argv[2])))
    TOOL = os.path.abspath(sys.argv[1])
    harness.main_wrapper(run)
