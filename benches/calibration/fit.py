#!/usr/bin/env python3
"""Fits edgesim's CPU weights (runtime/src/engine/cpu.rs) to workerd timings.

Input: workerd.json (from calibrate.mjs: median ms per workload at a given n) and edgesim.json
(from `edgesim fetch --json` per workload: the `cpu` counts at a given n). Output: the weights
that minimise the worst ratio between estimate and measurement, and the per-workload table.
"""
import json
import math
import sys

workerd = json.load(open(sys.argv[1]))
edgesim = json.load(open(sys.argv[2]))
rows = {}
for name, w in workerd.items():
    e = edgesim[name]
    scale = w["n"] / e["n"]  # workerd ran n; edgesim may have run fewer repetitions
    rows[name] = (w["median_ms"] * 1e6, e["cpu"]["polls"] * scale, e["cpu"]["alloc_bytes"] * scale)

best = None
for a in (x / 100 for x in range(10, 3000, 5)):  # ns per poll
    for c in (x / 1000 for x in range(0, 2000, 10)):  # ns per allocated byte
        errs = [abs(math.log((a * p + c * b) / t)) if a * p + c * b > 0 else 99 for t, p, b in rows.values()]
        key = (max(errs), sum(e * e for e in errs))
        if best is None or key < best[0]:
            best = (key, a, c)
_, a, c = best
print(f"ns per poll: {a}   ns per allocated byte: {c}")
print("| workload | workerd (ms) | edgesim estimate (ms) | ratio |")
print("|---|---|---|---|")
for name, (t, p, b) in rows.items():
    est = a * p + c * b
    print(f"| {name} | {t / 1e6:.0f} | {est / 1e6:.0f} | {est / t:.2f} |")
