"""The benchmark report: bench/results/report.md, its plots and the README's headline table,
written from the measurements `bench/report.py` collected (also alone: `report.py --render`)."""

from __future__ import annotations

import json
import os
import platform
import re
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bench.turns_bench import total_memory_gib  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results"
GAPS = """
## Remaining gaps, with measurements (written after the full run of 2026-11-22)

- **Life-event accuracy is 93.6–95.6%: ≥ 95% in English and Romanian, not in
  Russian, and 3.4–5.4 points above Rasa's default pipeline rather than 10.**
  Rasa's default pipeline (DIET, 43 minutes of training here on the same
  data) is a strong baseline; BM25 over the catalogue, which is what a
  portal's search box does, is 30 points behind. The issue's own check (0.93
  in every language, `make nlu-eval`) passes. What was tried and what is next
  is in docs/nlu.md: each round of hand-written Russian data gave about a
  point; the remaining errors are mostly messages about one event in the
  words of a neighbouring one.
- **Throughput is bounded by one Rasa process.** With the tracker store,
  classifier, HTTP session and catalogue client changes (docs/performance.md)
  the scaling curve reaches about 120–145 turns/s from concurrency 8 on, with
  the Rasa server using about 7 ms of CPU per turn. More needs several Rasa
  processes behind a Redis lock store.
"""

QUICK = """**Quick run (`make bench QUICK=1`)**: the model `make` trained is measured (no clean-state training time);
Rasa's default pipeline (43 minutes of training here) is left out, so the margin is over BM25 only; the
tracker and console runs are shorter (their sections say how long)."""


def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def confusion_plot(pairs: list[tuple[str, str]], path: Path) -> None:
    events = sorted({t for t, _ in pairs if t.startswith("life_event_")})
    labels = events + ["other"]
    matrix = [[0] * len(labels) for _ in events]
    for truth, predicted in pairs:
        if truth in events:
            column = labels.index(predicted) if predicted in events else len(labels) - 1
            matrix[events.index(truth)][column] += 1
    fig, ax = plt.subplots(figsize=(10, 8))
    ax.imshow(matrix, cmap="Blues")
    names = [label.replace("life_event_", "") for label in labels]
    ax.set_xticks(range(len(labels)), names, rotation=60, ha="right")
    ax.set_yticks(range(len(events)), names[:-1])
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true life event")
    ax.set_title("Held-out life-event messages, all languages: this assistant")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def scaling_plot(scaling: list[dict[str, Any]], path: Path) -> None:
    fig, ax1 = plt.subplots(figsize=(8, 4.5))
    xs = [r["concurrency"] for r in scaling]
    ax1.plot(xs, [r["turns_per_s"] for r in scaling], "o-", color="tab:blue", label="turns/s")
    ax1.set_xscale("log", base=2)
    ax1.set_xlabel("concurrent conversations")
    ax1.set_ylabel("turns per second", color="tab:blue")
    ax2 = ax1.twinx()
    ax2.plot(xs, [r["p95_ms"] for r in scaling], "s--", color="tab:red", label="p95 ms")
    ax2.set_ylabel("p95 latency (ms)", color="tab:red")
    ax1.set_title("This assistant over REST: throughput and p95 as concurrency grows")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def our_total_mb(results: dict[str, Any]) -> float:
    """The memory of this assistant's processes (the baselines' servers left out)."""
    return sum(mb for name, mb in results["memory_mb"].items() if not name.startswith(("vanilla", "default")))


def _met(condition: bool | None) -> str:
    return "—" if condition is None else "yes" if condition else "no"


def _or_skipped(value: float | None, form: str, unit: str = "") -> str:  # --quick trains nothing from a clean state
    return "not run (--quick)" if value is None else format(value, form) + unit


def headline(results: dict[str, Any]) -> list[str]:
    """The targets and whether they were met (also the README's table)."""
    turns, und = results["turns"], results["understanding"]

    def row(name: str, c: int) -> dict[str, Any]:
        return next(r for r in turns if r["assistant"] == name and r["concurrency"] == c)

    def versus(c: int) -> list[str]:
        ours, vanilla = row("this assistant", c), row("vanilla rasa init", c)
        ratio = ours["turns_per_s"] / vanilla["turns_per_s"]
        return [
            f"turns/s at concurrency {c} ≥ 2× vanilla",
            f"{ours['turns_per_s']:.1f} vs {vanilla['turns_per_s']:.1f} ({ratio:.2f}×)",
            _met(ours["turns_per_s"] >= 2 * vanilla["turns_per_s"]),
        ]

    p95 = row("this assistant", 1)["p95_ms"]
    margins = [u["ours_le"] - max(u["default_le"] or 0, u["bm25_le"]) for u in und]
    only_bm25 = any(u["default_le"] is None for u in und)  # --quick: Rasa's default pipeline not trained
    total_mb = our_total_mb(results)
    first, training = results["first_answer_s"], results["training_s"]
    trained = None if training is None else training < 300
    return table(
        ["target", "measured", "met"],
        [
            ["p95 per turn at concurrency 1 < 60 ms", f"{p95:.1f} ms", _met(p95 < 60)],
            versus(8),
            versus(16),
            [
                "life-event accuracy ≥ 95% in every language",
                ", ".join(f"{u['lang']} {u['ours_le']:.1%}" for u in und),
                _met(all(u["ours_le"] >= 0.95 for u in und)),
            ],
            [
                "≥ 10 points above the best baseline",
                f"worst margin {min(margins) * 100:.1f} points" + " (over BM25; Rasa default not run)" * only_bm25,
                _met(None if only_bm25 else all(margin >= 0.10 for margin in margins)),
            ],
            ["total memory < 1.6 GB", f"{total_mb:.0f} MB", _met(total_mb < 1600)],
            ["first answer within 30 s of start", f"{first:.1f} s", _met(first < 30)],
            ["training < 5 minutes (clean, 2 cores)", _or_skipped(training, ".0f", " s"), _met(trained)],
        ],
    )


def turns_section(results: dict[str, Any]) -> list[str]:
    rows = [
        [r["assistant"], r["concurrency"], r["turns"], r["errors"]]
        + [f"{r[key]:.1f}" for key in ("p50_ms", "p95_ms", "p99_ms", "turns_per_s")]
        for r in results["turns"]
    ]
    return [
        "## 1. Conversation turns over REST",
        "",
        "Ours: real conversations in en/ro/ru (life event → questions with buttons → guide → follow-up → feedback), "
        "SQLite tracker store. Vanilla: `rasa init` with its default config, its own greet/mood/goodbye stories, "
        "in-memory tracker store.",
        "",
        *table(["assistant", "concurrency", "turns", "errors", "p50 ms", "p95 ms", "p99 ms", "turns/s"], rows),
        "",
    ]


def parse_section(results: dict[str, Any]) -> list[str]:
    rows = [
        [r["pipeline"], r["concurrency"], r["turns"]] + [f"{r[key]:.1f}" for key in ("p50_ms", "p95_ms", "turns_per_s")]
        for r in results["parse"]
    ]
    return [
        "## 2. NLU alone (`/model/parse`)",
        "",
        *table(["pipeline", "concurrency", "parses", "p50 ms", "p95 ms", "parses/s"], rows),
        "",
    ]


def understanding_section(results: dict[str, Any]) -> list[str]:
    und = results["understanding"]
    headers = [
        "language",
        "ours: intent macro-F1",
        "ours: life-event acc.",
        "Rasa default: macro-F1",
        "Rasa default: life-event acc.",
        "BM25 search: life-event acc.",
    ]
    rows = [
        [
            u["lang"],
            f"{u['ours_f1']:.3f}",
            f"{u['ours_le']:.1%}",
            _or_skipped(u["default_f1"], ".3f"),
            _or_skipped(u["default_le"], ".1%"),
            f"{u['bm25_le']:.1%}",
        ]
        for u in und
    ]
    best_baseline = max(max(u["default_le"] or 0, u["bm25_le"]) for u in und)
    return [
        "## 3. Understanding (held-out set, tests/nlu)",
        "",
        *table(headers, rows),
        "",
        f"Best baseline life-event accuracy in any language: {best_baseline:.1%}. Rasa's default pipeline took "
        f"{_or_skipped(results['default_training_s'], '.0f', ' s')} to train on the same data.",
        "",
        "![Confusion between life events](life_event_confusion.png)",
        "",
    ]


def resources_section(results: dict[str, Any]) -> list[str]:
    memory = [[name, f"{mb:.0f}"] for name, mb in results["memory_mb"].items()]
    return [
        "## 4. Resources",
        "",
        *table(["process", "RSS after the run (MB)"], memory),
        f"| **this assistant, total** | **{our_total_mb(results):.0f}** |",
        "",
        f"Time from launching the processes to the first answered message: {results['first_answer_s']:.1f} s. "
        "Training from a clean state (spaCy pipeline, catalogue examples, `rasa train` with an empty cache): "
        f"{_or_skipped(results['training_s'], '.0f', ' s')}.",
        "",
    ]


def scaling_section(results: dict[str, Any]) -> list[str]:
    rows = [
        [r["concurrency"], f"{r['turns_per_s']:.1f}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", r["errors"]]
        for r in results["scaling"]
    ]
    return [
        "## 6. Scaling curve",
        "",
        *table(["concurrency", "turns/s", "p50 ms", "p95 ms", "errors"], rows),
        "",
        "![Scaling curve](scaling.png)",
        "",
    ]


def write_report(results: dict[str, Any], catalogue_md: str, seconds: float, readme: bool = True) -> None:
    """report.json, report.md and scaling.png in bench/results/; the headline into the README (`readme`)."""
    (OUT / "report.json").write_text(json.dumps(results, indent=2))
    scaling_plot(results["scaling"], OUT / "scaling.png")
    targets = headline(results)
    lines = [
        "# Benchmark report",
        "",
        f"Generated by `make bench` on {time.strftime('%Y-%m-%d %H:%M')} — machine: {os.cpu_count()} cores, "
        f"{total_memory_gib():.0f} GiB RAM, {platform.platform()}, Python {platform.python_version()}, "
        "Rasa 3.6.21. Every comparison ran side by side in this one invocation; "
        f"load figures are from {seconds:.0f}-second closed-loop runs. Load average (1 min) at the start: "
        f"{results.get('load_at_start', float('nan')):.1f} on {os.cpu_count()} cores (others' work included).",
        "",
        *QUICK.strip().splitlines() * bool(results.get("quick")),
        "",
        "## Headline",
        "",
        *targets,
        "",
        *turns_section(results),
        *parse_section(results),
        *understanding_section(results),
        *resources_section(results),
        "## 5. Catalogue",
        "",
        *catalogue_md.split("\n", 2)[2].strip().splitlines(),
        "",
        *scaling_section(results),
        *GAPS.strip().splitlines(),
        "",
        "## What was done to make it fast",
        "",
        "Measured with py-spy on the Rasa server under load and with per-stage timings (see docs/performance.md).",
        "",
    ]
    (OUT / "report.md").write_text("\n".join(lines), encoding="utf-8")
    if readme:
        update_readme(targets)
    print("\n".join(lines))


def update_readme(headline: list[str]) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = (
        "<!-- bench:start -->\n"
        + "\n".join(headline)
        + "\n\nFull report: `bench/results/report.md` (written by `make bench`).\n<!-- bench:end -->"
    )
    if "<!-- bench:start -->" in text:
        text = re.sub(r"<!-- bench:start -->.*?<!-- bench:end -->", lambda _: block, text, flags=re.S)
        readme.write_text(text, encoding="utf-8")
