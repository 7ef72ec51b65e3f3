"""bench/results/scaled.md and scaled.json from bench/scaled_bench.py's figures, with the sizing
table the README copies: how many cores, replicas and how much memory a number of conversations a
day needs, extrapolated from the CPU milliseconds per turn measured for each process.

    .venv/bin/python bench/scaled_md.py    # rewrite scaled.md from scaled.json, measuring nothing
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "results"
# The sizing's assumptions (each stated in the report)
TURNS_PER_CONVERSATION = 8  # a life event, 3-5 answers, a follow-up, feedback: the load generator's conversation
PEAK_FACTOR = 5.0  # the busiest hour's rate of turns over the day's average rate (office hours, Monday mornings)
BUSY = 0.6  # the share of a core a process may use at the peak (headroom for bursts and a replica's loss)
MIN_REPLICAS = 2  # Rasa servers and action servers each: one may stop without the service stopping
DAILY = (10_000, 100_000, 1_000_000)
SIZED = "scaled, 2 Rasa replicas"  # the profile whose CPU per turn the sizing uses


def role(process: str) -> str:
    """A process's role: replicas of one role are summed ("Rasa server 2" -> "Rasa server")."""
    return re.sub(r" \d+$", "", process)


def per_role(cpu: dict[str, float]) -> dict[str, float]:
    roles: dict[str, float] = {}
    for process, millis in cpu.items():
        roles[role(process)] = roles.get(role(process), 0.0) + millis
    return roles


def sizing_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row whose per-turn figures the sizing uses: the sized profile at its middle level."""
    rows = [r for r in row["rows"] if r["profile"] == SIZED]
    return rows[len(rows) // 2]


def sizing(results: dict[str, Any]) -> list[dict[str, Any]]:
    row = sizing_row(results)
    cpu = per_role(row["cpu_ms_per_turn"])
    cpu.pop("load generator (this process)", None)
    memory = per_role(row["pss_mb"])
    replicas = {name: sum(1 for p in row["pss_mb"] if role(p) == name) for name in memory}
    sized = []
    for daily in DAILY:
        peak = daily * TURNS_PER_CONVERSATION / 86_400 * PEAK_FACTOR
        cores = {name: peak * millis / 1000 for name, millis in cpu.items()}
        rasa = max(MIN_REPLICAS, math.ceil(cores["Rasa server"] / BUSY))
        actions = max(MIN_REPLICAS, math.ceil(cores["action server"] / BUSY))
        each = {name: memory[name] / max(replicas[name], 1) for name in memory}
        others = sum(mb for name, mb in memory.items() if name not in ("Rasa server", "action server"))
        sized.append(
            {
                "daily": daily,
                "peak_turns_per_s": peak,
                "rasa_replicas": rasa,
                "action_replicas": actions,
                "postgres_cores": cores.get("PostgreSQL", 0.0) / BUSY,
                "redis_cores": cores.get("Redis", 0.0) / BUSY,
                "cores": math.ceil(sum(cores.values()) / BUSY),
                "memory_gb": (rasa * each["Rasa server"] + actions * each["action server"] + others) / 1024,
            }
        )
    return sized


def turns_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| profile | citizens | turns | errors | answered/s | p50 ms | p95 ms | p99 ms | load average |"]
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        lines.append(
            f"| {r['profile']} | {r['concurrency']} | {r['turns']} | {r['errors']} | {r['answered_per_s']:.1f} "
            f"| {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['load_average']:.1f} |"
        )
    return lines


def haproxy_table(rows: list[dict[str, Any]]) -> list[str]:
    """What HAProxy saw during each level behind it."""
    behind = [r for r in rows if "haproxy" in r]
    names = list(dict.fromkeys(name for r in behind for name in r["haproxy"]))
    lines = ["| profile | citizens | " + " | ".join(names) + " |", "| --- | ---: |" + " ---: |" * len(names)]
    for r in behind:
        cells = [str(r["haproxy"].get(name, "")) for name in names]
        lines.append(f"| {r['profile']} | {r['concurrency']} | " + " | ".join(cells) + " |")
    return lines


def per_process_table(rows: list[dict[str, Any]], key: str, fmt: str) -> list[str]:
    """One column a profile and level, one line a process."""
    processes = list(dict.fromkeys(name for r in rows for name in r[key]))
    head = [f"{r['profile']}, {r['concurrency']}" for r in rows]
    lines = ["| process | " + " | ".join(head) + " |", "| --- |" + " ---: |" * len(rows)]
    for name in processes:
        cells = [format(r[key][name], fmt) if name in r[key] else "" for r in rows]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    totals = [sum(v for n, v in r[key].items() if not n.startswith("load generator")) for r in rows]
    lines.append("| **all the servers** | " + " | ".join(format(t, fmt) for t in totals) + " |")
    return lines


def sizing_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| conversations a day | peak turns/s | Rasa replicas | action servers | PostgreSQL cores | Redis cores "
        "| cores in all | memory GB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in sizing(results):
        lines.append(
            f"| {s['daily']:,} | {s['peak_turns_per_s']:.0f} | {s['rasa_replicas']} | {s['action_replicas']} "
            f"| {s['postgres_cores']:.2f} | {s['redis_cores']:.2f} | {s['cores']} | {s['memory_gb']:.1f} |"
        )
    return lines


def assumptions(results: dict[str, Any]) -> str:
    row = sizing_row(results)
    cpu = per_role(row["cpu_ms_per_turn"])
    cpu.pop("load generator (this process)", None)
    parts = ", ".join(f"{name} {millis:.1f}" for name, millis in sorted(cpu.items(), key=lambda i: -i[1]))
    best = max(r["answered_per_s"] for r in results["rows"] if r["profile"].startswith("scaled") and not r["errors"])
    per_day = best / PEAK_FACTOR * 86_400 / TURNS_PER_CONVERSATION
    return (
        f'Measured: the CPU per turn of each process in the profile "{SIZED}" at {row["concurrency"]} citizens '
        f"(ms: {parts}; {sum(cpu.values()):.1f} in all) and each process's memory (PSS). "
        f"Assumed: {TURNS_PER_CONVERSATION} turns a conversation, the busiest hour {PEAK_FACTOR:.0f}× the day's "
        f"average rate, every process at most {BUSY:.0%} busy at that peak, at least {MIN_REPLICAS} Rasa servers "
        "and action servers. Extrapolated: everything in the table, linearly in the CPU per turn: a Rasa "
        "server is one Python process (one core at most), so replicas are added for cores; PostgreSQL's "
        "and Redis's share is what they cost per turn here, without the contention of a large database. "
        f"Measured here on {results['cores']} cores (shared): at most {best:.0f} turns/s answered through the "
        f"scaled profile without an error, which at these assumptions is about {per_day:,.0f} conversations a day."
    )


def render(results: dict[str, Any]) -> str:
    rows = results["rows"]
    lines = [
        "# One and two Rasa replicas on PostgreSQL + Redis, against the embedded SQLite profile",
        "",
        f"`make bench-scaled` (bench/scaled_bench.py), {results['date']}, {results['minutes']:.0f} minutes; "
        f"{results['cores']} cores shared with other work (load average {results['load_at_start']:.1f} at the start); "
        f"{results['seconds']:.0f} s a level after a 5-s warm-up, closed-loop citizens over the REST channel "
        "(bench/turns_bench.py's conversations in en/ro/ru). Two replicas first, then Rasa server 2 stopped "
        "and taken out by HAProxy's health check for the one-replica levels; two action servers and two "
        "consoles throughout.",
        "",
        "**On 2 cores two replicas cannot show scaling**: they share the same two cores with PostgreSQL, "
        "Redis, HAProxy, the action servers, the consoles and the load generator, so the machine is full "
        "before either replica is. What the extra replica buys here is availability; what capacity costs is "
        "read from the CPU milliseconds per turn below, and the sizing is extrapolated from them.",
        "",
        "## Turns",
        "",
        *turns_table(rows),
        "",
        "Errors are answers other than HTTP 200 (or none within 60 s); their latency is in the percentiles, "
        "not in the answered turns per second. Behind HAProxy, what it saw of the Rasa servers during each level "
        "(`taken out`: a server marked DOWN after two failed health checks; `5xx in all` minus `5xx from Rasa` "
        "are HAProxy's own 503s, sent when no Rasa server was UP):",
        "",
        *haproxy_table(rows),
        "",
        "## CPU milliseconds per answered turn, per process (children included)",
        "",
        *per_process_table(rows, "cpu_ms_per_turn", ".1f"),
        "",
        "The load generator shares the cores; it is not one of the servers and not in the total.",
        "",
        "## Memory per process after each level (PSS, MB)",
        "",
        *per_process_table(rows, "pss_mb", ".0f"),
        "",
        "## Sizing",
        "",
        assumptions(results),
        "",
        *sizing_table(results),
    ]
    return "\n".join(lines) + "\n"


def write_results(results: dict[str, Any]) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scaled.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report = render(results)
    (OUT / "scaled.md").write_text(report, encoding="utf-8")
    return report


if __name__ == "__main__":
    print(write_results(json.loads((OUT / "scaled.json").read_text(encoding="utf-8"))))
