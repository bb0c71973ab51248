#!/usr/bin/env python3
"""finops-report's second edition (issue 17) against a real Prometheus
backfilled with scenario.build_edition2 (an over-provisioned, a right-sized,
an under-provisioned container, one whose memory recommendation just exceeds
its request, a young pod, teams labelled on pods and namespaces, a node):
per-resource savings and extra cost, memory p50, recommendation above
request, not enough data, group-by label, idle cost from the node, and the
defects the issue lists, each checked against values computed by hand in
scenario.py.

Usage: test_edition2.py PATH/TO/finops-report
"""
import csv
import io
import json
import re
import shutil
import subprocess
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import scenario  # noqa: E402
from harness import MIB  # noqa: E402

TOOL = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
E = scenario.E2_EXPECTED
END = [0]


def containers(rep):
    return {(p["namespace"], p["pod"], c["container"]): (p, c)
            for p in rep["pods"] for c in p["containers"]}


def per_resource(ck, cs):
    for key, exp in E.items():
        p, c = cs[scenario.E2_KEYS[key]]
        if key == "young":
            ck.check(c["not_enough_data"] is True and
                     c["cpu"]["recommended_cores"] is None and
                     c["savings_month"]["total"] == 0 and
                     "not enough data" in c["note"],
                     "young: not enough data, never recommended: %s" % c)
            ck.near(p["cost"]["total"], exp["cost"], "young cost (3 h)")
            continue
        ck.check(c["not_enough_data"] is False, key + " has enough data")
        ck.near(c["cpu"]["recommended_cores"], exp["cpu_rec"], key + " cpu rec")
        ck.near(c["memory"]["recommended_bytes"], exp["mem_rec"], key + " mem rec")
        ck.near(c["memory"]["p50_bytes"], exp["mem_p50"], key + " memory p50")
        ck.near(c["memory"]["max_bytes"], exp["mem_max"], key + " memory max")
        s, x = c["savings_month"], c["extra_cost_month"]
        ck.near(s["cpu"], exp["save_cpu"], key + " CPU saving", absolute=1e-6)
        ck.near(s["memory"], exp["save_mem"], key + " memory saving",
                absolute=1e-6)
        ck.near(s["total"], exp["save_cpu"] + exp["save_mem"],
                key + " total saving", absolute=1e-6)
        ck.near(x["cpu"], exp["extra_cpu"], key + " CPU extra", absolute=1e-6)
        ck.near(x["memory"], exp["extra_mem"], key + " memory extra",
                absolute=1e-6)
        ck.check(min(s.values()) >= 0 and min(x.values()) >= 0,
                 key + ": savings and extra costs never negative")
        ck.check(c["recommendation_above_request"] is exp["above"],
                 "%s recommendation_above_request %s" % (key, exp["above"]))
        ck.check(c["under_provisioned"] is exp["under"],
                 "%s under_provisioned %s" % (key, exp["under"]))
        ck.near(p["cost"]["total"], exp["cost"], key + " cost over 24 h")
        ck.near(c["memory"]["recommended_limit_bytes"], exp["mem_rec"],
                key + " memory limit = recommended request")
        ck.check(c["cpu"]["recommended_limit_cores"] is None,
                 key + " no CPU limit by default")
    _, t = cs[scenario.E2_KEYS["tight"]]
    ck.check(t["severity"] != "risk" and "recommendation above request" in
             t["note"] and "memory 208Mi > request 200Mi" in
             t["recommendation_above_request_reason"],
             "tight: the raise is said, with its reason: %s" % t["note"])


def totals(ck, rep):
    t = rep["totals"]
    for k in ("cpu", "memory"):
        ck.near(t["savings_month"][k], scenario.E2_SAVINGS[k],
                "total %s saving" % k, absolute=1e-6)
        ck.near(t["extra_cost_month"][k], scenario.E2_EXTRA[k],
                "total %s extra" % k, absolute=1e-6)
    ck.near(t["savings_month"]["total"], sum(scenario.E2_SAVINGS.values()),
            "total saving = sum of positive savings", absolute=1e-6)
    ck.check(t["containers_not_enough_data"] == 1, "1 young container")
    ck.check(rep["schema"] == "finops-report/2", "schema finops-report/2")


def formats(ck, tool):
    r = tool(fmt="table", args=["--top", "0"])
    ck.check("1000m->100m" in r.out and "512Mi->232Mi" in r.out and
             not re.search(r"\d(m|Mi|Gi)>\d", r.out),
             "table writes request->recommended, no bare '>'")
    ck.check("team-b/under-6c5d4e3f2-bbbbb/app" in r.out,
             "table shows whole pod names: " + r.out[:2000])
    ck.check(all(len(x) <= 80 for x in r.out.splitlines()),
             "table fits 80 columns")
    ck.check("NOT ENOUGH DATA" in r.out and "misc/young-5b4c3d2e1-ccccc/app"
             in r.out, "table lists young containers apart")
    ck.check("Extra cost of raising requests per month: +1.42" in r.out,
             "table: extra cost on its own line")
    r = tool(fmt="csv")
    rows = {x["pod"]: x for x in csv.DictReader(io.StringIO(r.out))}
    t = rows["tight-x7k2p"]
    ck.near(float(t["savings_cpu_month"]), 2.16, "csv tight CPU saving")
    ck.near(float(t["extra_cost_memory_month"]), 0.05625, "csv tight extra")
    ck.near(float(t["memory_p50_bytes"]), 180 * MIB, "csv memory p50")
    ck.check(t["recommendation_above_request"] == "yes", "csv flag")
    r = tool(fmt="markdown")
    ck.check("| CPU saving | Memory saving | Extra cost |" in r.out and
             "computed by this tool from a range query" in r.out,
             "markdown: per-resource columns, true Method")
    r = tool(fmt="html")
    ck.check("<th>CPU saving</th>" in r.out, "html per-resource columns")


def french(ck, tool):
    """--lang fr: the table, Markdown and HTML reports in French (headings,
    labels, notes), English nowhere in their headings; JSON and CSV the same
    in both languages; the default follows LC_ALL, LC_MESSAGES, LANG."""
    t = tool(fmt="table", args=["--lang", "fr", "--top", "0"]).out or ""
    ck.check("COÛT PAR POD" in t and "DIMENSIONNEMENT" in t and
             "TENDANCE" in t and "fenêtre précédente" in t and
             "Économies possibles par mois : 17.46 EUR" in t and
             "DONNÉES INSUFFISANTES" in t and "élevée" in t,
             "table in French: " + t[:1500])
    ck.check(all(len(x) <= 80 for x in t.splitlines()),
             "French table fits 80 columns (characters, not bytes)")
    ck.check(not re.search(r"COST PER|RIGHT-SIZING|TREND|previous window|"
                           r"Potential savings", t), "no English heading left")
    md = tool(fmt="markdown", args=["--lang", "fr"]).out or ""
    ck.check(md.startswith("# Rapport FinOps") and "## Méthode" in md and
             "## Synthèse" in md and "## Recommandations" in md and
             "| Conteneur | CPU avant -> après |" in md and
             "recommandation au-dessus de la demande : mémoire 208Mi \\> "
             "demande 200Mi" in md, "markdown in French, notes too: " + md[:800])
    ck.check(not re.search(r"^## (Method|Summary|Trend|Cost per|Recommendations)",
                           md, re.M), "no English heading in the French Markdown")
    h = tool(fmt="html", args=["--lang", "fr"]).out or ""
    ck.check('<html lang="fr">' in h and "<h1>Rapport FinOps</h1>" in h and
             "<h2>Tendance</h2>" in h and "<th>Économie CPU</th>" in h and
             ">risque<" in h, "html in French")
    en = tool(fmt="table").out or ""
    ck.check("COST PER POD" in en and "COÛT" not in en,
             "English by default under LANG unset")
    for fmt in ("json", "csv"):
        a = tool(fmt=fmt, args=["--lang", "fr"]).out or ""
        b = tool(fmt=fmt, args=["--lang", "en"]).out or ""
        strip = re.compile(r'"generated_at": "[^"]*"')
        ck.check(a and strip.sub("", a) == strip.sub("", b),
                 fmt + ": the same in French and English")
    for env, want in (({"LANG": "fr_FR.UTF-8"}, "COÛT PAR POD"),
                      ({"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, "COST PER POD"),
                      ({"LC_MESSAGES": "fr_CA.UTF-8"}, "COÛT PAR POD")):
        r = tool(fmt="table", env=env)
        ck.check(want in (r.out or ""), "%s gives %s" % (env, want))
    r = tool(fmt="table", args=["--lang", "de"])
    ck.check(r.code == 1 and "--lang" in r.stderr,
             "--lang de is refused, naming the option: " + r.stderr)


def teams_and_idle(ck, tool):
    r = tool(args=["--group-by", "label:team", "--share-idle"])
    ck.check(r.code == 0, "--group-by label:team: %d %s" % (r.code, r.stderr))
    lab = r.json["labels"]
    ck.check(lab and lab["key"] == "team", "labels.key team")
    got = {g["name"]: g for g in lab["groups"]}
    ck.check(sorted(got) == sorted(scenario.E2_TEAMS),
             "teams: pod label, else namespace label, else unlabelled: %s"
             % sorted(got))
    for team, cost in scenario.E2_TEAMS.items():
        if team in got:
            ck.near(got[team]["cost"]["total"], cost, "team %s cost" % team)
    ck.near(got["beta"]["savings_month"]["cpu"], 2.16, "team beta CPU saving")
    ck.near(got["beta"]["extra_cost_month"]["total"], 0.72 + 0.646875 + 0.05625,
            "team beta extra cost")
    n = r.json["nodes"]
    ck.check(n is not None, "nodes priced")
    if n:
        ck.near(n["allocatable"]["cpu"], 1.68, "allocatable CPU cost (3.5 x 24 h)")
        ck.near(n["capacity"]["ram"], 1.92, "capacity RAM cost (8 GiB x 24 h)")
        ck.near(n["system_reserved"]["total"], scenario.E2_RESERVED,
                "system reserved")
        ck.near(n["idle"]["cpu"], scenario.E2_IDLE["cpu"], "idle CPU")
        ck.near(n["idle"]["ram"], scenario.E2_IDLE["ram"], "idle RAM")
    nss = {g["name"]: g for g in r.json["namespaces"]}
    shared = sum(g["idle_share"]["total"] for g in nss.values())
    ck.near(shared, sum(scenario.E2_IDLE.values()),
            "--share-idle shares all the idle cost")
    # team-a: CPU cost 0.48 + 0.24 of 0.99, RAM 0.12 + 0.24 of 0.4846875
    ck.near(nss["team-a"]["idle_share"]["cpu"],
            scenario.E2_IDLE["cpu"] * 0.72 / scenario.E2_POD_CPU_COST,
            "team-a's idle CPU share")
    ck.near(nss["team-a"]["idle_share"]["ram"],
            scenario.E2_IDLE["ram"] * 0.36 / scenario.E2_POD_RAM_COST,
            "team-a's idle RAM share")
    r = tool(fmt="table", args=["--group-by", "label:team"])
    ck.check("COST PER LABEL team" in r.out and "unlabelled" in r.out and
             "Nodes: allocatable 3.36 EUR" in r.out,
             "table by team, with the nodes line: " + r.out[:1500])
    r = tool(fmt="csv", args=["--group-by", "label:team"])
    rows = {x["name"]: x for x in csv.DictReader(io.StringIO(r.out))}
    ck.check(rows.get("alpha", {}).get("kind") == "label:team",
             "csv rows per team")
    r = tool(args=["--group-by", "label:"])
    ck.check(r.code == 1 and "label:KEY" in r.stderr, "label: without a key")
    r = tool(args=["-n", "team-a"])
    ck.check(r.json["nodes"] is None, "no idle cost with a selection")


def stream(text):
    """The documents of a YAML stream of JSON documents."""
    docs = []
    for part in text.split("\n---\n")[1:]:
        docs.append(json.loads(part))
    return docs


def merge(base, patch):
    """A strategic merge for what the patches hold: maps merge key by key,
    lists of containers merge by name."""
    out = dict(base)
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        elif k == "containers" and isinstance(v, list):
            by = {c["name"]: c for c in out.get(k, [])}
            for c in v:
                by[c["name"]] = merge(by.get(c["name"], {}), c)
            out[k] = list(by.values())
        else:
            out[k] = v
    return out


def base_workload(doc):
    """The workload a cluster would hold for a patch's target."""
    key = [k for k, v in scenario.E2.items()
           if v[0] == doc["metadata"]["namespace"] and
           (v[5] or v[4]) == doc["metadata"]["name"]][0]
    e = scenario.E2[key]
    labels = {"app": doc["metadata"]["name"]}
    spec = {"selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels},
                         "spec": {"containers": [
                             {"name": e[2], "image": "registry.example/app:1",
                              "resources": {"requests": {"cpu": "1",
                                                         "memory": "1Gi"}}}]}}}
    if doc["kind"] == "StatefulSet":
        spec["serviceName"] = doc["metadata"]["name"]
    return {"apiVersion": "apps/v1", "kind": doc["kind"],
            "metadata": {"name": doc["metadata"]["name"],
                         "namespace": doc["metadata"]["namespace"]},
            "spec": spec}


def emit(ck, tool, tmp):
    r = tool(fmt=None, args=["--emit", "patch"])
    ck.check(r.code == 0, "--emit patch: %d %s" % (r.code, r.stderr))
    patches = stream(r.out)
    got = {(d["kind"], d["metadata"]["name"]): d for d in patches}
    ck.check(sorted(got) == [("DaemonSet", "tight"), ("Deployment", "over"),
                             ("Deployment", "under"), ("StatefulSet", "right")],
             "one patch per workload with recommendations (young has none): %s"
             % sorted(got))
    want = {"over": ("100m", "232Mi"), "under": ("300m", "348Mi"),
            "tight": ("50m", "208Mi"), "right": ("480m", "1012Mi")}
    for (kind, name), d in got.items():
        c = d["spec"]["template"]["spec"]["containers"][0]
        res = c["resources"]
        ck.check(res["requests"] == {"cpu": want[name][0], "memory": want[name][1]}
                 and res["limits"] == {"memory": want[name][1]},
                 "%s patch: requests and memory limit: %s" % (name, res))
    r = tool(fmt=None, args=["--emit", "patch", "--cpu-limit-factor", "2"])
    d = [x for x in stream(r.out) if x["metadata"]["name"] == "over"][0]
    ck.check(d["spec"]["template"]["spec"]["containers"][0]["resources"]
             ["limits"].get("cpu") == "200m", "--cpu-limit-factor 2: 200m")
    r = tool(fmt=None, args=["--emit", "vpa"])
    vpas = stream(r.out)
    ck.check(r.code == 0 and len(vpas) == 4 and
             all(v["spec"]["updatePolicy"]["updateMode"] == "Off" for v in vpas),
             "--emit vpa: 4 VPAs in recommendation mode")
    merged = [merge(base_workload(d), d) for d in patches]
    wl, vp = os.path.join(tmp, "workloads.json"), os.path.join(tmp, "vpas.json")
    with open(wl, "w") as f:
        json.dump(merged, f)
    with open(vp, "w") as f:
        json.dump(vpas, f)
    k8s = os.path.join(HERE, "..", "..", "tests", "k8s")
    if not os.path.isdir(os.path.join(k8s, "node_modules", "kubernetes-models")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                       cwd=k8s, capture_output=True)
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        raise harness.Fail("node is missing (Debian package nodejs)")
    p = subprocess.run([node, os.path.join(HERE, "validate_emit.cjs"), k8s, wl, vp,
                        os.path.join(HERE, "data", "vpa-v1.schema.json")],
                       capture_output=True, text=True)
    ck.check(p.returncode == 0 and "8 objects, 0 failures" in p.stdout,
             "patched workloads pass kubernetes-models, VPAs the VPA schema: %s %s"
             % (p.stdout[-1500:], p.stderr[-1500:]))


def trend_savings(ck, t):
    """Savings and extra costs of both windows in the comparison, by hand."""
    prev, win = t["previous_window"], t["window"]
    for what, exp in (("savings_month", scenario.E2_PREV_SAVINGS),
                      ("extra_cost_month", scenario.E2_PREV_EXTRA)):
        got = prev[what] or {}
        for res in ("cpu", "memory"):
            ck.near(got.get(res), exp[res], "previous window %s %s" % (what, res),
                    absolute=1e-6)
        ck.near(got.get("total"), sum(exp.values()),
                "previous window %s total" % what, absolute=1e-6)
    cur = sum(scenario.E2_SAVINGS.values())
    ck.near((win["savings_month"] or {}).get("total"), cur,
            "window savings in the trend = the report's", absolute=1e-6)
    ck.near(t["change"]["savings"],
            cur / sum(scenario.E2_PREV_SAVINGS.values()) - 1,
            "change of savings against the previous window")
    ck.check(all(d["savings_month"] is None for d in t["days"]),
             "no savings per day (a day has no percentiles of its own)")


def trends(ck, tool):
    r = tool()
    t = r.json["trend"]
    ck.check(t is not None and len(t["days"]) == 1, "trend: one day in 24 h")
    ck.near(t["window"]["cost"]["total"], scenario.E2_WINDOW_COST,
            "trend: the window's cost = the pods' cost")
    ck.near(t["window"]["cpu_request_cores"], scenario.E2_WINDOW_CPU_REQ,
            "trend: average CPU request")
    ck.near(t["previous_window"]["cost"]["cpu"], scenario.E2_PREV_CPU_COST,
            "previous window CPU cost")
    ck.near(t["previous_window"]["cost"]["ram"], scenario.E2_PREV_RAM_COST,
            "previous window RAM cost")
    ck.near(t["change"]["cost"],
            scenario.E2_WINDOW_COST / scenario.E2_PREV_COST - 1,
            "change of cost against the previous window")
    trend_savings(ck, t)
    r2 = tool(args=["--window", "2d", "--end", str(END[0])], base=False)
    days = r2.json["trend"]["days"]
    ck.check(len(days) == 2, "2 days: %d" % len(days))
    if len(days) == 2:
        ck.near(days[0]["cost"]["total"], scenario.E2_PREV_COST,
                "day 1 = the previous day's cost")
        ck.near(days[1]["cost"]["total"], scenario.E2_WINDOW_COST,
                "day 2 = the last day's cost")
    r = tool(fmt="html")
    ck.check('class="spark"' in r.out and "<polyline" in r.out and
             'id="trend"' in r.out, "html: trend table and sparkline")
    r = tool(fmt="table")
    ck.check("TREND" in r.out and "previous window" in r.out,
             "table: trend section")


def worked_example(ck, cs):
    """docs/finops-report.md's worked example: every line recomputed, and
    the figures compared with the report's."""
    import math
    with open(os.path.join(HERE, "..", "..", "docs", "finops-report.md")) as f:
        text = f.read()
    a = text.index("<!-- worked-example:begin -->")
    b = text.index("<!-- worked-example:end -->")
    vals = {}
    for line in text[a:b].splitlines():
        if " = " not in line:
            continue
        name, expr, value = [x.strip() for x in line.split(" = ")]
        got = eval(expr, {"__builtins__": {}, "max": max, "ceil": math.ceil})
        ck.near(got, float(value), "worked example: " + name)
        vals[name] = float(value)
    p, c = cs[scenario.E2_KEYS["tight"]]
    pairs = ((c["cpu"]["recommended_cores"], "cpu_recommended_cores"),
             (c["memory"]["recommended_bytes"] / MIB, "memory_recommended_mib"),
             (c["savings_month"]["cpu"], "cpu_saving_month"),
             (c["extra_cost_month"]["memory"], "memory_extra_cost_month"),
             (p["cost"]["total"], "cost_window"),
             (p["cost_month"], "cost_month"))
    for got, name in pairs:
        ck.near(got, vals.get(name), "worked example %s = the report's" % name)


def defects(ck, tool, prom, end):
    """Each defect of the issue; each of these failed with the first
    version."""
    r = harness.run_tool(TOOL, ["--prometheus", prom.url, "--cpu-percentile",
                                "101"])
    ck.check(r.code == 1 and "--cpu-percentile '101'" in r.stderr,
             "--cpu-percentile 101 says why: " + r.stderr)
    r = harness.run_tool(TOOL, ["--prometheus", prom.url, "--min-efficiency",
                                "150"])
    ck.check(r.code == 1 and "--min-efficiency" in r.stderr,
             "--min-efficiency 150 refused: " + r.stderr)
    iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(end + 3600))
    r = tool(args=["--end", iso + "+01:00", "-n", "team-a"], base=False)
    ck.check(r.code == 0 and r.json["window"]["end"] ==
             time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end)),
             "--end with +01:00 read as UTC - 1 h: %d %s"
             % (r.code, r.stderr))
    r = tool(args=["--end", iso[:19], "-n", "team-a"], base=False)
    ck.check(r.code == 1 and "zone" in r.stderr,
             "--end without a zone refused: " + r.stderr)
    for absurd in ("1000000000", "2999-01-01T00:00:00Z"):
        r = tool(args=["--end", absurd], base=False)
        ck.check(r.code == 1 and "--end" in r.stderr,
                 "absurd --end %s refused: %s" % (absurd, r.stderr))
    r = tool(fmt="csv", args=["-n", "nosuch"])
    ck.check(r.code == 3 and "no pod matched" in r.stderr,
             "empty CSV: stderr says why: " + r.stderr)
    r = tool(args=["-n", "nosuch", "--min-efficiency", "99"])
    ck.check(r.code == 2 and "threshold breached" in r.stderr and
             "data incomplete" in r.stderr,
             "breach and incomplete data both said: " + r.stderr)
    fake = harness.FakeServer({"p503": lambda h, rest, n: h.reply(
        503, "Service Unavailable\n", "text/plain")})
    try:
        r = harness.run_tool(TOOL, ["--prometheus", fake.url + "/p503",
                                    "--retries", "1", "--retry-delay", "0.1",
                                    "--progress", "-n", "team-a"])
        ck.check(r.code == 1 and "%5B" not in r.stderr and "%7B" not in
                 r.stderr, "error message without the URL-encoded query: "
                 + r.stderr)
        ck.check("retry in 0.1 s" in r.stderr and "HTTP 503" in r.stderr and
                 "queries" in r.stderr,
                 "--progress shows queries and the retry's reason and wait: "
                 + r.stderr)
        r = harness.run_tool(TOOL, ["--prometheus", fake.url + "/p503",
                                    "--retries", "1", "--retry-delay", "0.1",
                                    "-n", "team-a"])
        ck.check("retry in" not in r.stderr,
                 "no progress when stderr is not a terminal: " + r.stderr)
    finally:
        fake.close()


def run(tmp):
    ck = harness.Checker()
    end = (int(time.time()) // 3600) * 3600 - 3 * 86400
    om = os.path.join(tmp, "e2.om")
    harness.write_openmetrics(om, scenario.build_edition2(end),
                              end - 2 * scenario.WINDOW - scenario.LEAD, end, 60)
    prom = harness.Prometheus(tmp, om)
    try:
        def tool(fmt="json", args=(), base=True, env=None):
            out = os.path.join(tmp, "out")
            if os.path.exists(out):
                os.unlink(out)
            b = ["--prometheus", prom.url, "--retry-delay", "0.05"]
            if base:
                b += ["--window", "24h", "--end", str(end)]
            b += ["-f", fmt] if fmt else []
            r = harness.run_tool(TOOL, b + ["-o", out] + list(args),
                                 env=env, out_file=out)
            r.json = json.loads(r.out) if fmt == "json" and r.out else None
            return r
        r = tool()
        ck.check(r.code == 0, "edition 2: exit 0: %d %s" % (r.code, r.stderr))
        cs = containers(r.json)
        ck.check(len(cs) == 5, "5 containers: %s" % sorted(cs))
        per_resource(ck, cs)
        worked_example(ck, cs)
        totals(ck, r.json)
        formats(ck, tool)
        french(ck, tool)
        teams_and_idle(ck, tool)
        emit(ck, tool, tmp)
        END[0] = end
        trends(ck, tool)
        defects(ck, tool, prom, end)
    finally:
        prom.close()
    return ck.finish()


if __name__ == "__main__":
    harness.main_wrapper(run)
