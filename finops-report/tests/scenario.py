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
