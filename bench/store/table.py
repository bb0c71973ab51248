#!/usr/bin/env python3
"""table.py < R-lines: the side-by-side table of bench/store/run.sh.

Input: the tab-separated "R" lines bench-store prints on stderr (backend,
version, case, calls, median ms, p90 ms, us per item, peak MiB, rise MiB),
several rounds. For each backend and case: the better (lower) median of the
rounds of each version, the higher peak, and after/before.
"""
import sys

best = {}
order = []
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    if len(f) != 10 or f[0] != "R":
        continue
    _, backend, version, case, calls, med, p90, per, peak, rise = f
    key = (backend, case)
    if key not in order:
        order.append(key)
    cur = best.setdefault(key, {}).get(version)
    med, peak, rise = float(med), float(peak), float(rise)
    if cur is None:
        best[key][version] = [med, peak, rise]
    else:
        cur[0] = min(cur[0], med)
        cur[1] = max(cur[1], peak)
        cur[2] = max(cur[2], rise)


def cell(v, fmt):
    return fmt % v if v is not None else "-"


print("%-10s %-26s %11s %11s %8s %11s %11s %10s %10s" % (
    "backend", "case", "before_ms", "after_ms", "ratio", "before_MiB", "after_MiB",
    "b_rise", "a_rise"))
for key in order:
    b = best[key].get("before")
    a = best[key].get("after")
    ratio = "%.3f" % (a[0] / b[0]) if a and b and b[0] > 0 else "-"
    print("%-10s %-26s %11s %11s %8s %11s %11s %10s %10s" % (
        key[0], key[1], cell(b and b[0], "%.3f"), cell(a and a[0], "%.3f"), ratio,
        cell(b and b[1], "%.1f"), cell(a and a[1], "%.1f"),
        cell(b and b[2], "%.1f"), cell(a and a[2], "%.1f")))
print("ratio: after's median over before's (below 1: faster); MiB: peak RSS of the "
      "process during the case, and its rise over the RSS before it")
