#!/usr/bin/env python3
"""Renders scripts/bench's figures: OUT/results.md (Markdown tables) and OUT/throughput.png.

Usage: bench/report.py OUT LATENCY_PROFILE
Reads OUT/scenarios.jsonl (one vlens-bench drive line per scenario), OUT/micro.json (swift-benchmark
JSON), OUT/micro-sizes.txt ("bytes NAME N" lines) and OUT/machine.txt.
"""
import datetime
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

out, latency = sys.argv[1], sys.argv[2]
scenarios = [json.loads(line) for line in open(os.path.join(out, "scenarios.jsonl")) if line.startswith("{")]
machine = open(os.path.join(out, "machine.txt")).read().strip().splitlines()


def number(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def budget(s):
    """The RSS budget for the bytes the worker held, and whether the peak RSS kept to it."""
    if s.get("rssBudgetMB") is None:
        return "–"
    return f"{number(s['rssBudgetMB'], 0)} ({'within' if s['peakRSSMB'] <= s['rssBudgetMB'] else 'over'})"


def cores(s):
    """The machine's busy cores, and who used them when the run says (workers first)."""
    total = number(s.get('machineBusyCores'), 2)
    split = s.get('busyCoresByProcess')
    if not split:
        return total
    order = ['workers', 'simulator', 'broker', 'driver', 'other']
    parts = [f"{name} {split[name]:.2f}" for name in order if name in split]
    return f"{total} ({', '.join(parts)})"


def held(s):
    """The exact peak of bytes held, and the once-a-second gauge's highest reading when the run has it."""
    peak = number(s.get('peakInFlightMB'), 0)
    sampled = s.get('sampledPeakInFlightMB')
    return peak if sampled is None else f"{peak} ({number(sampled, 0)})"


def scenario_rows():
    yield ("| scenario | ordering | instances × in-flight | images | store | captures/s | Little bound | ratio "
           "| mean in flight | e2e p50 ms | e2e p99 ms | worker p50 ms | worker CPU s / 1,000 | context switches / capture | peak RSS MB | peak held MB (gauge's highest reading) "
           "| RSS budget MB (64 + 1.5 × held) | Vlens calls / capture "
           "| 429s | share of rate | machine busy cores (by process) | outcomes |")
    yield "|" + "---|" * 22
    for s in scenarios:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(s["outcomes"].items()))
        share = None if s.get("rateShare") is None else 100 * s["rateShare"]
        limit = "" if s.get("rateLimitRps") is None else f" (limit {s['rateLimitRps']:g}/s)"
        yield (f"| {s['name']} | {s['ordering']} | {s['instances']} × {s['maxInFlight']} | {s['images']} | {s['store']} "
               f"| **{number(s['capturesPerSecond'])}** | {number(s['littleBound'])}{limit} "
               f"| {number(s['capturesPerSecond'] / s['littleBound'], 2)} | {number(s.get('meanInFlightRecords'), 0)} | {number(s['e2eP50Ms'], 0)} "
               f"| {number(s['e2eP99Ms'], 0)} | {number(s['workerP50Ms'], 0)} | {number(s['cpuSecondsPer1000'])} "
               f"| {number(s.get('contextSwitchesPerCapture'))} | {number(s['peakRSSMB'], 0)} | {held(s)} | {budget(s)} "
               f"| {number(s['vlensCallsPerCapture'], 2)} | {s['responses429']} "
               f"| {'–' if share is None else number(share, 0) + ' %'} | {cores(s)} | {outcomes} |")


def micro_rows():
    path = os.path.join(out, "micro.json")
    if not os.path.exists(path):
        return
    sizes = {}
    for line in open(os.path.join(out, "micro-sizes.txt")):
        parts = line.split()
        if len(parts) == 3 and parts[0] == "bytes":
            sizes[parts[1]] = int(parts[2])
    yield "| micro-benchmark | bytes per operation | median time | MB/s per core | operations/s per core |"
    yield "|---|---:|---:|---:|---:|"
    for b in json.load(open(path))["benchmarks"]:
        size = sizes.get(b["name"], 0)
        ns = float(b["time"])
        yield f"| {b['name']} | {size:,} | {ns / 1e6:,.3f} ms | {size / ns * 1e3:,.0f} | {1e9 / ns:,.0f} |"


now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
lines = [
    "# vlens-worker benchmark results",
    "",
    f"Measured {now} with `make bench` (`scripts/bench`); {machine[0]}; {machine[-1]}.",
    f"Vlens simulator latency `{latency}`. Throughput, latencies, CPU and calls are over the measuring window;",
    "the Little bound is concurrency / latency (key mode: the in-flight limit; partition mode: the partitions),",
    "capped by the rate limit. Peak held MB is the most event bytes one worker's engine held at once (its",
    "`vlens_worker_in_flight_bytes_peak`, exact; in brackets the highest reading of the once-a-second gauge",
    "`vlens_worker_in_flight_bytes`); the RSS budget is 64 MB + 1.5 × the exact peak.",
    "",
    *scenario_rows(),
    "",
    *micro_rows(),
    "",
]
open(os.path.join(out, "results.md"), "w").write("\n".join(lines))
print("\n".join(lines))

# The MAX_IN_FLIGHT sweep only: key-fN and partition-fN (not the claim-check or exactly-once rows).
sweep = [s for s in scenarios if re.fullmatch(r"(key|partition)-f\d+", s["name"])]
figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
for mode, colour in (("key", "tab:blue"), ("partition", "tab:orange")):
    points = sorted((s["maxInFlight"], s["capturesPerSecond"], s["littleBound"]) for s in sweep if s["ordering"] == mode)
    if not points:
        continue
    axes.plot([p[0] for p in points], [p[1] for p in points], "o-", color=colour, label=f"{mode} mode (measured)")
    axes.plot([p[0] for p in points], [p[2] for p in points], ":", color=colour, label=f"{mode} mode: Little's-law bound")
axes.set_xscale("log", base=2)
ticks = sorted({s["maxInFlight"] for s in sweep})
axes.set_xticks(ticks, [str(t) for t in ticks])
axes.set_yscale("log")
axes.set_xlabel("MAX_IN_FLIGHT (one worker)")
axes.set_ylabel("captures per second")
axes.set_title(f"vlens-worker throughput, Vlens latency {latency}\n{machine[0]}", fontsize=9)
axes.grid(True, which="both", alpha=0.3)
axes.legend(fontsize=8)
figure.tight_layout()
figure.savefig(os.path.join(out, "throughput.png"))

# CPU per capture and peak RSS against MAX_IN_FLIGHT: this run against the recorded baseline
# (bench/baseline-2026-11-27.json, before issue 19), with the RSS budget of the bytes held.
baseline = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "baseline-2026-11-27.json")))
after = sorted((s["maxInFlight"], s["cpuSecondsPer1000"], s["peakRSSMB"], s.get("rssBudgetMB"))
               for s in sweep if s["ordering"] == "key")
if after:
    figure, (cpu, rss) = plt.subplots(1, 2, figsize=(9, 3.8), dpi=110)
    before = sorted((p["maxInFlight"], p["cpuSecondsPer1000"], p["peakRSSMB"]) for p in baseline["points"])
    for axes, index, label in ((cpu, 1, "worker CPU ms per capture"), (rss, 2, "peak RSS MB")):
        axes.plot([p[0] for p in before], [p[index] for p in before], "s--", color="tab:gray", label="before (2026-11-27)")
        axes.plot([p[0] for p in after], [p[index] for p in after], "o-", color="tab:blue", label=f"after ({now[:10]})")
        axes.set_xscale("log", base=2)
        ticks = sorted({p[0] for p in before + after})
        axes.set_xticks(ticks, [str(t) for t in ticks])
        axes.set_xlabel("MAX_IN_FLIGHT (one worker, key mode)")
        axes.set_ylabel(label)
        axes.set_ylim(bottom=0)
        axes.grid(True, alpha=0.3)
    budgets = [p for p in after if p[3] is not None]
    if budgets:
        rss.plot([p[0] for p in budgets], [p[3] for p in budgets], ":", color="tab:green", label="budget: 64 MB + 1.5 × bytes held")
    cpu.legend(fontsize=8)
    rss.legend(fontsize=8)
    figure.suptitle(f"vlens-worker cost per capture, 300 KB images, Vlens latency {latency}; {machine[0]}", fontsize=9)
    figure.tight_layout()
    figure.savefig(os.path.join(out, "cpu-rss.png"))
