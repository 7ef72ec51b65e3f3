"""`make bench`: every benchmark in one run, side by side with its baseline, into bench/results/report.md.

1. conversation turns over REST (en/ro/ru) at concurrency 1, 8, 16, 32 vs a vanilla `rasa init` assistant;
2. NLU alone (/model/parse) vs Rasa's default pipeline trained on our data;
3. understanding on the held-out set: ours, Rasa's default pipeline, BM25 over the catalogue;
4. resources: memory per process, time to the first answer, training time from a clean state;
5. the catalogue: client lookups from cache vs HTTP, service requests/s;
6. the scaling curve: turns/s and p95 at concurrency 1..64.

    .venv/bin/python bench/report.py [--seconds 10]
    .venv/bin/python bench/report.py --render    # rewrite report.md from report.json, measuring nothing
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import requests  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.turns_bench import (  # noqa: E402
    load,
    our_conversation,
    rss_mb,
    summary,
    total_memory_gib,
    train_vanilla,
    vanilla_conversation,
)
from catalogue_service.content import load as load_catalogue  # noqa: E402
from catalogue_service.search import SearchIndex  # noqa: E402
from nlp.evaluate import examples, life_event_accuracy, macro_f1  # noqa: E402
from runner.processes import (  # noqa: E402
    BIN,
    Server,
    action_server,
    base_env,
    catalogue_service,
    free_port,
    rasa_server,
    write_endpoints,
)
from tests.fake_telegram import FakeTelegram  # noqa: E402

os.environ.setdefault("RATE_PER_CLIENT", "0")  # the load comes from one address: no per-address limit

OUT = ROOT / "bench" / "results"
GAPS = """
## Remaining gaps, with measurements

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
LANGS = ("en", "ro", "ru")
TOKEN = "bench-token"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def held_out() -> dict[str, list[tuple[str, str]]]:
    return {lang: examples(ROOT / "tests" / "nlu" / f"{lang}.yml") for lang in LANGS}


def parse_all(url: str, examples: list[tuple[str, str]]) -> list[tuple[str, str]]:
    session = requests.Session()
    return [
        (intent, session.post(url, json={"text": text}, timeout=30).json()["intent"]["name"])
        for intent, text in examples
    ]


def bm25_predictions(examples: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """What a portal's search box does: the life event of the best BM25 hit among life events and services."""
    content = load_catalogue(ROOT / "data" / "catalogue")
    index = SearchIndex(content)
    pairs = []
    for intent, text in examples:
        if not intent.startswith("life_event_"):
            continue
        predicted = "none"
        for kind, ident, _score in index.search(text, lang, {"life_event", "service"}, limit=1):
            event = ident if kind == "life_event" else (content.life_events_using(ident) or ["none"])[0]
            predicted = "life_event_" + event.replace("-", "_")
        pairs.append((intent, predicted))
    return pairs


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


def parse_load(url: str, texts: list[str], concurrency: int, seconds: float) -> dict[str, float]:
    import aiohttp

    from bench.turns_bench import Result

    async def run() -> Result:
        result = Result()
        deadline = time.perf_counter() + seconds
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

            async def user(offset: int) -> None:
                i = offset
                while time.perf_counter() < deadline:
                    start = time.perf_counter()
                    async with session.post(url, json={"text": texts[i % len(texts)]}) as response:
                        await response.read()
                        result.errors += response.status != 200
                    result.latencies.append(time.perf_counter() - start)
                    result.turns += 1
                    i += concurrency

            started = time.perf_counter()
            await asyncio.gather(*(user(i) for i in range(concurrency)))
            result.elapsed = time.perf_counter() - started
        return result

    return summary(asyncio.run(run()))


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def main() -> None:  # noqa: PLR0915 - one report, step by step
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="per load measurement")
    parser.add_argument("--render", action="store_true", help="only rewrite the report from report.json")
    args = parser.parse_args()
    if args.render:
        results = json.loads((OUT / "report.json").read_text())
        write_report(results, (OUT / "catalogue.md").read_text(), results.get("seconds", args.seconds))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    results: dict[str, Any] = {}

    # -- training from a clean state -------------------------------------------------
    say("training this assistant from a clean state (no Rasa cache, no spaCy pipeline) ...")
    clean = base_env(RASA_CACHE_DIRECTORY=str(tmp / "rasa-cache"))
    build = tmp / "build"
    steps = [
        [sys.executable, "-m", "nlp.build_spacy", "data/catalogue", str(build / "spacy")],
        [sys.executable, "-m", "nlp.build_training", "data/catalogue", str(build / "nlu" / "catalogue.yml")],
    ]
    training = sum(timed(step, clean) for step in steps)
    config = tmp / "config.yml"
    config.write_text((ROOT / "config.yml").read_text().replace("build/spacy/lifeevents", str(build / "spacy")))
    training += timed(
        [
            str(BIN / "rasa"),
            "train",
            "--config",
            str(config),
            "--domain",
            "domain.yml",
            "--data",
            "data/nlu",
            str(build / "nlu"),
            "data/rules.yml",
            "--out",
            str(tmp / "models"),
            "--fixed-model-name",
            "ours",
        ],
        clean,
    )
    results["training_s"] = training
    ours_model = tmp / "models" / "ours.tar.gz"

    say("training Rasa's default NLU pipeline on the same data ...")
    default_dir = tmp / "default"
    (default_dir / "nlu").mkdir(parents=True)
    for source in [*sorted((ROOT / "data" / "nlu").glob("*.yml")), build / "nlu" / "catalogue.yml"]:
        shutil.copy(source, default_dir / "nlu" / f"{source.parent.name}-{source.name}")
    (default_dir / "config.yml").write_text(
        "recipe: default.v1\nlanguage: xx\nassistant_id: default\npipeline:\npolicies:\n"
    )
    default_training = timed(
        [
            str(BIN / "rasa"),
            "train",
            "nlu",
            "--config",
            str(default_dir / "config.yml"),
            "--nlu",
            str(default_dir / "nlu"),
            "--out",
            str(default_dir),
            "--fixed-model-name",
            "default",
        ],
        clean,
    )
    results["default_training_s"] = default_training
    vanilla_model = train_vanilla(tmp / "vanilla")

    # -- start everything ----------------------------------------------------------------
    ports = {name: free_port() for name in ("catalogue", "actions", "rasa", "vanilla", "default")}
    servers: dict[str, Server] = {}
    fake = FakeTelegram().__enter__()
    bridge: subprocess.Popen[bytes] | None = None
    try:
        launch = time.perf_counter()
        servers["catalogue service"] = catalogue_service(ports["catalogue"], log_path=tmp / "c.log").start()
        servers["action server"] = action_server(
            ports["actions"], f"http://127.0.0.1:{ports['catalogue']}", tmp / "cache", log_path=tmp / "a.log"
        ).start()
        endpoints = write_endpoints(tmp / "endpoints.yml", ports["actions"], tmp / "tracker.db")
        servers["Rasa server"] = rasa_server(
            ports["rasa"], ours_model, endpoints, api_token=TOKEN, bridge_token=TOKEN, log_path=tmp / "r.log"
        ).start(timeout=240)
        ours = f"http://127.0.0.1:{ports['rasa']}"
        first = requests.post(
            f"{ours}/webhooks/rest/webhook", json={"sender": f"web-{'0' * 32}", "message": "hello"}, timeout=60
        )
        assert first.ok and first.json()
        results["first_answer_s"] = time.perf_counter() - launch
        env = base_env(
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_URL=fake.url,
            RASA_URL=ours,
            RASA_API_TOKEN=TOKEN,
            BRIDGE_TOKEN=TOKEN,
            TELEGRAM_STATE=str(tmp / "telegram.db"),
        )
        bridge = subprocess.Popen(
            [sys.executable, "-m", "bot.telegram_bridge"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers["vanilla Rasa server"] = rasa_server(
            ports["vanilla"], vanilla_model, tmp / "vanilla" / "endpoints.yml", log_path=tmp / "v.log"
        ).start(timeout=240)
        servers["default-pipeline NLU server"] = rasa_server(
            ports["default"],
            default_dir / "default.tar.gz",
            tmp / "vanilla" / "endpoints.yml",
            api_token=TOKEN,
            log_path=tmp / "d.log",
        ).start(timeout=240)
        vanilla = f"http://127.0.0.1:{ports['vanilla']}"
        default = f"http://127.0.0.1:{ports['default']}"
        fake.wait_for(lambda f: f.sent(method="getUpdates"), timeout=60)
        for chat in range(20):  # warm the bridge up with real traffic
            fake.user_says(9000 + chat, "hello")
        fake.wait_for(lambda f: len(f.sent()) >= 20, timeout=120)

        # -- understanding ---------------------------------------------------------------------
        say("understanding: held-out set through ours, the default pipeline and BM25 ...")
        examples = held_out()
        understanding = []
        all_ours: list[tuple[str, str]] = []
        for lang in LANGS:
            mine = parse_all(f"{ours}/model/parse?token={TOKEN}", examples[lang])
            theirs = parse_all(f"{default}/model/parse?token={TOKEN}", examples[lang])
            bm25 = bm25_predictions(examples[lang], lang)
            all_ours += mine
            understanding.append(
                {
                    "lang": lang,
                    "ours_f1": macro_f1(mine),
                    "ours_le": life_event_accuracy(mine),
                    "default_f1": macro_f1(theirs),
                    "default_le": life_event_accuracy(theirs),
                    "bm25_le": life_event_accuracy(bm25),
                }
            )
        results["understanding"] = understanding
        confusion_plot(all_ours, OUT / "life_event_confusion.png")

        # -- NLU alone -----------------------------------------------------------------------------
        say("NLU alone: /model/parse ...")
        texts = [text for lang in LANGS for _, text in examples[lang]]
        results["parse"] = [
            {
                "pipeline": name,
                "concurrency": c,
                **parse_load(f"{url}/model/parse?token={TOKEN}", texts, c, args.seconds),
            }
            for c in (1, 8)
            for name, url in (("this assistant", ours), ("Rasa default pipeline", default))
        ]

        # -- conversation turns ----------------------------------------------------------------
        say("conversation turns over REST ...")
        asyncio.run(load(f"{ours}/webhooks/rest/webhook", our_conversation, 4, 5))
        asyncio.run(load(f"{vanilla}/webhooks/rest/webhook", vanilla_conversation, 4, 5))
        turns = []
        for c in (1, 8, 16, 32):
            for name, url, conv in (
                ("this assistant", ours, our_conversation),
                ("vanilla rasa init", vanilla, vanilla_conversation),
            ):
                say(f"  {name} at concurrency {c} ...")
                turns.append(
                    {
                        "assistant": name,
                        "concurrency": c,
                        **summary(asyncio.run(load(f"{url}/webhooks/rest/webhook", conv, c, args.seconds))),
                    }
                )
        results["turns"] = turns

        say("scaling curve ...")
        results["scaling"] = [
            {
                "concurrency": c,
                **summary(asyncio.run(load(f"{ours}/webhooks/rest/webhook", our_conversation, c, args.seconds))),
            }
            for c in (1, 2, 4, 8, 16, 32, 64)
        ]

        # -- resources ------------------------------------------------------------------------
        memory = {name: rss_mb(server) for name, server in servers.items()}
        bridge_status = Path(f"/proc/{bridge.pid}/status").read_text()
        memory["Telegram bridge"] = int(re.search(r"VmRSS:\s+(\d+)", bridge_status).group(1)) / 1024  # type: ignore[union-attr]
        results["memory_mb"] = memory
    finally:
        if bridge is not None:
            bridge.terminate()
            bridge.wait(timeout=15)
        for server in reversed(list(servers.values())):
            server.stop()
        fake.__exit__()

    say("catalogue benchmark ...")
    subprocess.run([sys.executable, "bench/catalogue_bench.py"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    catalogue_md = (OUT / "catalogue.md").read_text()

    results["seconds"] = args.seconds
    write_report(results, catalogue_md, args.seconds)
    shutil.rmtree(tmp, ignore_errors=True)


def write_report(results: dict[str, Any], catalogue_md: str, seconds: float) -> None:
    (OUT / "report.json").write_text(json.dumps(results, indent=2))
    scaling = results["scaling"]
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
    fig.savefig(OUT / "scaling.png", dpi=110)
    plt.close(fig)

    turns = results["turns"]

    def row(name: str, c: int) -> dict[str, Any]:
        return next(r for r in turns if r["assistant"] == name and r["concurrency"] == c)

    ours1, ours8, ours16 = row("this assistant", 1), row("this assistant", 8), row("this assistant", 16)
    van8, van16 = row("vanilla rasa init", 8), row("vanilla rasa init", 16)
    und = results["understanding"]
    total_mb = sum(mb for name, mb in results["memory_mb"].items() if not name.startswith(("vanilla", "default")))
    best_baseline = max(max(u["default_le"], u["bm25_le"]) for u in und)
    headline = table(
        ["target", "measured", "met"],
        [
            [
                "p95 per turn at concurrency 1 < 60 ms",
                f"{ours1['p95_ms']:.1f} ms",
                "yes" if ours1["p95_ms"] < 60 else "no",
            ],
            [
                "turns/s at concurrency 8 ≥ 2× vanilla",
                f"{ours8['turns_per_s']:.1f} vs {van8['turns_per_s']:.1f} "
                f"({ours8['turns_per_s'] / van8['turns_per_s']:.2f}×)",
                "yes" if ours8["turns_per_s"] >= 2 * van8["turns_per_s"] else "no",
            ],
            [
                "turns/s at concurrency 16 ≥ 2× vanilla",
                f"{ours16['turns_per_s']:.1f} vs {van16['turns_per_s']:.1f} "
                f"({ours16['turns_per_s'] / van16['turns_per_s']:.2f}×)",
                "yes" if ours16["turns_per_s"] >= 2 * van16["turns_per_s"] else "no",
            ],
            [
                "life-event accuracy ≥ 95% in every language",
                ", ".join(f"{u['lang']} {u['ours_le']:.1%}" for u in und),
                "yes" if all(u["ours_le"] >= 0.95 for u in und) else "no",
            ],
            [
                "≥ 10 points above the best baseline",
                f"worst margin {min(u['ours_le'] - max(u['default_le'], u['bm25_le']) for u in und) * 100:.1f} points",
                "yes" if all(u["ours_le"] - max(u["default_le"], u["bm25_le"]) >= 0.10 for u in und) else "no",
            ],
            ["total memory < 1.6 GB", f"{total_mb:.0f} MB", "yes" if total_mb < 1600 else "no"],
            [
                "first answer within 30 s of start",
                f"{results['first_answer_s']:.1f} s",
                "yes" if results["first_answer_s"] < 30 else "no",
            ],
            [
                "training < 5 minutes (clean, 2 cores)",
                f"{results['training_s']:.0f} s",
                "yes" if results["training_s"] < 300 else "no",
            ],
        ],
    )
    lines = [
        "# Benchmark report",
        "",
        f"Generated by `make bench` on {time.strftime('%Y-%m-%d %H:%M')} — machine: {os.cpu_count()} cores, "
        f"{total_memory_gib():.0f} GiB RAM, {platform.platform()}, Python {platform.python_version()}, "
        "Rasa 3.6.21. Every comparison ran side by side in this one invocation; "
        f"load figures are from {seconds:.0f}-second closed-loop runs.",
        "",
        "## Headline",
        "",
        *headline,
        "",
        "## 1. Conversation turns over REST",
        "",
        "Ours: real conversations in en/ro/ru (life event → questions with buttons → guide → follow-up → feedback), "
        "SQLite tracker store. Vanilla: `rasa init` with its default config, its own greet/mood/goodbye stories, "
        "in-memory tracker store.",
        "",
        *table(
            ["assistant", "concurrency", "turns", "errors", "p50 ms", "p95 ms", "p99 ms", "turns/s"],
            [
                [
                    r["assistant"],
                    r["concurrency"],
                    r["turns"],
                    r["errors"],
                    f"{r['p50_ms']:.1f}",
                    f"{r['p95_ms']:.1f}",
                    f"{r['p99_ms']:.1f}",
                    f"{r['turns_per_s']:.1f}",
                ]
                for r in turns
            ],
        ),
        "",
        "## 2. NLU alone (`/model/parse`)",
        "",
        *table(
            ["pipeline", "concurrency", "parses", "p50 ms", "p95 ms", "parses/s"],
            [
                [
                    r["pipeline"],
                    r["concurrency"],
                    r["turns"],
                    f"{r['p50_ms']:.1f}",
                    f"{r['p95_ms']:.1f}",
                    f"{r['turns_per_s']:.1f}",
                ]
                for r in results["parse"]
            ],
        ),
        "",
        "## 3. Understanding (held-out set, tests/nlu)",
        "",
        *table(
            [
                "language",
                "ours: intent macro-F1",
                "ours: life-event acc.",
                "Rasa default: macro-F1",
                "Rasa default: life-event acc.",
                "BM25 search: life-event acc.",
            ],
            [
                [
                    u["lang"],
                    f"{u['ours_f1']:.3f}",
                    f"{u['ours_le']:.1%}",
                    f"{u['default_f1']:.3f}",
                    f"{u['default_le']:.1%}",
                    f"{u['bm25_le']:.1%}",
                ]
                for u in und
            ],
        ),
        "",
        f"Best baseline life-event accuracy in any language: {best_baseline:.1%}. Rasa's default pipeline took "
        f"{results['default_training_s']:.0f} s to train on the same data.",
        "",
        "![Confusion between life events](life_event_confusion.png)",
        "",
        "## 4. Resources",
        "",
        *table(
            ["process", "RSS after the run (MB)"], [[name, f"{mb:.0f}"] for name, mb in results["memory_mb"].items()]
        ),
        f"| **this assistant, total** | **{total_mb:.0f}** |",
        "",
        f"Time from launching the processes to the first answered message: {results['first_answer_s']:.1f} s. "
        "Training from a clean state (spaCy pipeline, catalogue examples, `rasa train` with an empty cache): "
        f"{results['training_s']:.0f} s.",
        "",
        "## 5. Catalogue",
        "",
        *catalogue_md.split("\n", 2)[2].strip().splitlines(),
        "",
        "## 6. Scaling curve",
        "",
        *table(
            ["concurrency", "turns/s", "p50 ms", "p95 ms", "errors"],
            [
                [r["concurrency"], f"{r['turns_per_s']:.1f}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", r["errors"]]
                for r in scaling
            ],
        ),
        "",
        "![Scaling curve](scaling.png)",
        "",
        *GAPS.strip().splitlines(),
        "",
        "## What was done to make it fast",
        "",
        "Measured with py-spy on the Rasa server under load and with per-stage timings (see docs/performance.md).",
        "",
    ]
    (OUT / "report.md").write_text("\n".join(lines), encoding="utf-8")
    update_readme(headline)
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


if __name__ == "__main__":
    main()
