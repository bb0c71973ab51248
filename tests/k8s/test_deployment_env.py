#!/usr/bin/env python3
"""The server Deployment's own configuration starts the real server on a real
PostgreSQL, and its probes and shutdown behave as the manifest expects.

  with-postgresql.sh test_deployment_env.py SOURCE_ROOT SERVER_BINARY

Takes the container's env from the rendered single-node overlay (Secrets
resolved from the values k8s/make-secrets.sh made in a copy of k8s/), points the database URL's host at the
throwaway cluster of tests/with-postgresql.sh (PGPASSWORD from it: the URL
in the manifest carries no password, libpq reads the variable) and
OFFERAPI_LISTEN at a free loopback port; everything else is the manifest's.
Then: the startup probe's budget is enough for /readyz to answer 200,
/healthz answers, the scorers of OFFERAPI_SCORERS are loaded, the backend is
PostgreSQL; on SIGTERM /readyz turns 503 while the server still answers
(the drain), and the process exits 0 within terminationGracePeriodSeconds.
"""
import os
import re
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
sys.path.insert(0, HERE)
import render  # noqa: E402

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None, ""


def mount_secret_file(pod, c, secrets, path):
    """The file @path of a Secret volume the container mounts, written as
    the kubelet would (mode defaultMode) into a temporary folder; its path."""
    if not path:
        fail("OFFERAPI_DATA_KEY_FILE is not set: the server needs the CVs' data key")
    for m in c.get("volumeMounts", []):
        if path.startswith(m["mountPath"].rstrip("/") + "/"):
            vol = [v for v in pod["volumes"] if v["name"] == m["name"]][0]
            sec = vol.get("secret") or fail("volume %s is not a Secret" % m["name"])
            rel = path[len(m["mountPath"].rstrip("/")) + 1:]
            item = [i for i in sec.get("items", []) if i["path"] == rel]
            key = item[0]["key"] if item else rel
            v = secrets.get(sec["secretName"], {}).get(key)
            if v is None:
                fail("%s: Secret %s has no key %s" % (path, sec["secretName"], key))
            d = tempfile.mkdtemp(prefix="k8s-secret-")
            f = os.path.join(d, rel)
            with open(f, "w") as out:
                out.write(v)
            os.chmod(f, sec.get("defaultMode", 0o644))
            return f
    fail("%s is on no volume the container mounts" % path)


def main():
    src, server = sys.argv[1], os.path.abspath(sys.argv[2])
    pg = os.environ.get("OFFERAPI_TEST_PG_URL")
    if not pg:
        raise SystemExit("FAIL: run under tests/with-postgresql.sh (no OFFERAPI_TEST_PG_URL)")
    objs = render.build(os.path.join(render.prepared(src), "overlays", "single-node"))
    dep = [o for o in objs if o["kind"] == "Deployment" and o["metadata"]["name"] == "offerapi-server"][0]
    pod = dep["spec"]["template"]["spec"]
    c = [x for x in pod["containers"] if x["name"] == "server"][0]
    secrets = {o["metadata"]["name"]: render.secret_values(o) for o in objs if o["kind"] == "Secret"}
    env = {}
    for e in c.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
        else:
            ref = e["valueFrom"]["secretKeyRef"]
            v = secrets.get(ref["name"], {}).get(ref["key"])
            if v is None and not ref.get("optional"):
                fail("env %s: Secret %s/%s missing" % (e["name"], ref["name"], ref["key"]))
            if v is not None:
                env[e["name"]] = v

    u = urllib.parse.urlparse(env.get("OFFERAPI_DATABASE_URL", ""))
    if u.scheme != "postgresql" or u.password:
        fail("OFFERAPI_DATABASE_URL should be postgresql:// without a password: %s" % u.geturl())
    t = urllib.parse.urlparse(pg)
    env["OFFERAPI_DATABASE_URL"] = u._replace(netloc="%s@%s:%d" % (t.username, t.hostname, t.port),
                                              path="/" + t.path.lstrip("/")).geturl()
    env["PGPASSWORD"] = urllib.parse.unquote(t.password or "")
    port_http = [p["containerPort"] for p in c["ports"] if p["name"] == "http"][0]
    if env.get("OFFERAPI_LISTEN") != "0.0.0.0:%d" % port_http:
        fail("OFFERAPI_LISTEN %r is not 0.0.0.0:%d" % (env.get("OFFERAPI_LISTEN"), port_http))
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env["OFFERAPI_LISTEN"] = "127.0.0.1:%d" % port
    env["PATH"] = "/usr/bin:/bin"
    env["OFFERAPI_DATA_KEY_FILE"] = mount_secret_file(pod, c, secrets, env.get("OFFERAPI_DATA_KEY_FILE"))
    if os.environ.get("OFFERAPI_PLUGIN_DIR"):  # the build tree's plugins (the image has them installed)
        env["OFFERAPI_PLUGIN_DIR"] = os.environ["OFFERAPI_PLUGIN_DIR"]
    if os.environ.get("LD_LIBRARY_PATH"):
        env["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    print("env:", ", ".join("%s=%s" % (k, "***" if k in ("PGPASSWORD", "OFFERAPI_SECRET", "LLM_API_KEY") else v)
                            for k, v in sorted(env.items())))

    base = "http://127.0.0.1:%d" % port
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "k8s-deployment-env-%d.log" % os.getpid()), "w+")
    proc = subprocess.Popen([server] + c.get("args", []), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        sp = c["startupProbe"]
        budget = sp.get("periodSeconds", 10) * sp.get("failureThreshold", 3)
        end = time.time() + budget
        ready = False
        while time.time() < end and proc.poll() is None:
            if status(base + sp["httpGet"]["path"])[0] == 200:
                ready = True
                break
            time.sleep(0.2)
        if not ready:
            log.seek(0)
            raise SystemExit("FAIL: %s not 200 within the startup probe's %d s (exit %s): %s"
                             % (sp["httpGet"]["path"], budget, proc.poll(), log.read()[-1500:]))
        print("ok   startup probe %s: 200" % sp["httpGet"]["path"])
        for probe in ("readinessProbe", "livenessProbe"):
            path = c[probe]["httpGet"]["path"]
            st = status(base + path)[0]
            (print if st == 200 else fail)("%s %s %s: %s" % ("ok  " if st == 200 else "", probe, path, st))
        st, metrics = status(base + "/metrics")
        for name in env.get("OFFERAPI_SCORERS", "").split(","):
            if name and 'offerapi_scorer_info{scorer="%s"' % name not in metrics:
                fail("scorer %s of OFFERAPI_SCORERS is not loaded" % name)
        if 'backend="postgresql"' not in metrics:
            fail("the backend is not PostgreSQL: %s" % re.findall(r"offerapi_build_info\{[^}]*\}", metrics))
        else:
            print("ok   PostgreSQL backend with PGPASSWORD; scorers %s loaded" % env.get("OFFERAPI_SCORERS"))

        # SIGTERM: drain, then exit 0 within the grace period
        proc.send_signal(signal.SIGTERM)
        saw_503 = saw_alive = False
        grace = pod.get("terminationGracePeriodSeconds", 30)
        end = time.time() + grace
        while time.time() < end and proc.poll() is None:
            st = status(base + "/readyz")[0]
            if st == 503:
                saw_503 = True
                if status(base + "/healthz")[0] == 200:
                    saw_alive = True
            time.sleep(0.1)
        if proc.poll() is None:
            fail("still running after terminationGracePeriodSeconds (%d s)" % grace)
            proc.kill()
        elif proc.returncode != 0:
            fail("exit status %d after SIGTERM" % proc.returncode)
        if not (saw_503 and saw_alive):
            fail("during the drain /readyz should be 503 while the server still answers "
                 "(OFFERAPI_DRAIN_MS=%s)" % env.get("OFFERAPI_DRAIN_MS"))
        else:
            print("ok   SIGTERM: /readyz 503 while still serving, then exit 0 within %d s" % grace)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
        os.unlink(log.name)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
