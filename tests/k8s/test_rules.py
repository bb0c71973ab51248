#!/usr/bin/env python3
"""The PrometheusRule of k8s/base/monitoring: `promtool check rules` on its
groups, then `promtool test rules` on synthetic series: a growing queue
fires OffreapiScoringQueueGrowing, a large but steady one does not; a job
failed for good fires OffreapiScoringJobsFailed; an unreadable queue fires
OffreapiScoringQueueUnreadable.

  test_rules.py SOURCE_ROOT

Needs promtool (Debian package prometheus) and python3-yaml."""
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

TESTS = """
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'offerapi_jobs{state="pending",scorer="llm",pod="w1"}'
        values: '0+2x60'
      - series: 'offerapi_jobs{state="pending",scorer="llm",pod="s1"}'
        values: '0+2x60'
      - series: 'offerapi_jobs_oldest_pending_seconds{pod="w1"}'
        values: '0+60x60'
      - series: 'offerapi_jobs_stats_up{pod="w1"}'
        values: '1x60'
    alert_rule_test:
      - eval_time: 10m
        alertname: OffreapiScoringQueueGrowing
        exp_alerts: []
      - eval_time: 45m
        alertname: OffreapiScoringQueueGrowing
        exp_alerts:
          - exp_labels: {severity: warning}
            exp_annotations:
              summary: The scoring queue grows
              description: >-
                Pending scoring jobs rise and the oldest waits more than 5
                minutes. Check offerapi-worker (replicas, HPA, busy threads)
                and the scorers' latency (an llm endpoint answering slowly).
      - eval_time: 45m
        alertname: OffreapiScoringQueueUnreadable
        exp_alerts: []
  - interval: 1m
    input_series:
      - series: 'offerapi_jobs{state="pending",scorer="llm",pod="w1"}'
        values: '50x60'
      - series: 'offerapi_jobs_oldest_pending_seconds{pod="w1"}'
        values: '0+60x60'
      - series: 'offerapi_worker_jobs_total{result="gave_up",scorer="llm",pod="w1"}'
        values: '0x20 1x40'
      - series: 'offerapi_worker_jobs_total{result="gave_up",scorer="random",pod="w1"}'
        values: '0x60'
      - series: 'offerapi_jobs_stats_up{pod="w1"}'
        values: '0x60'
    alert_rule_test:
      - eval_time: 45m
        alertname: OffreapiScoringQueueGrowing
        exp_alerts: []
      - eval_time: 10m
        alertname: OffreapiScoringJobsFailed
        exp_alerts: []
      - eval_time: 25m
        alertname: OffreapiScoringJobsFailed
        exp_alerts:
          - exp_labels: {severity: warning, scorer: llm}
            exp_annotations:
              summary: Scoring jobs of llm failed for good
              description: >-
                Jobs of scorer llm used all their attempts in the last 15
                minutes. The reasons are in offerapi_worker_job_failures_total
                and in the workers' logs (msg=job result=gave_up).
      - eval_time: 50m
        alertname: OffreapiScoringJobsFailed
        exp_alerts: []
      - eval_time: 30m
        alertname: OffreapiScoringQueueUnreadable
        exp_alerts:
          - exp_labels: {severity: warning}
            exp_annotations:
              summary: No pod can read the scoring queue
              description: offerapi_jobs_stats_up is 0 everywhere; see the database.
"""


def main():
    src = sys.argv[1]
    if not shutil.which("promtool"):
        print("FAIL: promtool is missing (Debian package prometheus)")
        return 1
    path = os.path.join(src, "k8s", "base", "monitoring", "prometheusrule.yaml")
    with open(path, encoding="utf-8") as f:
        obj = yaml.safe_load(f)
    if obj.get("kind") != "PrometheusRule":
        print("FAIL: %s is not a PrometheusRule" % path)
        return 1
    names = [r.get("alert") for g in obj["spec"]["groups"] for r in g["rules"]]
    print("alerts: %s" % ", ".join(names))
    tmp = tempfile.mkdtemp(prefix="k8s-rules-")
    try:
        with open(os.path.join(tmp, "rules.yaml"), "w") as f:
            yaml.safe_dump({"groups": obj["spec"]["groups"]}, f)
        with open(os.path.join(tmp, "tests.yaml"), "w") as f:
            f.write(TESTS)
        bad = 0
        for args in (["check", "rules", "rules.yaml"], ["test", "rules", "tests.yaml"]):
            r = subprocess.run(["promtool"] + args, cwd=tmp, capture_output=True, text=True)
            print((r.stdout + r.stderr).strip())
            if r.returncode:
                print("FAIL: promtool %s" % " ".join(args))
                bad += 1
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
