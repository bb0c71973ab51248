#!/bin/bash
# scripts/cluster, as a reader of the README runs it: the topology comes up
# behind HAProxy on a throwaway PostgreSQL, serves the home page, applies
# through the front and sees the application scored by a worker, then stops
# everything on SIGINT.
# usage: test_cluster_script.sh SOURCE_ROOT BUILD_DIR
set -euo pipefail
src=$1 build=$2
fail() { echo "FAIL: cluster-script: $*" >&2; exit 1; }
# a base port with the 13 after it free (HAProxy, 3 servers, 2 workers)
port=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    base = random.randrange(20000, 30000)
    try:
        socks = []
        for p in range(base, base + 13):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
        print(base)
        break
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
PY
)
out=$(mktemp)
PORT=$port setsid "$src/scripts/cluster" "$build" >"$out" 2>&1 &
pid=$!
trap 'kill -INT -- -$pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 300); do grep -q 'Ctrl-C stops' "$out" && break; sleep 0.2; done
grep -q 'Ctrl-C stops' "$out" || { cat "$out"; fail "no banner"; }
echo "ok   banner: $(head -1 "$out")"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
[ "$code" = 200 ] || fail "home page through HAProxy: $code"
echo "ok   home page through HAProxy"
python3 - "$port" "$src" <<'PY' || fail "apply and score through the front"
import json, sys, time, urllib.request, uuid
sys.path.insert(0, sys.argv[2] + "/tests/server")
from serverlib import make_pdf, multipart
base = "http://127.0.0.1:%s" % sys.argv[1]
def call(method, path, body=None, token=None, ctype="application/json"):
    h = {"Content-Type": ctype}
    if token:
        h["Authorization"] = "Bearer " + token
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(base + path, data, h, method=method)) as r:
        return json.loads(r.read() or b"null")
def user(role):
    return call("POST", "/api/v1/users", {"login": role[:3] + uuid.uuid4().hex[:8], "display_name": role,
                "password": "staple-battery-horse-42", "role": role})["token"]
rec, cand = user("recruiter"), user("candidate")
oid = call("POST", "/api/v1/offers", {"title": "Développeur C", "description": "C et PostgreSQL",
           "skills": ["C"]}, rec)["offer"]["id"]
body, ct = multipart({}, {"cv": ("cv.pdf", make_pdf(["Développeur C, PostgreSQL"]), "application/pdf")})
aid = call("POST", "/api/v1/offers/%d/applications" % oid, body, cand, ct)["application"]["id"]
for _ in range(150):
    jobs = call("GET", "/api/v1/applications/%d/jobs" % aid, token=rec)["jobs"]
    if jobs and all(j["state"] == "done" for j in jobs):
        print("ok   application %d scored by the workers: %s" % (aid, sorted(j["scorer"] for j in jobs)))
        sys.exit(0)
    time.sleep(0.2)
print("jobs:", jobs)
sys.exit(1)
PY
kill -INT -- -"$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
kill -0 "$pid" 2>/dev/null && fail "still running 20 s after SIGINT"
grep -q 'cluster: stopped' "$out" || { cat "$out"; fail "did not say it stopped"; }
echo "ok   stopped on SIGINT"
