"""The test cluster, as series a kube-state-metrics + cAdvisor + OffreAPI
scrape would have produced, over the 24 hours before END plus a 2-hour
lead-in. Usage is piecewise constant on whole hours, so percentiles and the
hourly max(request, usage) costs can be computed by hand (EXPECTED below).

Pods:
  shop/api-5d8f7c9b6-x2x9q   over-provisioned API (1 CPU, 512 Mi requested,
                             ~2 % CPU and ~140 MiB used), like the original's
  data/postgres-0            right-sized database (StatefulSet, 10 GiB PVC)
  batch/worker-7c9d8b6f5-abcde  under-provisioned, OOM-killed 3 times
  shop/web-6b7c8d9f4-aaaaa, -bbbbb  Deployment web under an HPA (CPU 70 %)
  shop/legacy-6d5c4b3a2-zzzzz  requests but no usage series
"""
from harness import Series, MIB, GIB

HOUR = 3600
WINDOW = 24 * HOUR
LEAD = 2 * HOUR
STEP = 60


def pieces(end, segs):
    """segs: [(hours, value)] covering the window from END-24h; the lead-in
    repeats the first value. Returns t -> value."""
    start = end - WINDOW
    bounds = []
    t = start
    for hours, v in segs:
        bounds.append((t + hours * HOUR, v))
        t += hours * HOUR
    assert t == end, segs

    def fn(ts):
        for b, v in bounds:
            if ts < b:
                return v
        return bounds[-1][1]
    return fn


def counter(end, rate_fn):
    """A counter whose per-second rate is rate_fn(t) (piecewise constant on
    whole minutes)."""
    cache = {}
    t0 = end - WINDOW - LEAD

    def fn(ts):
        if ts in cache:
            return cache[ts]
        acc = 0.0
        t = t0
        prev = max(k for k in cache if k <= ts) if cache else None
        if prev is not None:
            acc, t = cache[prev], prev
        while t < ts:
            acc += rate_fn(t) * STEP
            t += STEP
        cache[ts] = acc
        return acc
    return fn


CONTAINERS = {
    # key: (ns, pod, container, owner (kind, name), rs, cpu_req, mem_req,
    #       mem_limit, cpu segments, mem segments)
    "api": ("shop", "api-5d8f7c9b6-x2x9q", "api", "ReplicaSet",
            "api-5d8f7c9b6", "Deployment", "api", 1.0, 512 * MIB, 512 * MIB,
            [(20, 0.02), (4, 0.028)], [(20, 140 * MIB), (4, 150 * MIB)],
            {"app": "api", "tier": "frontend"}),
    "db": ("data", "postgres-0", "postgres", "StatefulSet", None,
           "StatefulSet", "postgres", 0.5, 1 * GIB, 1 * GIB,
           [(10, 0.30), (11, 0.40), (3, 0.46)],
           [(21, 800 * MIB), (3, 880 * MIB)], {"app": "postgres"}),
    "worker": ("batch", "worker-7c9d8b6f5-abcde", "worker", "ReplicaSet",
               "worker-7c9d8b6f5", "Deployment", "worker", 0.25, 256 * MIB,
               320 * MIB, [(10, 0.2), (14, 0.3)],
               [(10, 240 * MIB), (14, 300 * MIB)], {"app": "worker"}),
    "web-a": ("shop", "web-6b7c8d9f4-aaaaa", "web", "ReplicaSet",
              "web-6b7c8d9f4", "Deployment", "web", 0.5, 256 * MIB, None,
              [(8, 0.08), (13, 0.10), (3, 0.14)],
              [(21, 170 * MIB), (3, 180 * MIB)], {"app": "web"}),
    "web-b": ("shop", "web-6b7c8d9f4-bbbbb", "web", "ReplicaSet",
              "web-6b7c8d9f4", "Deployment", "web", 0.5, 256 * MIB, None,
              [(8, 0.08), (13, 0.10), (3, 0.14)],
              [(21, 170 * MIB), (3, 180 * MIB)], {"app": "web"}),
    "legacy": ("shop", "legacy-6d5c4b3a2-zzzzz", "legacy", "ReplicaSet",
               "legacy-6d5c4b3a2", "Deployment", "legacy", 0.1, 128 * MIB,
               None, None, None, {"app": "legacy"}),
}

REQUESTS_TOTAL = 288000      # offerapi_http_requests_total increase in shop
APPLICATIONS_TOTAL = 120     # offerapi_applications_received_total increase


def build(end):
    """Returns the list of Series for a scenario ending at END (a multiple of
    an hour)."""
    s = []
    const = lambda v: (lambda t: v)
    for key, c in CONTAINERS.items():
        (ns, pod, ctr, okind, oname, ckind, cname, creq, mreq, mlim, cseg,
         mseg, labels) = c
        base = {"namespace": ns, "pod": pod, "container": ctr}
        for res, v, unit in (("cpu", creq, "core"), ("memory", mreq, "byte")):
            s.append(Series("kube_pod_container_resource_requests",
                            dict(base, resource=res, unit=unit,
                                 node="node-1"), const(v)))
        if mlim:
            s.append(Series("kube_pod_container_resource_limits",
                            dict(base, resource="memory", unit="byte",
                                 node="node-1"), const(mlim)))
        s.append(Series("kube_pod_owner",
                        {"namespace": ns, "pod": pod, "owner_kind": okind,
                         "owner_name": oname if oname else cname,
                         "owner_is_controller": "true"}, const(1)))
        if oname:
            s.append(Series("kube_replicaset_owner",
                            {"namespace": ns, "replicaset": oname,
                             "owner_kind": ckind, "owner_name": cname,
                             "owner_is_controller": "true"}, const(1)))
        lab = {"namespace": ns, "pod": pod}
        lab.update({"label_" + k: v for k, v in labels.items()})
        s.append(Series("kube_pod_labels", lab, const(1)))
        if cseg:
            cpu_rate = pieces(end, cseg)
            s.append(Series("container_cpu_usage_seconds_total",
                            dict(base, id="/kubepods/" + pod + "/" + ctr,
                                 image="img"), counter(end, cpu_rate)))
            mem = pieces(end, mseg)
            if key == "worker":
                # a 5-minute spike to 318 MiB at hour 20, just before the OOM
                spike_at = end - WINDOW + 20 * HOUR - 10 * 60
                base_mem = mem
                mem = (lambda t, b=base_mem, a=spike_at:
                       318 * MIB if a <= t < a + 300 else b(t))
            s.append(Series("container_memory_working_set_bytes",
                            dict(base, id="/kubepods/" + pod + "/" + ctr,
                                 image="img"), mem))
        # cAdvisor's pause container and the pod-level cgroup must be ignored
        if key == "api":
            s.append(Series("container_memory_working_set_bytes",
                            {"namespace": ns, "pod": pod, "container": "POD"},
                            const(900 * MIB)))
            s.append(Series("container_memory_working_set_bytes",
                            {"namespace": ns, "pod": pod},
                            const(999 * MIB)))
    # the worker's OOM kills: restarts 0 -> 3 at hours 20, 21, 22
    w0 = end - WINDOW
    wl = {"namespace": "batch", "pod": "worker-7c9d8b6f5-abcde",
          "container": "worker"}
    s.append(Series("kube_pod_container_status_restarts_total", wl,
                    lambda t: 0 if t < w0 + 20 * HOUR else
                    1 if t < w0 + 21 * HOUR else
                    2 if t < w0 + 22 * HOUR else 3))
    s.append(Series("kube_pod_container_status_last_terminated_reason",
                    dict(wl, reason="OOMKilled"),
                    lambda t: None if t < w0 + 20 * HOUR else 1))
    # the database's volume
    s.append(Series("kube_pod_spec_volumes_persistentvolumeclaims_info",
                    {"namespace": "data", "pod": "postgres-0",
                     "persistentvolumeclaim": "data-postgres-0",
                     "volume": "data"}, const(1)))
    s.append(Series("kube_persistentvolumeclaim_resource_requests_storage_"
                    "bytes", {"namespace": "data",
                              "persistentvolumeclaim": "data-postgres-0"},
                    const(10 * GIB)))
    # the HPA on Deployment web
    hl = {"namespace": "shop", "horizontalpodautoscaler": "web"}
    s.append(Series("kube_horizontalpodautoscaler_info",
                    dict(hl, scaletargetref_kind="Deployment",
                         scaletargetref_name="web",
                         scaletargetref_api_version="apps/v1"), const(1)))
    s.append(Series("kube_horizontalpodautoscaler_spec_target_metric",
                    dict(hl, metric_name="cpu",
                         metric_target_type="utilization"), const(70)))
    s.append(Series("kube_horizontalpodautoscaler_spec_min_replicas", hl,
                    const(2)))
    s.append(Series("kube_horizontalpodautoscaler_spec_max_replicas", hl,
                    const(10)))
    # OffreAPI's own counters, scraped from the API pod
    al = {"namespace": "shop", "pod": "api-5d8f7c9b6-x2x9q", "job": "offerapi"}
    t0 = end - WINDOW - LEAD
    s.append(Series("offerapi_http_requests_total",
                    dict(al, method="GET", path="/offers", status="200"),
                    lambda t: (t - t0) * REQUESTS_TOTAL / WINDOW))
    s.append(Series("offerapi_applications_received_total", al,
                    lambda t: (t - t0) * APPLICATIONS_TOTAL / WINDOW))
    return s


# ---- what the scenario implies, by hand (default pricing, GiB) ----------
# CPU cost = sum over 24 hours of max(request, usage) * 0.02;
# RAM cost = sum over hours of max(request, usage) GiB * 0.01.
EXPECTED = {
    "api": dict(p50=0.02, p95=0.028, max=0.028, mem_max=150 * MIB,
                cpu_rec=0.03, mem_rec=176 * MIB,
                # (1 - 0.03) * 0.02 * 720 + (512 - 176) / 1024 * 0.01 * 720
                savings=13.968 + 2.3625, severity="high",
                # 24 core-h * 0.02 = 0.48; 12 GiB-h * 0.01 = 0.12
                cost_cpu=0.48, cost_ram=0.12),
    "db": dict(p50=0.40, p95=0.46, max=0.46, mem_max=880 * MIB,
               cpu_rec=0.46, mem_rec=1012 * MIB,
               # 0.04 * 0.02 * 720 + 12 / 1024 * 0.01 * 720
               savings=0.576 + 0.084375, severity="ok",
               cost_cpu=0.24, cost_ram=0.24),
    "worker": dict(p50=0.3, p95=0.3, max=0.3, mem_max=318 * MIB,
                   cpu_rec=0.3, mem_rec=368 * MIB,
                   # -0.05 * 0.02 * 720 - 112 / 1024 * 0.01 * 720
                   savings=-0.72 - 0.7875, severity="risk",
                   # 10 h * 0.25 + 14 h * 0.3 = 6.7 core-h
                   cost_cpu=0.134, cost_ram=None),
    "web-a": dict(p50=0.10, p95=0.14, max=0.14, mem_max=180 * MIB,
                  # HPA at 70 %: 0.14 / 0.7 = 0.2
                  cpu_rec=0.2, mem_rec=208 * MIB,
                  # 0.3 * 0.02 * 720 + 48 / 1024 * 0.01 * 720
                  savings=4.32 + 0.3375, severity="medium",
                  cost_cpu=0.24, cost_ram=0.06),
}
# 10 GiB for 24 h at 0.03 per GiB-month: 10 * 24 / 720 * 0.03
PV_COST_DB = 0.01
# legacy: requests only: 2.4 core-h * 0.02 + 3 GiB-h * 0.01
COST_LEGACY = 0.048 + 0.03
# shop = api + 2 web + legacy
COST_SHOP = 0.60 + 2 * 0.30 + COST_LEGACY


# ---- a rollout: one replica, replaced halfway through the window ----------
# Deployment roll/api: pod api-5d8f7c9b6-aaaaa runs from the lead-in until
# hour 12, pod api-7f6e5d4c3-bbbbb (the new ReplicaSet) from a minute after
# hour 12 to the end, so that each has 12 of the 24 hourly samples. Same spec
# and usage as the scenario's API pod, at a constant 0.028 CPU and 150 MiB:
# recommended 30m and 176 Mi, saving 16.3305 per month for one replica.
ROLLOUT_PODS = (("api-5d8f7c9b6-aaaaa", "api-5d8f7c9b6", 0, 12 * HOUR),
                ("api-7f6e5d4c3-bbbbb", "api-7f6e5d4c3", 12 * HOUR + 60,
                 WINDOW))
ROLLOUT_SAVINGS_ONE_REPLICA = 13.968 + 2.3625
# each pod: 12 core-h * 0.02 + 12 * 0.5 GiB-h * 0.01 = 0.30 over the window;
# together 0.60 over 24 h, 18.0 per month: one replica's cost
ROLLOUT_COST = 0.60


def build_rollout(end):
    w0 = end - WINDOW
    s = []
    for pod, rs, t_from, t_to in ROLLOUT_PODS:
        a = w0 + t_from if t_from else w0 - LEAD
        b = w0 + t_to

        def alive(v, a=a, b=b):
            return lambda t: v(t) if a <= t < b or (b == end and t == b) \
                else None
        base = {"namespace": "roll", "pod": pod, "container": "api"}
        for res, v, unit in (("cpu", 1.0, "core"),
                             ("memory", 512 * MIB, "byte")):
            s.append(Series("kube_pod_container_resource_requests",
                            dict(base, resource=res, unit=unit,
                                 node="node-1"), alive(lambda t, v=v: v)))
        s.append(Series("kube_pod_owner",
                        {"namespace": "roll", "pod": pod,
                         "owner_kind": "ReplicaSet", "owner_name": rs,
                         "owner_is_controller": "true"},
                        alive(lambda t: 1)))
        s.append(Series("kube_replicaset_owner",
                        {"namespace": "roll", "replicaset": rs,
                         "owner_kind": "Deployment", "owner_name": "api",
                         "owner_is_controller": "true"},
                        alive(lambda t: 1)))
        s.append(Series("container_cpu_usage_seconds_total",
                        dict(base, id="/kubepods/" + pod + "/api",
                             image="img"),
                        alive(lambda t, a=a: 0.028 * (t - a))))
        s.append(Series("container_memory_working_set_bytes",
                        dict(base, id="/kubepods/" + pod + "/api",
                             image="img"), alive(lambda t: 150 * MIB)))
    return s


# ---- edition 2 (issue 17): teams, nodes, a tight and a young container ----
# 24 hours, every figure constant per container (so each is computed by hand
# below), on one node; the day before the window (the previous window of a
# 24 h report) holds the same pods with the "over" container requesting 2
# CPUs instead of 1.
#   team-a/over-7d9f8c6b5-aaaaa   Deployment over, pod label team=alpha:
#                                 1 CPU / 512Mi requested, 0.1 CPU and
#                                 150Mi (20 h) then 200Mi (4 h) used
#   team-a/right-0                StatefulSet right, pod label team=gamma:
#                                 0.5 CPU / 1Gi, 0.48 CPU and 880Mi used
#   team-b/under-6c5d4e3f2-bbbbb  Deployment under: 0.25 CPU / 256Mi
#                                 requested, 0.3 CPU and 300Mi used
#   team-b/tight-x7k2p            DaemonSet tight: 0.2 CPU / 200Mi, 0.05 CPU
#                                 and 180Mi used: memory max x 1.15 = 207Mi
#                                 -> 208Mi, just above its request
#   misc/young-5b4c3d2e1-ccccc    Deployment young, the last 3 hours only
# Namespaces team-a and team-b carry namespace label team=alpha / team=beta;
# misc has none. Node node-1: capacity 4 CPU / 8Gi, allocatable 3.5 / 7Gi.
E2 = {
    # key: ns, pod, container, (owner kind, owner name), replicaset owner
    #      (Deployment name) or None, cpu req, mem req, cpu use, mem use
    #      (segments), pod labels, alive from hour (None = all window)
    "over": ("team-a", "over-7d9f8c6b5-aaaaa", "app", "ReplicaSet",
             "over-7d9f8c6b5", "over", 1.0, 512 * MIB, 0.1,
             [(20, 150 * MIB), (4, 200 * MIB)], {"team": "alpha"}, None),
    "right": ("team-a", "right-0", "db", "StatefulSet", "right", None, 0.5,
              1 * GIB, 0.48, [(24, 880 * MIB)], {"team": "gamma"}, None),
    "under": ("team-b", "under-6c5d4e3f2-bbbbb", "app", "ReplicaSet",
              "under-6c5d4e3f2", "under", 0.25, 256 * MIB, 0.3,
              [(24, 300 * MIB)], {}, None),
    "tight": ("team-b", "tight-x7k2p", "agent", "DaemonSet", "tight", None,
              0.2, 200 * MIB, 0.05, [(24, 180 * MIB)], {}, None),
    "young": ("misc", "young-5b4c3d2e1-ccccc", "app", "ReplicaSet",
              "young-5b4c3d2e1", "young", 0.5, 256 * MIB, 0.1,
              [(24, 100 * MIB)], {}, 21),
}
E2_NS_LABELS = {"team-a": {"team": "alpha"}, "team-b": {"team": "beta"},
                "misc": {}}
E2_NODE = {"capacity": (4.0, 8 * GIB), "allocatable": (3.5, 7 * GIB)}
E2_PREV_OVER_CPU_REQ = 2.0


def build_edition2(end):
    """The edition-2 cluster over 48 hours before END plus a 2-hour lead-in:
    the window (24 h) and the previous window (24 h) before it."""
    w0 = end - WINDOW
    t0 = w0 - WINDOW - LEAD
    s = []
    for key, c in E2.items():
        (ns, pod, ctr, okind, oname, dep, creq, mreq, cuse, mseg, labels,
         from_h) = c
        a = w0 + from_h * HOUR + 60 if from_h is not None else t0

        def alive(fn, a=a):
            return lambda t: fn(t) if t >= a else None
        base = {"namespace": ns, "pod": pod, "container": ctr}
        if key == "over":
            cpu_req = (lambda t: E2_PREV_OVER_CPU_REQ if t < w0 else 1.0)
        else:
            cpu_req = (lambda t, v=creq: v)
        s.append(Series("kube_pod_container_resource_requests",
                        dict(base, resource="cpu", unit="core", node="node-1"),
                        alive(cpu_req)))
        s.append(Series("kube_pod_container_resource_requests",
                        dict(base, resource="memory", unit="byte",
                             node="node-1"), alive(lambda t, v=mreq: v)))
        s.append(Series("kube_pod_owner",
                        {"namespace": ns, "pod": pod, "owner_kind": okind,
                         "owner_name": oname, "owner_is_controller": "true"},
                        alive(lambda t: 1)))
        if dep:
            s.append(Series("kube_replicaset_owner",
                            {"namespace": ns, "replicaset": oname,
                             "owner_kind": "Deployment", "owner_name": dep,
                             "owner_is_controller": "true"},
                            alive(lambda t: 1)))
        lab = {"namespace": ns, "pod": pod}
        lab.update({"label_" + k: v for k, v in labels.items()})
        s.append(Series("kube_pod_labels", lab, alive(lambda t: 1)))
        s.append(Series("container_cpu_usage_seconds_total",
                        dict(base, id="/kubepods/" + pod, image="img"),
                        alive(lambda t, a=a, u=cuse: u * (t - a))))
        mem = pieces(end, mseg)
        s.append(Series("container_memory_working_set_bytes",
                        dict(base, id="/kubepods/" + pod, image="img"),
                        alive(lambda t, m=mem, b=mseg[0][1]:
                              b if t < w0 else m(t))))
        if key == "right":
            # a container split over two series at once (a second
            # kube-state-metrics, a stale cAdvisor cgroup, lower): read as
            # their maximum, point by point, so every figure stays as above
            s.append(Series("kube_pod_container_resource_requests",
                            dict(base, resource="cpu", unit="core",
                                 node="node-1", instance="ksm-2"),
                            alive(cpu_req)))
            s.append(Series("container_cpu_usage_seconds_total",
                            dict(base, id="/kubepods/" + pod + "/old",
                                 image="img"),
                            alive(lambda t, a=a: 0.2 * (t - a))))
            s.append(Series("container_memory_working_set_bytes",
                            dict(base, id="/kubepods/" + pod + "/old",
                                 image="img"), alive(lambda t: 600 * MIB)))
    for ns, labels in E2_NS_LABELS.items():
        lab = {"namespace": ns}
        lab.update({"label_" + k: v for k, v in labels.items()})
        s.append(Series("kube_namespace_labels", lab, lambda t: 1))
    for kind, (cpu, mem) in E2_NODE.items():
        for res, v, unit in (("cpu", cpu, "core"), ("memory", mem, "byte")):
            s.append(Series("kube_node_status_" + kind,
                            {"node": "node-1", "resource": res, "unit": unit},
                            lambda t, v=v: v))
    return s


# What edition 2 implies, by hand (default pricing: 0.02 per vCPU-hour, 0.01
# per GiB-hour, month = 720 h).
E2_EXPECTED = {
    # CPU 1 -> 0.1: (1 - 0.1) * 0.02 * 720 = 12.96 saved; memory max 200Mi
    # x 1.15 = 230 -> 232Mi: (512 - 232) / 1024 * 0.01 * 720 = 1.96875
    "over": dict(cpu_rec=0.1, mem_rec=232 * MIB, mem_p50=150 * MIB,
                 mem_max=200 * MIB, save_cpu=12.96, save_mem=1.96875,
                 extra_cpu=0.0, extra_mem=0.0, above=False, under=False,
                 # 24 h x (1 x 0.02 + 0.5 x 0.01)
                 cost=0.6),
    # 0.5 -> 0.48: 0.02 * 0.02 * 720 = 0.288; 880 x 1.15 = 1012Mi:
    # 12 / 1024 * 7.2 = 0.084375
    "right": dict(cpu_rec=0.48, mem_rec=1012 * MIB, mem_p50=880 * MIB,
                  mem_max=880 * MIB, save_cpu=0.288, save_mem=0.084375,
                  extra_cpu=0.0, extra_mem=0.0, above=False, under=False,
                  cost=0.48),
    # 0.25 -> 0.3: 0.05 * 0.02 * 720 = 0.72 more; 256 -> 300 x 1.15 = 345
    # -> 348Mi: 92 / 1024 * 7.2 = 0.646875 more
    "under": dict(cpu_rec=0.3, mem_rec=348 * MIB, mem_p50=300 * MIB,
                  mem_max=300 * MIB, save_cpu=0.0, save_mem=0.0,
                  extra_cpu=0.72, extra_mem=0.646875, above=True, under=True,
                  # 24 x (0.3 x 0.02 + 300/1024 x 0.01)
                  cost=24 * (0.006 + 300 / 1024 * 0.01)),
    # 0.2 -> 0.05: 0.15 * 14.4 = 2.16 saved; 200 -> 208Mi: 8 / 1024 * 7.2
    # = 0.05625 more, never netted into 2.10375
    "tight": dict(cpu_rec=0.05, mem_rec=208 * MIB, mem_p50=180 * MIB,
                  mem_max=180 * MIB, save_cpu=2.16, save_mem=0.0,
                  extra_cpu=0.0, extra_mem=0.05625, above=True, under=False,
                  cost=24 * (0.004 + 200 / 1024 * 0.01)),
    # 3 h x (0.5 x 0.02 + 0.25 x 0.01); not enough data: no recommendation
    "young": dict(cost=3 * (0.01 + 0.0025)),
}
E2_KEYS = {k: (v[0], v[1], v[2]) for k, v in E2.items()}
E2_SAVINGS = {"cpu": 12.96 + 0.288 + 2.16, "memory": 1.96875 + 0.084375}
E2_EXTRA = {"cpu": 0.72, "memory": 0.646875 + 0.05625}
# --group-by label:team: pod label first, then the namespace's, else
# "unlabelled"
E2_TEAMS = {"alpha": E2_EXPECTED["over"]["cost"],
            "gamma": E2_EXPECTED["right"]["cost"],
            "beta": E2_EXPECTED["under"]["cost"] + E2_EXPECTED["tight"]["cost"],
            "unlabelled": E2_EXPECTED["young"]["cost"]}
# Nodes over 24 h: allocatable 3.5 CPU x 0.02 x 24 = 1.68, 7 GiB x 0.01 x
# 24 = 1.68; capacity 1.92 and 1.92, so 0.48 reserved for the system.
E2_POD_CPU_COST = 24 * (0.02 + 0.01 + 0.006 + 0.004) + 3 * 0.01
E2_POD_RAM_COST = 24 * (0.005 + 0.01 + 300 / 1024 * 0.01 +
                        200 / 1024 * 0.01) + 3 * 0.0025
E2_IDLE = {"cpu": 1.68 - E2_POD_CPU_COST, "ram": 1.68 - E2_POD_RAM_COST}
E2_RESERVED = 0.48

# Trend, by hand. The window: the pods' cost (CPU 0.99, RAM 0.4846875); its
# average CPU request: (1 + 0.5 + 0.25 + 0.2) x 24 h + 0.5 x 3 h, over 24 h.
E2_WINDOW_COST = E2_POD_CPU_COST + E2_POD_RAM_COST
E2_WINDOW_CPU_REQ = (1.95 * 24 + 0.5 * 3) / 24
# The previous window: "over" requests 2 CPUs, no young pod. Prometheus 2.42
# reads a [1h] range with both ends, so the hour ending at the window's start
# averages 60 samples of 2 and one of 1 (121 / 61).
E2_PREV_CPU_COST = 0.02 * (23 * 2.0 + 121 / 61 + 24 * (0.5 + 0.3 + 0.2))
E2_PREV_RAM_COST = 24 * (0.005 + 0.01 + 300 / 1024 * 0.01 + 200 / 1024 * 0.01)
E2_PREV_COST = E2_PREV_CPU_COST + E2_PREV_RAM_COST
# The previous window's savings, by hand: "over" requested 2 CPUs and used
# 0.1 with 150Mi at most (the 200Mi came in the window): (2 - 0.1) x 0.02 x
# 720 = 27.36 and 150 x 1.15 = 172.5 -> 176Mi: (512 - 176) / 1024 x 7.2 =
# 2.3625; the other containers as in the window; no young pod yet.
E2_PREV_SAVINGS = {"cpu": 27.36 + 0.288 + 2.16, "memory": 2.3625 + 0.084375}
E2_PREV_EXTRA = {"cpu": 0.72, "memory": 0.646875 + 0.05625}
