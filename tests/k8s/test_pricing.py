#!/usr/bin/env python3
"""Kubecost's custom pricing (k8s/kubecost/values.yaml) says what
finops-report's default pricing (finops-report/pricing.default.conf) says.

  test_pricing.py SOURCE_ROOT

Kubecost's defaultModelPricing is per month and Kubecost turns it into
hourly prices by dividing by 730 hours; CPU and RAM must therefore equal
finops-report's hourly prices x 730, storage (already per month) must be
equal, the currency the same, and both in GiB (Kubecost's "GB" is 2^30)."""
import math
import os
import sys

import yaml

KUBECOST_HOURS_PER_MONTH = 730.0


def read_conf(path):
    conf = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                k, _, v = line.partition("=")
                conf[k.strip()] = v.strip()
    return conf


def main():
    src = sys.argv[1]
    conf = read_conf(os.path.join(src, "finops-report", "pricing.default.conf"))
    with open(os.path.join(src, "k8s", "kubecost", "values.yaml"), encoding="utf-8") as f:
        values = yaml.safe_load(f)
    pc = values["kubecostProductConfigs"]
    dm = pc["defaultModelPricing"]
    errors = []

    def same(what, a, b):
        ok = math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        print("%s %s: Kubecost %r, finops-report %r" % ("ok  " if ok else "FAIL", what, a, b))
        if not ok:
            errors.append(what)

    for key in ("cpu_per_vcpu_hour", "ram_per_unit_hour", "storage_per_unit_month", "currency", "memory_unit"):
        if key not in conf:
            errors.append("pricing.default.conf has no %s" % key)
            print("FAIL: pricing.default.conf has no %s" % key)
    if errors:
        return 1
    same("CPU per vCPU-hour (CPU / 730)", float(dm["CPU"]) / KUBECOST_HOURS_PER_MONTH, float(conf["cpu_per_vcpu_hour"]))
    same("spot CPU per vCPU-hour", float(dm["spotCPU"]) / KUBECOST_HOURS_PER_MONTH, float(conf["cpu_per_vcpu_hour"]))
    same("RAM per GiB-hour (RAM / 730)", float(dm["RAM"]) / KUBECOST_HOURS_PER_MONTH, float(conf["ram_per_unit_hour"]))
    same("spot RAM per GiB-hour", float(dm["spotRAM"]) / KUBECOST_HOURS_PER_MONTH, float(conf["ram_per_unit_hour"]))
    same("storage per GiB-month", float(dm["storage"]), float(conf["storage_per_unit_month"]))
    for what, ok in (("currency %s = %s" % (pc.get("currencyCode"), conf["currency"]), pc.get("currencyCode") == conf["currency"]),
                     ("memory unit GiB (finops-report: %s)" % conf["memory_unit"], conf["memory_unit"] == "GiB"),
                     ("customPricesEnabled", pc.get("customPricesEnabled") is True),
                     ("defaultModelPricing.enabled", dm.get("enabled") is True)):
        print("%s %s" % ("ok  " if ok else "FAIL", what))
        if not ok:
            errors.append(what)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
