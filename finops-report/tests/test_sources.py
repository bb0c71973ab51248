#!/usr/bin/env python3
"""finops-report against recorded Kubecost/OpenCost allocation responses served
by a fake server on loopback (with idle, unallocated, null values and several
pods), their error shapes, a timeout, 503-then-success, bearer and basic auth,
a custom CA over HTTPS, and Prometheus error shapes (a proxy in front of the
real Prometheus adds warnings, errors and 503s). Also checks that --help lists
every flag, the exit codes and the environment variables.

Usage: test_sources.py PATH/TO/finops-report
"""
import base64
import email.utils
import json
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import scenario  # noqa: E402

TOOL = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "data", "kubecost-allocation.json")) as f:
    RECORDED = f.read()
TOKEN = "s3cret-T0ken-never-printed"
PASSWORD = "pa55-never-printed"


def routes(prom_url):
    def ok(h, rest, n):
        if not rest.startswith("/model/allocation?"):
            return h.reply(404, '{"code":404,"message":"not found"}')
        h.reply(200, RECORDED)

    def opencost(h, rest, n):
        if not rest.startswith("/allocation?"):
            return h.reply(404, "404 page not found\n", "text/plain")
        h.reply(200, RECORDED)

    def err400(h, rest, n):
        h.reply(400, '{"code":400,"message":"invalid window: bad format"}')

    def err500text(h, rest, n):
        h.reply(500, "internal error: boom\n", "text/plain")

    def code_in_body(h, rest, n):
        h.reply(200, '{"code":500,"message":"kubecost is warming up"}')

    def notjson(h, rest, n):
        h.reply(200, "<html><body>login</body></html>", "text/html")

    def nodata(h, rest, n):
        h.reply(200, '{"code":200}')

    def slow(h, rest, n):
        time.sleep(3)
        try:
            h.reply(200, RECORDED)
        except OSError:
            pass

    def flaky(h, rest, n):
        if n <= 2:
            return h.reply(503, "upstream not ready\n", "text/plain")
        h.reply(200, RECORDED)

    def down(h, rest, n):
        h.reply(503, '{"code":503,"message":"unavailable"}')

    def bearer(h, rest, n):
        if h.headers.get("Authorization") != "Bearer " + TOKEN:
            return h.reply(401, '{"code":401,"message":"unauthorized"}')
        h.reply(200, RECORDED)

    def proxy(h, rest, extra=None):
        with urllib.request.urlopen(prom_url + rest, timeout=30) as r:
            body = json.loads(r.read())
        if extra:
            body.update(extra)
        h.reply(200, json.dumps(body))

    def pwarn(h, rest, n):
        proxy(h, rest, {"warnings": ["results truncated due to limit"]})

    def pbad(h, rest, n):
        h.reply(400, json.dumps({"status": "error", "errorType": "bad_data",
                                 "error": "invalid parameter \"query\""}))

    def p503(h, rest, n):
        if n <= 2:
            return h.reply(503, "Service Unavailable\n", "text/plain",
                           [("Retry-After", "0")])
        proxy(h, rest)

    def phtml(h, rest, n):
        h.reply(200, "<html>proxy login</html>", "text/html")

    def pbasic(h, rest, n):
        want = "Basic " + base64.b64encode(
            ("analyst:" + PASSWORD).encode()).decode()
        if h.headers.get("Authorization") != want:
            return h.reply(401, "Unauthorized\n", "text/plain")
        proxy(h, rest)

    def pslow(h, rest, n):
        time.sleep(3)
        try:
            proxy(h, rest)
        except OSError:
            pass

    def pdeep(h, rest, n):
        # a million nested arrays under a key the tool does not know, in the
        # range query answer it scans itself (the rest: real answers)
        if not rest.startswith("/api/v1/query_range"):
            return proxy(h, rest)
        deep = 1000000
        h.reply(200, '{"status":"success","x":' + "[" * deep + "]" * deep +
                ',"data":{"resultType":"matrix","result":[]}}')

    def kdate(h, rest, n):
        # Retry-After as an HTTP-date (in the past: "now"), on every try
        h.reply(503, '{"code":503,"message":"unavailable"}',
                headers=[("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")])

    def kfuture(h, rest, n):
        # Retry-After as an HTTP-date 3 s ahead, then success
        if n <= 1:
            return h.reply(503, '{"code":503,"message":"busy"}', headers=[
                ("Retry-After",
                 email.utils.formatdate(time.time() + 3, usegmt=True))])
        h.reply(200, RECORDED)

    return {"ok": ok, "oc": opencost, "err400": err400,
            "err500text": err500text, "codebody": code_in_body,
            "notjson": notjson, "nodata": nodata, "slow": slow,
            "flaky": flaky, "down": down, "bearer": bearer, "pwarn": pwarn,
            "pbad": pbad, "p503": p503, "phtml": phtml, "pbasic": pbasic,
            "pslow": pslow, "pdeep": pdeep, "kdate": kdate,
            "kfuture": kfuture}


def make_cert(tmp):
    key, crt = os.path.join(tmp, "key.pem"), os.path.join(tmp, "crt.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise harness.Fail("openssl req failed: " + r.stderr)
    return key, crt


def run(tmp):
    ck = harness.Checker()
    end = (int(time.time()) // 3600) * 3600 - 86400
    om = os.path.join(tmp, "scenario.om")
    harness.write_openmetrics(om, scenario.build(end),
                              end - scenario.WINDOW - scenario.LEAD, end, 60)
    prom = harness.Prometheus(tmp, om)
    fake = tls = None
    try:
        fake = harness.FakeServer(routes(prom.url))
        base = ["--window", "24h", "--end", str(end), "--retry-delay",
                "0.05", "-f", "json"]

        def tool(*args, env=None):
            r = harness.run_tool(TOOL, base + list(args), env=env)
            r.json = None
            if r.stdout.strip():
                try:
                    r.json = json.loads(r.stdout)
                except ValueError:
                    pass
            return r

        def pods(r):
            return {p["pod"]: p for p in r.json["pods"]}

        # ---- Kubecost with Prometheus: Kubecost's costs are used ---------
        r = tool("--prometheus", prom.url, "--kubecost", fake.url + "/ok")
        ck.check(r.code == 3, "kubecost+prometheus exit 3: %d %s"
                 % (r.code, r.stderr))
        ps = pods(r)
        ck.check(r.json["sources"]["cost_source"] == "kubecost", "source")
        ck.near(ps["api-5d8f7c9b6-x2x9q"]["cost"]["total"], 0.91,
                "api cost from Kubecost")
        ck.check(ps["api-5d8f7c9b6-x2x9q"]["cost_source"] == "kubecost",
                 "api cost_source kubecost")
        ck.near(ps["postgres-0"]["cost"]["pv"], 0.03, "pv cost from Kubecost")
        ck.near(ps["api-5d8f7c9b6-x2x9q"]["efficiency"]["total"], 0.072118,
                "efficiency from Kubecost")
        ck.check(ps["worker-7c9d8b6f5-abcde"]["efficiency"]["cpu"] is None,
                 "null efficiency stays null")
        # savings are still priced by the pricing model
        api_c = ps["api-5d8f7c9b6-x2x9q"]["containers"][0]
        ck.near(api_c["savings_month"]["total"], scenario.EXPECTED["api"]["savings"],
                "savings priced by the model")
        ck.check(api_c["cost"]["cpu"] is None,
                 "no container cost from a pod-level allocation")
        # the null-cost pod keeps the pricing model's cost, with a warning
        ck.near(ps["legacy-6d5c4b3a2-zzzzz"]["cost"]["total"],
                scenario.COST_LEGACY, "null Kubecost cost -> pricing model")
        ck.check(ps["legacy-6d5c4b3a2-zzzzz"]["cost_source"] ==
                 "pricing-model", "legacy cost_source")
        inc = " | ".join(r.json["incomplete"])
        ck.check("ghost-7f7f7f7f7f-qqqqq" in ps and "ghost" in inc,
                 "pod only Kubecost knows is listed and flagged")
        ck.check("null values" in inc, "null costs flagged")
        ck.near(r.json["totals"]["idle"]["total"], 2.0, "idle cost")
        ck.near(r.json["totals"]["unallocated"]["total"], 0.3, "unallocated")
        # 0.91 + 0.75 + 0.3 + 0.45 * 2 + 0.078 (model) + 0.174
        ck.near(r.json["totals"]["cost"]["total"],
                0.91 + 0.75 + 0.3 + 0.9 + scenario.COST_LEGACY + 0.174,
                "total cost mixes Kubecost and the model per pod")
        hits = fake.hits("ok")
        ck.check(len(hits) == 1, "one allocation request")
        q = urllib.parse.parse_qs(urllib.parse.urlparse(hits[0][0]).query)
        win = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end - 86400)) + \
            "," + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end))
        ck.check(q.get("window") == [win] and q.get("aggregate") == ["pod"]
                 and q.get("accumulate") == ["true"],
                 "allocation query parameters: %s" % q)
        r = tool("--prometheus", prom.url, "--kubecost", fake.url + "/ok",
                 "-n", "data")
        ck.check(r.code == 0 and list(pods(r)) == ["postgres-0"],
                 "namespace filter applies to Kubecost: %d %s"
                 % (r.code, list(pods(r)) if r.json else r.stderr))

        # ---- Kubecost alone ----------------------------------------------
        r = tool("--kubecost", fake.url + "/ok")
        ps = pods(r)
        ck.check(r.code == 3 and len(ps) == 7, "Kubecost only: 7 pods, exit 3"
                 " (null costs): %d %d" % (r.code, len(ps)))
        ck.near(r.json["totals"]["cost"]["total"], 0.91 + 0.75 + 0.3 + 0.9 +
                0.174, "Kubecost-only total (null cost counts nothing)")
        ck.check(ps["postgres-0"]["controller_kind"] == "StatefulSet",
                 "controller kind from Kubecost")
        r = tool("--kubecost", fake.url + "/ok", "-l", "app=web")
        ck.check(r.code == 0 and sorted(pods(r)) == ["web-6b7c8d9f4-aaaaa",
                                                     "web-6b7c8d9f4-bbbbb"],
                 "label selector on Kubecost labels")
        for fmt in ("table", "csv", "markdown", "html"):
            r = harness.run_tool(TOOL, base[:-2] + ["-f", fmt, "--kubecost",
                                                    fake.url + "/ok"])
            ck.check(r.code == 3 and "postgres-0" in r.stdout,
                     "Kubecost-only %s output" % fmt)
        r = tool("--kubecost", fake.url + "/oc", "--opencost")
        ck.check(r.code == 3 and len(pods(r)) == 7 and
                 fake.hits("oc")[0][0].startswith("/allocation?"),
                 "OpenCost /allocation")

        # ---- error shapes --------------------------------------------------
        for route, want in (("err400", "invalid window: bad format"),
                            ("err500text", "HTTP 500: internal error: boom"),
                            ("codebody", "kubecost is warming up"),
                            ("notjson", "not JSON"),
                            ("nodata", "no \"data\""),
                            ("nosuchroute", "HTTP 404")):
            r = tool("--kubecost", fake.url + "/" + route, "--retries", "0")
            ck.check(r.code == 1 and want in r.stderr and
                     (fake.url + "/" + route) in r.stderr,
                     "%s -> exit 1 naming URL and '%s': %s"
                     % (route, want, r.stderr.strip()))
        r = tool("--kubecost", fake.url + "/slow", "--timeout", "1")
        ck.check(r.code == 1 and "timed out after 1 s" in r.stderr and
                 fake.url + "/slow" in r.stderr, "timeout: " + r.stderr)
        r = tool("--kubecost", fake.url + "/flaky", "--retries", "3")
        ck.check(r.code == 3 and len(fake.hits("flaky")) == 3,
                 "503, 503, then success: %d, %d hits"
                 % (r.code, len(fake.hits("flaky"))))
        r = tool("--kubecost", fake.url + "/down", "--retries", "2")
        ck.check(r.code == 1 and "HTTP 503: unavailable" in r.stderr and
                 len(fake.hits("down")) == 3,
                 "bounded retries: 3 tries then exit 1: %s" % r.stderr)

        # ---- auth: token from env or file, never printed --------------------
        r = tool("--kubecost", fake.url + "/bearer",
                 env={"FINOPS_KUBECOST_TOKEN": TOKEN})
        ck.check(r.code == 3, "bearer token from env: %d %s"
                 % (r.code, r.stderr))
        tf = os.path.join(tmp, "token")
        with open(tf, "w") as f:
            f.write(TOKEN + "\n")
        r = tool("--kubecost", fake.url + "/bearer", "--kubecost-token-file",
                 tf, "-f", "table")
        ck.check(r.code == 3, "bearer token from file")
        ck.check(TOKEN not in r.stdout + r.stderr, "token never printed")
        r = tool("--kubecost", fake.url + "/bearer",
                 env={"FINOPS_KUBECOST_TOKEN": "wrong-" + TOKEN})
        ck.check(r.code == 1 and "HTTP 401" in r.stderr and
                 TOKEN not in r.stdout + r.stderr, "wrong token -> 1, hidden")
        r = tool("--kubecost", fake.url + "/bearer", "--kubecost-token-file",
                 os.path.join(tmp, "missing"))
        ck.check(r.code == 1 and "missing" in r.stderr, "missing token file")
        ck.check(any(a == "Bearer " + TOKEN for _, a in fake.hits("bearer")),
                 "token sent as an Authorization: Bearer header")

        # ---- Prometheus error shapes ----------------------------------------
        r = tool("--prometheus", fake.url + "/pwarn")
        ck.check(r.code == 3 and any("results truncated" in w for w in
                                     r.json["incomplete"]),
                 "Prometheus warnings -> incomplete, exit 3")
        r = tool("--prometheus", fake.url + "/pwarn", "-n", "data")
        ck.check(r.code == 3, "warnings alone make the data incomplete")
        r = tool("--prometheus", fake.url + "/pbad")
        ck.check(r.code == 1 and "bad_data" in r.stderr and
                 fake.url + "/pbad/api/v1/" in r.stderr,
                 "Prometheus 400 error envelope: " + r.stderr)
        r = tool("--prometheus", fake.url + "/p503", "-n", "data")
        ck.check(r.code == 0 and len(fake.hits("p503")) > 3,
                 "Prometheus 503 twice then fine: %d %s" % (r.code, r.stderr))
        r = tool("--prometheus", fake.url + "/phtml")
        ck.check(r.code == 1 and "not a Prometheus API response" in r.stderr,
                 "HTML instead of JSON: " + r.stderr)
        r = tool("--prometheus", fake.url + "/pbasic", "--prometheus-user",
                 "analyst", "-n", "data",
                 env={"FINOPS_PROMETHEUS_PASSWORD": PASSWORD})
        ck.check(r.code == 0 and PASSWORD not in r.stdout + r.stderr,
                 "basic auth: %d %s" % (r.code, r.stderr))
        pf = os.path.join(tmp, "pass")
        with open(pf, "w") as f:
            f.write(PASSWORD)
        r = tool("--prometheus", fake.url + "/pbasic", "--prometheus-user",
                 "analyst", "--prometheus-password-file", pf, "-n", "data")
        ck.check(r.code == 0, "basic auth password from file")
        r = tool("--prometheus", fake.url + "/pbasic", "-n", "data")
        ck.check(r.code == 1 and "HTTP 401" in r.stderr, "no auth -> 401")
        r = tool("--prometheus", fake.url + "/pslow", "--timeout", "1")
        ck.check(r.code == 1 and "timed out" in r.stderr, "Prometheus timeout")
        r = tool("--prometheus", prom.url, "-n", "data",
                 env={"FINOPS_PROMETHEUS_TOKEN": TOKEN})
        ck.check(r.code == 0, "token env accepted by Prometheus")

        # ---- a pathological answer: deep nesting is refused, no crash -------
        r = tool("--prometheus", fake.url + "/pdeep", "-n", "data")
        ck.check(r.code == 1 and "deeper than 512 levels" in r.stderr and
                 fake.url + "/pdeep/api/v1/query_range" in r.stderr,
                 "1M nested arrays -> exit 1 naming the URL (not a crash): "
                 "%d %s" % (r.code, r.stderr[-500:]))

        # ---- Retry-After as an HTTP-date keeps the back-off ----------------
        t0 = time.monotonic()
        r = tool("--kubecost", fake.url + "/kdate", "--retries", "3",
                 "--retry-delay", "0.2")
        took = time.monotonic() - t0
        ck.check(r.code == 1 and len(fake.hits("kdate")) == 4,
                 "date Retry-After: 4 tries then exit 1: %d, %d hits"
                 % (r.code, len(fake.hits("kdate"))))
        # a date already past means "now", which must not turn the
        # back-off off: at least 0.2 + 0.4 + 0.8 s (a lower bound only)
        ck.check(took >= 1.4, "date Retry-After: retries spaced by the "
                 "back-off, %.3f s >= 1.4 s" % took)
        t0 = time.monotonic()
        r = tool("--kubecost", fake.url + "/kfuture", "--retries", "1",
                 "--retry-delay", "0.01")
        took = time.monotonic() - t0
        ck.check(r.code == 3 and len(fake.hits("kfuture")) == 2,
                 "future date Retry-After then success: %d, %d hits"
                 % (r.code, len(fake.hits("kfuture"))))
        # the date is 3 s ahead, rounded down to the second: >= 1 s waited
        ck.check(took >= 1.0, "Retry-After date honoured: %.3f s >= 1 s"
                 % took)

        # ---- a password in a URL is sent, never shown -----------------------
        host = fake.url.split("://", 1)[1]
        cred = "http://analyst:%s@%s" % (PASSWORD, host)
        masked = "http://analyst:***@%s" % host
        r = tool("--prometheus", cred + "/pbasic", "-n", "data")
        ck.check(r.code == 0, "basic auth from the URL's userinfo: %d %s"
                 % (r.code, r.stderr))
        ck.check(PASSWORD not in r.stdout + r.stderr,
                 "URL password not in the JSON report nor stderr")
        ck.check(r.json and r.json["sources"]["prometheus"] ==
                 masked + "/pbasic", "JSON sources show user:***@: %s"
                 % (r.json and r.json["sources"]))
        for fmt in ("table", "markdown", "html", "csv"):
            r = harness.run_tool(TOOL, base[:-2] + [
                "-f", fmt, "--prometheus", cred + "/pbasic", "-n", "data",
                "--kubecost", cred + "/ok"])
            ck.check(r.code in (0, 3) and PASSWORD not in r.stdout + r.stderr,
                     "URL password not in the %s report: %d" % (fmt, r.code))
            if fmt == "html":  # (the table cuts its source line)
                ck.check(masked + "/pbasic" in r.stdout and masked + "/ok"
                         in r.stdout, "html source line masked: "
                         + r.stdout[:400])
            if fmt == "table":
                ck.check("http://analyst:***@" in r.stdout,
                         "table source line masked: " + r.stdout[:400])
        r = tool("--prometheus", cred + "/pbad")
        ck.check(r.code == 1 and masked + "/pbad/api/v1/" in r.stderr and
                 PASSWORD not in r.stdout + r.stderr,
                 "Prometheus error names the masked URL: " + r.stderr)
        r = tool("--kubecost", cred + "/err400", "--retries", "0")
        ck.check(r.code == 1 and masked + "/err400" in r.stderr and
                 PASSWORD not in r.stdout + r.stderr,
                 "Kubecost error names the masked URL: " + r.stderr)
        r = tool("--kubecost", cred + "/down", "--retries", "0")
        ck.check(r.code == 1 and "HTTP 503" in r.stderr and
                 masked + "/down" in r.stderr and PASSWORD not in r.stderr,
                 "HTTP error names the masked URL: " + r.stderr)
        r = tool("--kubecost", "http://%s@%s/ok" % (TOKEN, host))
        ck.check(r.code == 3 and TOKEN not in r.stdout + r.stderr and
                 r.json["sources"]["kubecost"] == "http://***@%s/ok" % host,
                 "a bare userinfo (a token?) is masked whole: %s"
                 % (r.json and r.json["sources"]))

        # ---- text options must be UTF-8 (JSON cannot carry anything else) ---
        r = tool("--prometheus", prom.url, "-n", "data", "--currency",
                 "E\udcffR")
        ck.check(r.code == 1 and "--currency" in r.stderr and
                 "UTF-8" in r.stderr and not r.stdout,
                 "non-UTF-8 --currency -> exit 1: %d %s" % (r.code, r.stderr))
        bpf = os.path.join(tmp, "latin1.conf")
        with open(bpf, "wb") as f:
            f.write(b"currency = E\xffR\n")
        r = tool("--prometheus", prom.url, "-n", "data", "--pricing", bpf)
        ck.check(r.code == 1 and "UTF-8" in r.stderr,
                 "non-UTF-8 currency in a pricing file -> exit 1: %d %s"
                 % (r.code, r.stderr))
        r = tool("--prometheus", prom.url + "/\udcff", "-n", "data")
        ck.check(r.code == 1 and "--prometheus" in r.stderr and
                 "UTF-8" in r.stderr,
                 "non-UTF-8 URL -> exit 1: %d %s" % (r.code, r.stderr))

        # ---- custom CA over HTTPS -------------------------------------------
        key, crt = make_cert(tmp)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        tls = harness.FakeServer(routes(prom.url), ctx)
        https = tls.url
        r = tool("--kubecost", https + "/ok", "--cacert", crt)
        ck.check(r.code == 3 and len(pods(r)) == 7, "HTTPS with --cacert: %d %s"
                 % (r.code, r.stderr))
        r = tool("--kubecost", https + "/ok", "--retries", "0")
        ck.check(r.code == 1 and https in r.stderr and
                 "certificate" in r.stderr.lower(),
                 "HTTPS without the CA -> 1: " + r.stderr)

        # ---- --help lists every flag, exit code and variable ----------------
        r = harness.run_tool(TOOL, ["--help"])
        ck.check(r.code == 0, "--help exit 0")
        with open(os.path.join(HERE, "..", "options.c")) as f:
            flags = re.findall(r'^\s*\{ "([a-z][a-z-]+)", (?:0|\'[a-z]\'),',
                               f.read(), re.M)
        ck.check(len(flags) > 40, "found the option table")
        missing = [x for x in flags if "--" + x not in r.stdout]
        ck.check(not missing, "--help lists every flag; missing: %s" % missing)
        for word in ("Exit codes:", "  0  ", "  1  ", "  2  ", "  3  ",
                     "FINOPS_PROMETHEUS_URL", "FINOPS_KUBECOST_URL",
                     "FINOPS_PROMETHEUS_TOKEN", "FINOPS_KUBECOST_TOKEN",
                     "FINOPS_PROMETHEUS_PASSWORD", "FINOPS_KUBECOST_PASSWORD",
                     "NO_COLOR"):
            ck.check(word in r.stdout, "--help mentions " + word)
        r = harness.run_tool(TOOL, [])
        ck.check(r.code == 1 and "no source" in r.stderr, "no source -> 1")
        r = harness.run_tool(TOOL, ["--version"])
        ck.check(r.code == 0 and "finops-report" in r.stdout, "--version")
    finally:
        for s in (fake, tls):
            if s:
                s.close()
        prom.close()
    return ck.finish()


if __name__ == "__main__":
    harness.main_wrapper(run)
