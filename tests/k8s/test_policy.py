#!/usr/bin/env python3
"""OffreAPI's own policy over the rendered manifests (k8s/ and the
single-node overlay, rendered by render.py, which test_render.py checks
against kubectl kustomize), plus the Dockerfile's user.

  test_policy.py SOURCE_ROOT

Every container: requests and limits for cpu and memory (requests <=
limits), an image with an explicit tag that is not latest, the restricted
Pod Security settings (non-root, no privilege escalation, all capabilities
dropped, seccomp RuntimeDefault, read-only root file system, no host
namespaces or hostPath), no service account token; long-running containers
have readiness and liveness probes (the server also a startup probe, on
/readyz and /healthz). Every Service selector matches a pod template and
its target ports exist; every probe port exists; the ServiceMonitor selects
a Service and names one of its ports; PDB, HPA and NetworkPolicy selectors
and ports resolve; every Secret referenced exists with its key, in the base
and the overlay. No secret is shipped: the Secrets are generated
(secretGenerator) from the files k8s/make-secrets.sh writes, whose values
are 64 random hex digits, differ from each other and from every placeholder
the project ever shipped; no file of k8s/ holds a Secret or a placeholder,
and the generated files are git-ignored. The dashboards' ConfigMaps carry
grafana_dashboard="1" and the dashboards' JSON unchanged."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"}
errors = []


def err(where, msg):
    errors.append("%s: %s" % (where, msg))


def qty(v):
    """A Kubernetes quantity as a float (cores or bytes)."""
    s = str(v)
    m = re.fullmatch(r"([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?", s)
    if not m:
        raise ValueError("bad quantity %r" % s)
    mult = {None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
            "Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40}[m.group(2)]
    return float(m.group(1)) * mult


def pod_template(o):
    if o["kind"] == "Pod":
        return o.get("metadata", {}), o.get("spec", {})
    spec = o.get("spec", {})
    if o["kind"] == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    t = spec.get("template", {})
    return t.get("metadata", {}), t.get("spec", {})


def name_of(o):
    m = o.get("metadata", {})
    return "%s %s/%s" % (o.get("kind"), m.get("namespace", "-"), m.get("name"))


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_container(where, c, pod_sc, long_running, is_server):
    w = "%s container %s" % (where, c.get("name"))
    image = c.get("image", "")
    tag = image.rsplit("/", 1)[-1].partition(":")[2].partition("@")[0]
    if "@sha256:" not in image and (not tag or tag == "latest"):
        err(w, "image %r: give an explicit tag, not latest" % image)
    res = c.get("resources", {})
    for kind in ("requests", "limits"):
        for r in ("cpu", "memory"):
            if r not in res.get(kind, {}):
                err(w, "no %s.%s" % (kind, r))
    for r in ("cpu", "memory"):
        try:
            if r in res.get("requests", {}) and r in res.get("limits", {}) and \
                    qty(res["requests"][r]) > qty(res["limits"][r]):
                err(w, "%s request above its limit" % r)
        except ValueError as e:
            err(w, str(e))
    sc = c.get("securityContext", {})

    def eff(key):
        return sc.get(key, pod_sc.get(key))
    if eff("runAsNonRoot") is not True:
        err(w, "runAsNonRoot is not true")
    if eff("runAsUser") == 0:
        err(w, "runAsUser 0")
    if sc.get("allowPrivilegeEscalation") is not False:
        err(w, "allowPrivilegeEscalation is not false")
    if sc.get("privileged"):
        err(w, "privileged")
    if sc.get("readOnlyRootFilesystem") is not True:
        err(w, "readOnlyRootFilesystem is not true")
    caps = sc.get("capabilities", {})
    if "ALL" not in caps.get("drop", []):
        err(w, "capabilities do not drop ALL")
    if caps.get("add"):
        err(w, "adds capabilities %s" % caps["add"])
    if (eff("seccompProfile") or {}).get("type") != "RuntimeDefault":
        err(w, "seccompProfile is not RuntimeDefault")
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        p = c.get(probe)
        if not p:
            if long_running and (probe != "startupProbe" or is_server):
                err(w, "no %s" % probe)
            continue
        h = p.get("httpGet") or p.get("tcpSocket")
        if h:
            port = h.get("port")
            if isinstance(port, str) and port not in ports:
                err(w, "%s names port %r, which the container does not declare" % (probe, port))
            if isinstance(port, int) and port not in ports.values():
                err(w, "%s uses port %d, which the container does not declare" % (probe, port))
        elif not p.get("exec"):
            err(w, "%s has no handler" % probe)
    if is_server:
        paths = {k: (c.get(k) or {}).get("httpGet", {}).get("path") for k in
                 ("startupProbe", "readinessProbe", "livenessProbe")}
        if paths != {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}:
            err(w, "probes should be startup+readiness on /readyz, liveness on /healthz: %s" % paths)
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        listen = env.get("OFFERAPI_LISTEN", "")
        if not listen.endswith(":%s" % ports.get("http")):
            err(w, "OFFERAPI_LISTEN %r does not listen on the http port %s" % (listen, ports.get("http")))
    return ports


# Values the manifests once shipped in k8s/overlays/single-node/
# secrets.example.yaml: the server refuses them at start (not on loopback).
PLACEHOLDERS = ("FAKE-change-me-postgres-password", "FAKE-change-me-csrf-key-0000000000000000",
                "FAKE-sk-not-a-real-key")


def check_secrets(label, secrets):
    """Generated Secrets with make-secrets.sh's random values."""
    seen = {}
    for s in secrets:
        where = "%s %s" % (label, name_of(s))
        if s.get("stringData") or s.get("type", "Opaque") != "Opaque":
            err(where, "not a generated Secret (stringData or another type)")
        for key, value in render.secret_values(s).items():
            if key == "llm-api-key":
                continue  # the operator's own key, when given
            if not re.fullmatch(r"[0-9a-f]{64}", value):
                err(where, "key %s: not 64 random hex digits (make-secrets.sh)" % key)
            if any(p.lower() in value.lower() for p in PLACEHOLDERS + ("FAKE", "change-me")):
                err(where, "key %s: a placeholder value" % key)
            if value in seen:
                err(where, "key %s: the same value as %s" % (key, seen[value]))
            seen[value] = "%s/%s" % (name_of(s), key)
    names = {s["metadata"]["name"] for s in secrets}
    if names != {"offerapi-postgres", "offerapi-server"}:
        err(label, "Secrets %s, expected offerapi-postgres and offerapi-server" % sorted(names))


def check_source_secrets(src):
    """No Secret and no placeholder in the files of k8s/; the generated
    files are git-ignored and make-secrets.sh is there to make them."""
    k8s = os.path.join(src, "k8s")
    for d, _, files in os.walk(k8s):
        for f in files:
            if f.endswith(".env"):
                continue  # an operator's generated values (git-ignored)
            path = os.path.join(d, f)
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            rel = os.path.relpath(path, src)
            if re.search(r"^kind:\s*Secret\s*$", text, re.M):
                err(rel, "a Secret manifest in the repository (use the secretGenerator)")
            for p in PLACEHOLDERS:
                if p in text:
                    err(rel, "ships the placeholder %s" % p)
    ignore = os.path.join(k8s, "base", "secrets", ".gitignore")
    if not os.path.exists(ignore) or "*.env" not in open(ignore, encoding="utf-8").read().split():
        err("k8s/base/secrets", ".gitignore does not ignore *.env")
    if not os.access(os.path.join(k8s, "make-secrets.sh"), os.X_OK):
        err("k8s/make-secrets.sh", "missing or not executable")


def check(objs, src, overlay):
    label = "overlay" if overlay else "base"
    byk = {}
    for o in objs:
        byk.setdefault(o["kind"], []).append(o)
    pods = []  # (namespace, labels, {port name: number}, object)
    secrets = {(o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in byk.get("Secret", [])}
    for o in objs:
        if o["kind"] not in WORKLOADS:
            continue
        where = "%s %s" % (label, name_of(o))
        meta, spec = pod_template(o)
        pod_sc = spec.get("securityContext", {})
        if spec.get("automountServiceAccountToken") is not False:
            err(where, "automountServiceAccountToken is not false")
        for h in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(h):
                err(where, h)
        for v in spec.get("volumes", []):
            if "hostPath" in v:
                err(where, "hostPath volume %s" % v.get("name"))
        if o["kind"] in ("Deployment", "StatefulSet"):
            sel = o["spec"].get("selector", {}).get("matchLabels", {})
            if not matches(sel, meta.get("labels", {})):
                err(where, "selector does not match its own pod template")
        long_running = o["kind"] not in ("Job", "CronJob")
        is_server = o["kind"] == "Deployment" and o["metadata"]["name"] == "offerapi-server"
        ports = {}
        containers = spec.get("containers", []) + spec.get("initContainers", [])
        if not containers:
            err(where, "no containers")
        for c in containers:
            ports.update(check_container(where, c, pod_sc, long_running, is_server))
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if not ref:
                    continue
                s = secrets.get((o["metadata"].get("namespace"), ref["name"]))
                if not s and not ref.get("optional"):
                    err(where, "Secret %s is not in the %s" % (ref["name"], label))
                if s and not ref.get("optional") and ref["key"] not in render.secret_values(s):
                    err(where, "Secret %s has no key %s" % (ref["name"], ref["key"]))
        pods.append((o["metadata"].get("namespace"), meta.get("labels", {}), ports, o))
        if is_server:
            if o["spec"].get("replicas", 1) < (1 if overlay else 2):
                err(where, "fewer than 2 replicas")
            ru = o["spec"].get("strategy", {}).get("rollingUpdate", {})
            if o["spec"].get("strategy", {}).get("type") != "RollingUpdate" or ru.get("maxUnavailable") not in (0, "0%"):
                err(where, "rolling update must keep every replica available (maxUnavailable 0)")
        if o["kind"] == "StatefulSet":
            svc = [s for s in byk.get("Service", []) if s["metadata"]["name"] == o["spec"].get("serviceName")]
            if not svc or svc[0]["spec"].get("clusterIP") != "None":
                err(where, "serviceName is not a headless Service")
            for c in containers:
                env = {e["name"]: e.get("value") for e in c.get("env", [])}
                mounts = [m["mountPath"] for m in c.get("volumeMounts", [])]
                if "PGDATA" in env and not any(env["PGDATA"].startswith(m.rstrip("/") + "/") for m in mounts):
                    err(where, "PGDATA %s is not a subdirectory of a mounted volume" % env["PGDATA"])
        if o["kind"] == "CronJob":
            f = o["spec"].get("schedule", "").split()
            if len(f) != 5 or f[4] == "*":
                err(where, "schedule %r is not weekly" % o["spec"].get("schedule"))

    def pods_selected(ns, sel):
        return [p for p in pods if p[0] == ns and matches(sel, p[1])]

    services = {}
    for s in byk.get("Service", []):
        where = "%s %s" % (label, name_of(s))
        ns = s["metadata"].get("namespace")
        services[(ns, s["metadata"]["name"])] = s
        sel = s["spec"].get("selector", {})
        hit = pods_selected(ns, sel)
        if not hit:
            err(where, "selector %s matches no pod template" % sel)
        for p in s["spec"].get("ports", []):
            tp = p.get("targetPort", p.get("port"))
            for _, _, ports, w in hit:
                if isinstance(tp, str) and tp not in ports:
                    err(where, "targetPort %r is not a port of %s" % (tp, name_of(w)))
                if isinstance(tp, int) and tp not in ports.values():
                    err(where, "targetPort %d is not a port of %s" % (tp, name_of(w)))
        if s["spec"].get("type", "ClusterIP") != "ClusterIP":
            err(where, "type %s: only ClusterIP (the ingress controller exposes it)" % s["spec"]["type"])
    if not any(s["metadata"]["name"] == "offerapi-server" and
               any(p.get("name") == "http" for p in s["spec"]["ports"]) for s in byk.get("Service", [])):
        err(label, "no Service offerapi-server with a port named http")

    for sm in byk.get("ServiceMonitor", []):
        where = "%s %s" % (label, name_of(sm))
        nss = sm["spec"].get("namespaceSelector", {}).get("matchNames", [sm["metadata"].get("namespace")])
        sel = sm["spec"].get("selector", {}).get("matchLabels", {})
        hit = [s for (ns, _), s in services.items() if ns in nss and matches(sel, s["metadata"].get("labels", {}))]
        if not hit:
            err(where, "selects no Service")
        for ep in sm["spec"].get("endpoints", []):
            for s in hit:
                if ep.get("port") not in [p.get("name") for p in s["spec"]["ports"]]:
                    err(where, "endpoint port %r is not a port of %s" % (ep.get("port"), name_of(s)))
    if not byk.get("ServiceMonitor"):
        err(label, "no ServiceMonitor")

    for pdb in byk.get("PodDisruptionBudget", []):
        if not pods_selected(pdb["metadata"].get("namespace"), pdb["spec"].get("selector", {}).get("matchLabels", {})):
            err("%s %s" % (label, name_of(pdb)), "selects no pods")
    for hpa in byk.get("HorizontalPodAutoscaler", []):
        ref = hpa["spec"]["scaleTargetRef"]
        if not any(o["kind"] == ref["kind"] and o["metadata"]["name"] == ref["name"] for o in objs):
            err("%s %s" % (label, name_of(hpa)), "scaleTargetRef %s/%s does not exist" % (ref["kind"], ref["name"]))
        if not any(m.get("resource", {}).get("name") == "cpu" for m in hpa["spec"].get("metrics", [])):
            err("%s %s" % (label, name_of(hpa)), "does not scale on CPU")
    for kind in ("PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "CronJob", "StatefulSet"):
        if not byk.get(kind):
            err(label, "no %s" % kind)

    nps = byk.get("NetworkPolicy", [])
    if not any(n["spec"].get("podSelector") == {} and set(n["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
               and not n["spec"].get("ingress") and not n["spec"].get("egress") for n in nps):
        err(label, "no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)")
    for n in nps:
        where = "%s %s" % (label, name_of(n))
        sel = n["spec"].get("podSelector", {}).get("matchLabels", {})
        hit = pods_selected(n["metadata"].get("namespace"), sel) if sel else pods
        if sel and not hit:
            err(where, "podSelector matches no pod template")
        for rule in n["spec"].get("ingress", []):
            for p in rule.get("ports", []):
                if isinstance(p.get("port"), str) and not all(p["port"] in h[2] for h in hit):
                    err(where, "ingress port %r is not a port of every selected pod" % p["port"])

    for ns in byk.get("Namespace", []):
        labels = ns["metadata"].get("labels", {})
        if labels.get("pod-security.kubernetes.io/enforce") != "restricted":
            err("%s %s" % (label, name_of(ns)), "does not enforce the restricted Pod Security Standard")
    if not byk.get("Namespace"):
        err(label, "no Namespace")

    check_secrets(label, byk.get("Secret", []))

    dash_dir = os.path.join(src, "k8s", "base", "grafana", "dashboards")
    wanted = {f for f in os.listdir(dash_dir) if f.endswith(".json")}
    seen = set()
    for cm in byk.get("ConfigMap", []):
        if cm["metadata"].get("labels", {}).get("grafana_dashboard") != "1":
            continue
        for k, v in cm.get("data", {}).items():
            with open(os.path.join(dash_dir, k), encoding="utf-8") as f:
                if json.loads(v) != json.load(f):
                    err("%s %s" % (label, name_of(cm)), "%s differs from the dashboard file" % k)
            seen.add(k)
    if seen != wanted:
        err(label, "dashboards without a grafana_dashboard=\"1\" ConfigMap: %s" % sorted(wanted - seen))

    images = {c["image"] for o in objs if o["kind"] in WORKLOADS for c in pod_template(o)[1].get("containers", [])
              if "offerapi" in c["image"]}
    if len(images) != 1:
        err(label, "the server and finops-report should run the same image: %s" % sorted(images))


def check_dockerfile(src, objs):
    with open(os.path.join(src, "Dockerfile"), encoding="utf-8") as f:
        text = f.read()
    froms = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I)
    if len(froms) < 2 or any(not f[0].startswith("debian:bookworm-slim") for f in froms):
        err("Dockerfile", "expected a multi-stage build on debian:bookworm-slim: %s" % froms)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    if not users or not re.fullmatch(r"\d+(:\d+)?", users[-1]) or int(users[-1].split(":")[0]) < 10000:
        err("Dockerfile", "the last USER must be a numeric uid >= 10000: %s" % users)
    else:
        uid = int(users[-1].split(":")[0])
        for o in objs:
            if o["kind"] in WORKLOADS:
                for c in pod_template(o)[1].get("containers", []):
                    if "offerapi" in c["image"]:
                        ru = c.get("securityContext", {}).get("runAsUser", pod_template(o)[1].get("securityContext", {}).get("runAsUser"))
                        if ru != uid:
                            err(name_of(o), "runAsUser %s differs from the image's USER %d" % (ru, uid))
    if not os.path.exists(os.path.join(src, ".dockerignore")):
        err("Dockerfile", "no .dockerignore")


def main():
    src = sys.argv[1]
    k8s = render.prepared(src)
    base = render.build(k8s)
    overlay = render.build(os.path.join(k8s, "overlays", "single-node"))
    check_source_secrets(src)
    check(base, src, False)
    check(overlay, src, True)
    check_dockerfile(src, base)
    for e in errors:
        print("FAIL: " + e)
    print("%d + %d objects checked, %d problems" % (len(base), len(overlay), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
