#!/usr/bin/env python3
"""finops-report against a real Prometheus backfilled with the scenario of
scenario.py: figures checked against what the scenario implies, every output
format parsed back or checked for its key lines, filters, strategies,
pricing, and every exit code.

Usage: test_prometheus.py PATH/TO/finops-report
"""
import csv
import io
import json
import os
import sys
import time
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import scenario  # noqa: E402
from harness import MIB, GIB  # noqa: E402

TOOL = os.path.abspath(sys.argv[1])
DEFAULT_PRICING = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "..", "pricing.default.conf")
KEYS = {"api": ("shop", "api-5d8f7c9b6-x2x9q", "api"),
        "db": ("data", "postgres-0", "postgres"),
        "worker": ("batch", "worker-7c9d8b6f5-abcde", "worker"),
        "web-a": ("shop", "web-6b7c8d9f4-aaaaa", "web"),
        "web-b": ("shop", "web-6b7c8d9f4-bbbbb", "web"),
        "legacy": ("shop", "legacy-6d5c4b3a2-zzzzz", "legacy")}


def containers(report):
    out = {}
    for p in report["pods"]:
        for c in p["containers"]:
            out[(p["namespace"], p["pod"], c["container"])] = (p, c)
    return out


class TagCheck(HTMLParser):
    """Checks that every opened tag that must close does close, in order."""
    VOID = {"meta", "br", "img", "input", "link", "hr", "rect"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags = [], [], {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("unexpected </%s> (open: %s)" %
                               (tag, self.stack[-3:]))
        else:
            self.stack.pop()


def run(tmp):
    ck = harness.Checker()
    end = (int(time.time()) // 3600) * 3600 - 86400
    om = os.path.join(tmp, "scenario.om")
    harness.write_openmetrics(om, scenario.build(end),
                              end - scenario.WINDOW - scenario.LEAD, end, 60)
    prom = harness.Prometheus(tmp, om)
    try:
        base = ["--prometheus", prom.url, "--window", "24h", "--end",
                str(end), "--retry-delay", "0.05"]

        def tool(*args, fmt="json", env=None):
            out = os.path.join(tmp, "out")
            if os.path.exists(out):
                os.unlink(out)
            r = harness.run_tool(TOOL, base + ["-f", fmt, "-o", out] +
                                 list(args), env=env, out_file=out)
            if fmt == "json" and r.out and r.out.strip():
                r.json = json.loads(r.out)
            return r

        # ---- the scenario, JSON ------------------------------------------
        r = tool()
        ck.check(r.code == 3, "scenario exit code 3 (legacy has no usage): "
                 "%d %s" % (r.code, r.stderr))
        rep = r.json
        ck.check(rep["schema"] == "finops-report/2", "schema")
        ck.check(rep["exit_code"] == 3, "exit_code field")
        ck.check(rep["pricing"]["currency"] == "EUR", "currency")
        ck.check(rep["pricing"]["memory_unit"] == "GiB", "memory unit GiB")
        ck.check(rep["window"]["seconds"] == 86400, "window seconds")
        cs = containers(rep)
        ck.check(len(cs) == 6, "6 containers (POD and pod cgroup ignored): %s"
                 % sorted(cs))
        for key, exp in scenario.EXPECTED.items():
            p, c = cs[KEYS[key]]
            ck.near(c["cpu"]["p50_cores"], exp["p50"], key + " cpu p50",
                    rel=0.01)
            ck.near(c["cpu"]["p95_cores"], exp["p95"], key + " cpu p95",
                    rel=0.01)
            ck.near(c["cpu"]["max_cores"], exp["max"], key + " cpu max",
                    rel=0.01)
            ck.near(c["memory"]["max_bytes"], exp["mem_max"], key + " mem max")
            ck.near(c["cpu"]["recommended_cores"], exp["cpu_rec"],
                    key + " cpu recommended")
            ck.near(c["memory"]["recommended_bytes"], exp["mem_rec"],
                    key + " memory recommended")
            # per resource since issue 17: the positive part is a saving,
            # the negative part an extra cost (none of these mixes them)
            ck.near(c["savings_month"]["total"], max(exp["savings"], 0),
                    key + " savings/month")
            ck.near(c["extra_cost_month"]["cpu"] + c["extra_cost_month"]["memory"],
                    max(-exp["savings"], 0), key + " extra cost/month")
            ck.check(c["severity"] == exp["severity"], "%s severity %s != %s"
                     % (key, c["severity"], exp["severity"]))
            ck.near(c["cost"]["cpu"], exp["cost_cpu"], key + " cpu cost")
            if exp["cost_ram"] is not None:
                ck.near(c["cost"]["ram"], exp["cost_ram"], key + " ram cost")
        # the original's API pod: 1 CPU / 512 Mi, a few percent used
        p, c = cs[KEYS["api"]]
        ck.check(c["cpu"]["request_cores"] == 1.0, "api cpu request 1")
        ck.check(c["memory"]["request_bytes"] == 512 * MIB, "api 512Mi")
        ck.near(c["efficiency"]["cpu"], (20 * 0.02 + 4 * 0.028) / 24 / 1.0,
                "api cpu efficiency", rel=0.01)
        ck.check(p["controller_kind"] == "Deployment" and
                 p["controller"] == "api", "api controller via ReplicaSet")
        ck.near(p["cost"]["total"], 0.60, "api cost over 24h")
        ck.near(p["cost_month"], 18.0, "api cost per month")
        # the database: right-sized, StatefulSet, volume priced
        p, c = cs[KEYS["db"]]
        ck.check(p["controller_kind"] == "StatefulSet", "db StatefulSet")
        ck.near(p["cost"]["pv"], scenario.PV_COST_DB, "db PV cost")
        ck.check(c["risks"] == [], "db has no risk: %s" % c["risks"])
        # the OOM-killed worker
        p, c = cs[KEYS["worker"]]
        ck.check(c["oom_kills"] == 3, "worker OOM kills 3: %s" % c["oom_kills"])
        for risk in ("oom_killed", "memory_over_request", "cpu_over_request",
                     "memory_near_limit"):
            ck.check(risk in c["risks"], "worker risk " + risk)
        ck.check(c["efficiency"]["cpu"] > 1.0, "worker raw cpu eff > 100 %")
        ck.check(p["efficiency"]["cpu"] <= 1.0, "worker pod eff capped")
        # the HPA workload
        for k in ("web-a", "web-b"):
            p, c = cs[KEYS[k]]
            ck.check(p["hpa"] and p["hpa"]["name"] == "web" and
                     abs(p["hpa"]["cpu_target"] - 0.7) < 1e-9 and
                     p["hpa"]["min_replicas"] == 2, k + " hpa " + repr(p["hpa"]))
            ck.check("HPA web" in c["note"], k + " note says HPA")
        # the pod without usage series
        p, c = cs[KEYS["legacy"]]
        ck.check(c["missing_usage"] is True, "legacy missing_usage")
        ck.check(c["severity"] == "unknown", "legacy severity unknown")
        ck.check(c["cpu"]["recommended_cores"] is None, "legacy no rec")
        ck.near(p["cost"]["total"], scenario.COST_LEGACY, "legacy cost")
        ck.check(any("legacy" in w for w in rep["incomplete"]),
                 "incomplete names legacy")
        # totals
        t = rep["totals"]
        sav = sum(e["savings"] for e in scenario.EXPECTED.values()
                  if e["savings"] > 0) + scenario.EXPECTED["web-a"]["savings"]
        ck.near(t["savings_month"]["total"], sav, "total savings/month")
        ck.near(t["extra_cost_month"]["total"], 1.5075,
                "extra cost of fixing risks")
        ck.check(t["containers_at_risk"] == 1, "1 at risk")
        ck.check(t["containers_missing_usage"] == 1, "1 missing")
        # aggregation
        ctr = {(g["namespace"], g["kind"], g["name"]): g
               for g in rep["controllers"]}
        ck.check(len(ctr) == 5, "5 controllers: %s" % sorted(ctr))
        web = ctr.get(("shop", "Deployment", "web"))
        ck.check(web and web["pods"] == 2 and web["hpa"] is True, "web group")
        ck.near(web["savings_month"]["total"],
                2 * scenario.EXPECTED["web-a"]["savings"], "web group savings")
        nss = {g["namespace"]: g for g in rep["namespaces"]}
        ck.check(sorted(nss) == ["batch", "data", "shop"], "namespaces")
        ck.near(nss["shop"]["cost"]["total"], scenario.COST_SHOP, "shop cost")
        # unit economics
        u = {x["namespace"]: x for x in rep["unit_economics"]}
        ck.check("shop" in u, "unit economics for shop")
        if "shop" in u:
            ck.check(u["shop"]["requests"] == scenario.REQUESTS_TOTAL,
                     "requests counted")
            ck.check(u["shop"]["applications"] ==
                     scenario.APPLICATIONS_TOTAL, "applications counted")
            ck.near(u["shop"]["cost_per_1000_requests"],
                    scenario.COST_SHOP / (scenario.REQUESTS_TOTAL / 1000),
                    "cost per 1000 requests")
            ck.near(u["shop"]["cost_per_application"],
                    scenario.COST_SHOP / scenario.APPLICATIONS_TOTAL,
                    "cost per application")

        # ---- CSV, each grouping, parsed back -----------------------------
        r = tool(fmt="csv")
        rows = list(csv.DictReader(io.StringIO(r.out)))
        ck.check(len(rows) == 6, "csv: 6 container rows")
        api = [x for x in rows if x["container"] == "api"][0]
        ck.near(float(api["cpu_recommended_cores"]), 0.03, "csv api rec")
        ck.near(float(api["memory_recommended_bytes"]), 176 * MIB, "csv mem")
        ck.near(float(api["savings_month"]),
                scenario.EXPECTED["api"]["savings"], "csv savings")
        ck.check(api["currency"] == "EUR" and api["severity"] == "high",
                 "csv currency/severity")
        leg = [x for x in rows if x["container"] == "legacy"][0]
        ck.check(leg["cpu_recommended_cores"] == "", "csv unknown is empty")
        for g, n, col in (("pod", 6, "pod"), ("controller", 5, "name"),
                          ("namespace", 3, "name")):
            r = tool("--group-by", g, fmt="csv")
            rows = list(csv.DictReader(io.StringIO(r.out)))
            ck.check(len(rows) == n and all(col in x for x in rows),
                     "csv --group-by %s: %d rows" % (g, len(rows)))

        # ---- table ---------------------------------------------------------
        r = tool("--top", "0", fmt="table")
        lines = r.out.splitlines()
        for key in ("COST PER POD", "RIGHT-SIZING", "UNIT ECONOMICS",
                    "INCOMPLETE DATA", "api-5d8f7c9b6-x2x9q", "1000m->30m",
                    "512Mi->176Mi", "0.02 EUR/vCPU-h", "2^30 bytes", "16.33",
                    "risk", "OOM-killed 3"):
            ck.check(key in r.out, "table has " + key)
        ck.check(all(len(x) <= 80 for x in lines), "table fits 80 columns: %s"
                 % [x for x in lines if len(x) > 80])
        ck.check("\033[" not in r.out, "no colour when not a TTY")
        r = tool("--color", "always", fmt="table")
        ck.check("\033[1;31m" in r.out, "--color always colours risks")
        r = tool("--group-by", "controller", fmt="table")
        ck.check("COST PER CONTROLLER" in r.out and "shop/web" in r.out,
                 "table by controller")

        # ---- markdown --------------------------------------------------------
        r = tool(fmt="markdown")
        for key in ("# FinOps report", "## Method", "## Pricing",
                    "| CPU | 0.02 EUR per vCPU-hour |",
                    "| RAM | 0.01 EUR per GiB-hour |",
                    "| Storage | 0.03 EUR per GiB-month |",
                    "## Cost per pod", "## Over-provisioning",
                    "## Recommendations", "1000m -> 30m", "512Mi -> 176Mi",
                    "13.97 EUR | 2.36 EUR", "**risk**", "## Unit economics",
                    "## Incomplete data",
                    "| Efficiency CPU / RAM / total | 30% / 67% / 41% |"):
            ck.check(key in r.out, "markdown has " + key)

        # ---- HTML + SVG -------------------------------------------------------
        r = tool(fmt="html")
        tc = TagCheck()
        tc.feed(r.out)
        ck.check(not tc.errors and not tc.stack, "html well nested: %s %s"
                 % (tc.errors[:3], tc.stack))
        ck.check(tc.tags.get("svg", 0) == 4, "3 svg charts and the sparkline")
        ck.check(tc.tags.get("rect", 0) >= 6 + 2 * 12, "bars drawn")
        for key in ('id="rightsizing"', 'id="cost"', "request versus p95",
                    "Cost per month per pod", "api-5d8f7c9b6-x2x9q",
                    "0.02 EUR per vCPU-hour"):
            ck.check(key in r.out, "html has " + key)

        # ---- exit codes and thresholds --------------------------------------
        r = tool("--allow-incomplete")
        ck.check(r.code == 0, "--allow-incomplete -> 0: %d" % r.code)
        r = tool("-n", "data")
        ck.check(r.code == 0, "complete selection -> 0: %d %s" %
                 (r.code, r.stderr))
        r = tool("-n", "data", "--fail-if-savings-over", "0.5")
        ck.check(r.code == 2, "savings 0.66 > 0.5 -> 2: %d" % r.code)
        ck.check(r.json["thresholds"]["breached"] and
                 "savings" in r.json["thresholds"]["breached"][0],
                 "breach listed in JSON")
        ck.check("threshold breached" in r.stderr, "breach on stderr")
        # the document formats end alike: a heading, then one item a breach
        breach = r.json["thresholds"]["breached"][0]
        r = tool("-n", "data", "--fail-if-savings-over", "0.5", fmt="markdown")
        ck.check("\n## Thresholds breached\n\n- " in r.out and "## Incomplete data" not in r.out,
                 "markdown: breaches in a list, no empty incomplete section")
        r = tool("-n", "data", "--fail-if-savings-over", "0.5", fmt="html")
        tc = TagCheck()
        tc.feed(r.out)
        ck.check(not tc.errors and not tc.stack, "html with a breach well nested")
        ck.check("<h2>Thresholds breached</h2>\n<ul id=\"breached\" class=\"risk\">\n<li>"
                 in r.out and breach.split(" ")[0] in r.out and 'id="incomplete"' not in r.out,
                 "html: breaches in a list: %s" % r.out[-600:])
        r = tool("-n", "data", "--fail-if-savings-over", "1")
        ck.check(r.code == 0, "savings 0.66 <= 1 -> 0: %d" % r.code)
        r = tool("-n", "data", "--min-efficiency", "90")
        ck.check(r.code == 2, "--min-efficiency 90 -> 2: %d" % r.code)
        r = tool("-n", "data", "--min-efficiency", "10")
        ck.check(r.code == 0, "--min-efficiency 10 -> 0: %d" % r.code)
        r = tool("-n", "data", "--max-monthly-cost", "10")
        ck.check(r.code == 2, "--max-monthly-cost 10 (14.70) -> 2: %d" % r.code)
        r = tool("-n", "batch", "--fail-on-risk")
        ck.check(r.code == 2, "--fail-on-risk -> 2: %d" % r.code)
        r = tool("--fail-on-risk")
        ck.check(r.code == 2, "threshold wins over incomplete: %d" % r.code)
        r = tool("-n", "nosuch")
        ck.check(r.code == 3 and any("no pod matched" in w for w in
                                     r.json["incomplete"]),
                 "nothing matched -> 3: %d" % r.code)
        r = tool("--bogus")
        ck.check(r.code == 1, "bad flag -> 1")
        r = tool("--window", "24h", "--start", str(end - 86400))
        ck.check(r.code == 1, "--window with --start -> 1")
        dead = "http://127.0.0.1:%d" % harness.free_port()
        r = harness.run_tool(TOOL, ["--prometheus", dead, "--retries", "1",
                                    "--retry-delay", "0.01"])
        ck.check(r.code == 1 and dead + "/api/v1/" in r.stderr,
                 "unreachable -> 1 naming the URL: " + r.stderr)

        # ---- filters and window ---------------------------------------------
        def pods(r):
            return sorted(p["pod"] for p in r.json["pods"])
        r = tool("--namespace-regex", "sh.*")
        ck.check(len(pods(r)) == 4 and all(p["namespace"] == "shop"
                                           for p in r.json["pods"]),
                 "--namespace-regex sh.*: %s" % pods(r))
        r = tool("--namespace-regex", "sh")
        ck.check(pods(r) == [], "regex is anchored")
        r = tool("-n", "shop,data")
        ck.check(len(pods(r)) == 5, "-n shop,data: %s" % pods(r))
        r = tool("-n", "shop", "-n", "batch")
        ck.check(len(pods(r)) == 5, "-n twice: %s" % pods(r))
        r = tool("-l", "app=web")
        ck.check(pods(r) == ["web-6b7c8d9f4-aaaaa", "web-6b7c8d9f4-bbbbb"],
                 "-l app=web: %s" % pods(r))
        r = tool("-l", "app!=web,app")
        ck.check(len(pods(r)) == 4, "-l app!=web: %s" % pods(r))
        r = tool("--pod", "api-.*")
        ck.check(pods(r) == ["api-5d8f7c9b6-x2x9q"], "--pod api-.*")
        r = tool("--pod", "(")
        ck.check(r.code == 1 and "regex" in r.stderr, "bad regex -> 1")
        r = tool("-l", "app in (a)")
        ck.check(r.code == 1, "bad selector -> 1")
        r2 = harness.run_tool(TOOL, ["--prometheus", prom.url, "--start",
                                     str(end - 86400), "--end", str(end),
                                     "-f", "json"])
        j2 = json.loads(r2.stdout)
        ck.near(j2["totals"]["cost"]["total"], rep["totals"]["cost"]["total"],
                "--start/--end equals --window 24h")

        # ---- strategies, HPA, pricing ---------------------------------------
        r = tool("--no-hpa", "-l", "app=web")
        c = containers(r.json)[KEYS["web-a"]][1]
        ck.near(c["cpu"]["recommended_cores"], 0.14, "--no-hpa: p95 itself")
        r = tool("--strategy", "max", "--pod", "postgres-0")
        c = containers(r.json)[KEYS["db"]][1]
        ck.near(c["cpu"]["recommended_cores"], 0.46, "--strategy max")
        r = tool("--cpu-percentile", "50", "--pod", "api-.*")
        c = containers(r.json)[KEYS["api"]][1]
        ck.near(c["cpu"]["recommended_cores"], 0.02, "--cpu-percentile 50")
        r = tool("--cpu-percentile", "99", "--pod", "postgres-0")
        c = containers(r.json)[KEYS["db"]][1]
        ck.near(c["cpu"]["percentile_cores"], 0.46, "p99 queried", rel=0.01)
        r = tool("--memory-buffer", "30", "--cpu-min", "50m", "--memory-min",
                 "256Mi", "--pod", "api-.*")
        c = containers(r.json)[KEYS["api"]][1]
        # 150 * 1.3 = 195 -> 196 Mi -> floor 256 Mi; 30m -> floor 50m
        ck.near(c["memory"]["recommended_bytes"], 256 * MIB, "memory floor")
        ck.near(c["cpu"]["recommended_cores"], 0.05, "cpu floor")
        pf = os.path.join(tmp, "pricing.conf")
        with open(pf, "w") as f:
            f.write("currency = USD\ncpu_per_vcpu_hour = 0.04\n")
        r = tool("--pricing", pf, "--pod", "api-.*")
        ck.check(r.json["pricing"]["currency"] == "USD", "pricing file")
        ck.near(r.json["pods"][0]["cost"]["cpu"], 0.96, "USD cpu cost")
        r = tool("--pricing", pf, "--pod", "api-.*", fmt="table")
        ck.check("USD" in r.out and "0.04 USD/vCPU-h" in r.out, "table USD")
        r = tool("--memory-unit", "GB", "--pod", "api-.*")
        # 12 GiB-h = 12.884901888 GB-h at 0.01
        ck.near(r.json["pods"][0]["cost"]["ram"], 0.12884901888, "GB unit")
        r = tool("--pricing", DEFAULT_PRICING, "--pod", "api-.*")
        ck.near(r.json["pods"][0]["cost"]["total"], 0.60,
                "pricing.default.conf equals the built-in default")
        r = tool("--ram-price", "0.02", "--pricing", DEFAULT_PRICING,
                 "--pod", "api-.*")
        ck.near(r.json["pods"][0]["cost"]["ram"], 0.24,
                "a flag overrides the pricing file")
        bad = os.path.join(tmp, "bad.conf")
        with open(bad, "w") as f:
            f.write("cpu = 1\n")
        r = tool("--pricing", bad)
        ck.check(r.code == 1 and "bad.conf:1" in r.stderr, "bad pricing file")

        # ---- batching and concurrency give the same answer -------------------
        r = tool("--batch-pods", "1", "--concurrency", "3", "--stats")
        ck.near(r.json["totals"]["cost"]["total"],
                rep["totals"]["cost"]["total"], "batches of 1 pod")
        ck.check("queries=" in r.stderr and "peak_rss_kib=" in r.stderr,
                 "--stats prints queries and peak RSS")
        r = tool("--window", "2h", "--pod", "api-.*")
        # 2 h inside the last 4 h segment: p95 = 0.028, cost 2 h
        c = containers(r.json)[KEYS["api"]][1]
        ck.near(c["cpu"]["p95_cores"], 0.028, "2h window p95", rel=0.01)
        ck.near(r.json["pods"][0]["cost"]["cpu"], 0.04, "2h window cost")
    finally:
        prom.close()
    rollout(tmp, end, ck)
    return ck.finish()


def rollout(tmp, end, ck):
    """A Deployment's only replica replaced halfway through the window (a
    rollout): two pod names, one replica. Savings and cost per month must be
    one replica's, not one per pod name."""
    d = os.path.join(tmp, "rollout")
    os.makedirs(d)
    om = os.path.join(d, "rollout.om")
    harness.write_openmetrics(om, scenario.build_rollout(end),
                              end - scenario.WINDOW - scenario.LEAD, end, 60)
    prom = harness.Prometheus(d, om)
    try:
        out = os.path.join(d, "out.json")
        r = harness.run_tool(TOOL, ["--prometheus", prom.url, "--window",
                                    "24h", "--end", str(end), "-f", "json",
                                    "-o", out], out_file=out)
        ck.check(r.code == 0, "rollout: exit 0: %d %s" % (r.code, r.stderr))
        rep = json.loads(r.out)
        cs = containers(rep)
        ck.check(len(cs) == 2, "rollout: 2 pods: %s" % sorted(cs))
        one = scenario.ROLLOUT_SAVINGS_ONE_REPLICA
        for pod, _, _, _ in scenario.ROLLOUT_PODS:
            p, c = cs[("roll", pod, "api")]
            ck.near(c["cpu"]["recommended_cores"], 0.03,
                    pod + " cpu recommended")
            ck.near(c["memory"]["recommended_bytes"], 176 * MIB,
                    pod + " memory recommended")
            # ran 12 of 24 hours: half a replica's monthly saving
            ck.near(c["savings_month"]["total"], one / 2,
                    pod + " savings/month")
        ck.near(rep["totals"]["savings_month"]["total"], one,
                "rollout: total savings = one replica's")
        ck.near(rep["totals"]["cost"]["total"], scenario.ROLLOUT_COST,
                "rollout: cost over the window")
        ck.near(rep["totals"]["cost_month"], 18.0,
                "rollout: cost per month = one replica's")
        ctr = {(g["namespace"], g["kind"], g["name"]): g
               for g in rep["controllers"]}
        g = ctr.get(("roll", "Deployment", "api"))
        ck.check(g is not None and g["pods"] == 2,
                 "rollout: one Deployment of 2 pods: %s" % sorted(ctr))
        if g:
            ck.near(g["savings_month"]["total"], one,
                    "rollout: Deployment savings")
    finally:
        prom.close()


if __name__ == "__main__":
    harness.main_wrapper(run)
