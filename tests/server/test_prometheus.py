#!/usr/bin/env python3
"""test_prometheus.py - a real Prometheus (Debian's prometheus package)
scrapes offerapi-server on loopback; the test queries series back through
Prometheus' HTTP API. Fails when prometheus is not installed."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, apply_api, create_offer, fail, free_port, signup  # noqa: E402

T = Checker("server-prometheus")
prom = shutil.which("prometheus")
if not prom:
    fail("prometheus is not installed (apt-get install prometheus)")
srv = Server()
rec = signup(srv, "recruiter")
rec.token = rec.bearer
oid = create_offer(rec)
for _ in range(3):
    c = signup(srv, "candidate")
    c.token = c.bearer
    r = apply_api(c, oid)
    T.status(r, 201, "apply")
for _ in range(5):
    srv.client().get("/offers/%d" % oid)

tmp = tempfile.mkdtemp(prefix="offerapi-prom.")
port = free_port()
cfg = os.path.join(tmp, "prometheus.yml")
with open(cfg, "w") as f:
    f.write("global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
            "scrape_configs:\n"
            "  - job_name: offerapi\n"
            "    static_configs: [{targets: ['127.0.0.1:%d']}]\n" % srv.port)
log = open(os.path.join(tmp, "prometheus.log"), "wb")
p = subprocess.Popen([prom, "--config.file=" + cfg, "--storage.tsdb.path=" + os.path.join(tmp, "data"),
                      "--storage.tsdb.retention.time=1d", "--web.listen-address=127.0.0.1:%d" % port],
                     stdout=log, stderr=subprocess.STDOUT)


def query(q):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": q}))
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.load(resp)["data"]["result"]


try:
    result = []
    deadline = time.time() + 90  # a hang guard, not a timing assertion
    while time.time() < deadline:
        try:
            result = query('offerapi_applications_received_total{job="offerapi"}')
            if result:
                break
        except OSError:
            pass
        if p.poll() is not None:
            break
        time.sleep(0.5)
    T.check(bool(result), "Prometheus scraped offerapi_applications_received_total")
    if result:
        T.check(float(result[0]["value"][1]) == 3.0, "3 applications seen by Prometheus")
    res = query('offerapi_http_requests_total{path="/offers/{id}",method="GET",status="200"}')
    T.check(res and float(res[0]["value"][1]) >= 5, "route-template series queried back: %s" % res)
    res = query('up{job="offerapi"}')
    T.check(res and res[0]["value"][1] == "1", "target is up")
    res = query('histogram_quantile(0.99, sum by (le) (offerapi_http_request_duration_seconds_bucket))')
    T.check(bool(res), "histogram quantile computable")
finally:
    p.terminate()
    p.wait(timeout=30)
    log.close()
    srv.stop()
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
T.done()
