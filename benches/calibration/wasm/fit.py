#!/usr/bin/env python3
"""Fits edgesim's picoseconds of V8 CPU per unit of WebAssembly fuel (runtime/src/api/wasm/call.rs
`PS_PER_FUEL`; costs.rs weighs the operators) to workerd timings.

Input: workerd.json (calibrate.mjs run on wasm/worker.js), edgesim.json (each workload's `cpu`
counts from `edgesim fetch --json` at the same n), and the PS_PER_FUEL edgesim ran with. Output:
the factor that minimises the worst ratio between estimate and measurement, and the table.
"""
import json
import math
import sys

workerd = json.load(open(sys.argv[1]))
edgesim = json.load(open(sys.argv[2]))
ps_used = float(sys.argv[3])
rows = {}
for name, w in workerd.items():
    e = edgesim[name]
    assert e["n"] == w["n"], f"{name}: run edgesim at workerd's n ({w['n']})"
    rows[name] = (w["median_ms"] * 1e9, e["cpu"]["host_ps"] / ps_used)
per_fuel = [t / fuel for t, fuel in rows.values()]
factor = math.sqrt(min(per_fuel) * max(per_fuel))
print(f"ps per fuel: {factor:.0f}")
print("| workload | workerd (ms) | edgesim estimate (ms) | ratio |")
print("|---|---|---|---|")
for name, (t, fuel) in rows.items():
    est = round(factor) * fuel
    print(f"| {name} | {t / 1e9:.0f} | {est / 1e9:.0f} | {est / t:.2f} |")
