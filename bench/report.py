"""`make bench`: every benchmark in one run, side by side with its baseline, into bench/results/report.md.

1. conversation turns over REST (en/ro/ru) at concurrency 1, 8, 16, 32 vs a vanilla `rasa init` assistant;
2. NLU alone (/model/parse) vs Rasa's default pipeline trained on our data;
3. understanding on the held-out set: ours, Rasa's default pipeline, BM25 over the catalogue;
4. resources: memory per process, time to the first answer, training time from a clean state;
5. the catalogue: client lookups from cache vs HTTP, service requests/s;
6. the scaling curve: turns/s and p95 at concurrency 1..64;
7. long conversations: a turn at turn 10 and at turn 500 per tracker store (bench/tracker_bench.py);
8. the helpdesk console: handover -> inbox, staff reply -> widget and -> Telegram (bridge + Bot API
   stand-in), the assistant's turns with and without the console (bench/console_bench.py).

    .venv/bin/python bench/report.py [--seconds 10] [--quick]
    .venv/bin/python bench/report.py --render    # rewrite report.md from report.json, measuring nothing

--quick (`make bench QUICK=1`: 8 minutes on 2 cores shared with a CI run, instead of over an hour) uses the
trained models/assistant.tar.gz instead of training from a clean state, leaves out Rasa's default
pipeline (43 minutes of training here), runs 5-second loads and shorter tracker and console runs, and
leaves the README's headline table alone; the report says which figures it lacks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_bench import bm25_predictions, held_out, parse_all, parse_load  # noqa: E402
from bench.report_md import OUT, confusion_plot, write_report  # noqa: E402
from bench.turns_bench import (  # noqa: E402
    load,
    our_conversation,
    rss_mb,
    summary,
    train_vanilla,
    vanilla_conversation,
)
from nlp.evaluate import life_event_accuracy, macro_f1  # noqa: E402
from runner.processes import (  # noqa: E402
    BIN,
    Server,
    action_server,
    base_env,
    catalogue_service,
    free_port,
    rasa_server,
    telegram_bridge,
    write_endpoints,
)
from tests.fake_telegram import FakeTelegram  # noqa: E402

os.environ.setdefault("RATE_PER_CLIENT", "0")  # the load comes from one address: no per-address limit

TOKEN = "bench-token"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def rasa_train(env: dict[str, str], *arguments: str | Path) -> float:
    """Seconds `rasa train <arguments>` took."""
    return timed([str(BIN / "rasa"), "train", *map(str, arguments)], env)


@dataclass
class Models:
    ours: Path
    default: Path | None  # Rasa's default NLU pipeline on our data (None with --quick)
    vanilla: Path  # `rasa init`


def train_all(tmp: Path, results: dict[str, Any], quick: bool) -> Models:
    """Ours from a clean state (timed), Rasa's default pipeline on the same data, vanilla `rasa init`;
    with `quick` a copy of the model `make` trained, no default pipeline, vanilla only."""
    if quick:
        results["training_s"] = results["default_training_s"] = None
        (tmp / "models").mkdir()
        ours = Path(shutil.copy(ROOT / "models" / "assistant.tar.gz", tmp / "models" / "ours.tar.gz"))
        return Models(ours, None, train_vanilla(tmp / "vanilla"))
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
    data: list[str | Path] = ["data/nlu", build / "nlu", "data/rules.yml"]
    arguments: list[str | Path] = ["--config", config, "--domain", "domain.yml", "--data", *data]
    training += rasa_train(clean, *arguments, "--out", tmp / "models", "--fixed-model-name", "ours")
    results["training_s"] = training

    say("training Rasa's default NLU pipeline on the same data ...")
    default_dir = tmp / "default"
    (default_dir / "nlu").mkdir(parents=True)
    for source in [*sorted((ROOT / "data" / "nlu").glob("*.yml")), build / "nlu" / "catalogue.yml"]:
        shutil.copy(source, default_dir / "nlu" / f"{source.parent.name}-{source.name}")
    (default_dir / "config.yml").write_text(
        "recipe: default.v1\nlanguage: xx\nassistant_id: default\npipeline:\npolicies:\n"
    )
    config = default_dir / "config.yml"
    nlu: list[str | Path] = ["nlu", "--config", config, "--nlu", default_dir / "nlu", "--out", default_dir]
    results["default_training_s"] = rasa_train(clean, *nlu, "--fixed-model-name", "default")
    return Models(tmp / "models" / "ours.tar.gz", default_dir / "default.tar.gz", train_vanilla(tmp / "vanilla"))


@dataclass
class Running:
    """The servers measured, by name, and their addresses."""

    servers: dict[str, Server] = field(default_factory=dict)
    ours: str = ""
    vanilla: str = ""
    default: str = ""


@contextmanager
def running(tmp: Path, models: Models, fake: FakeTelegram, results: dict[str, Any]) -> Iterator[Running]:
    """Ours (catalogue, actions, Rasa, the Telegram bridge), vanilla and the default pipeline, all
    started, the time to our first answer measured; everything stopped afterwards."""
    ports = {name: free_port() for name in ("catalogue", "actions", "rasa", "vanilla", "default")}
    run = Running()
    servers = run.servers
    try:
        launch = time.perf_counter()
        servers["catalogue service"] = catalogue_service(ports["catalogue"], log_path=tmp / "c.log").start()
        servers["action server"] = action_server(
            ports["actions"], f"http://127.0.0.1:{ports['catalogue']}", tmp / "cache", log_path=tmp / "a.log"
        ).start()
        endpoints = write_endpoints(tmp / "endpoints.yml", ports["actions"], tmp / "tracker.db")
        servers["Rasa server"] = rasa_server(
            ports["rasa"], models.ours, endpoints, api_token=TOKEN, bridge_token=TOKEN, log_path=tmp / "r.log"
        ).start(timeout=240)
        run.ours = f"http://127.0.0.1:{ports['rasa']}"
        first = requests.post(
            f"{run.ours}/webhooks/rest/webhook", json={"sender": f"web-{'0' * 32}", "message": "hello"}, timeout=60
        )
        assert first.ok and first.json()
        results["first_answer_s"] = time.perf_counter() - launch
        bridge_env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.url}
        bridge_env["TELEGRAM_STATE"] = str(tmp / "telegram.db")
        servers["Telegram bridge"] = telegram_bridge(
            run.ours, TOKEN, TOKEN, log_path=tmp / "b.log", **bridge_env
        ).start()
        vanilla_endpoints = tmp / "vanilla" / "endpoints.yml"
        servers["vanilla Rasa server"] = rasa_server(
            ports["vanilla"], models.vanilla, vanilla_endpoints, log_path=tmp / "v.log"
        ).start(timeout=240)
        if models.default:
            servers["default-pipeline NLU server"] = rasa_server(
                ports["default"], models.default, vanilla_endpoints, api_token=TOKEN, log_path=tmp / "d.log"
            ).start(timeout=240)
            run.default = f"http://127.0.0.1:{ports['default']}"
        run.vanilla = f"http://127.0.0.1:{ports['vanilla']}"
        fake.wait_for(lambda f: f.sent(method="getUpdates"), timeout=60)
        for chat in range(20):  # warm the bridge up with real traffic
            fake.user_says(9000 + chat, "hello")
        fake.wait_for(lambda f: len(f.sent()) >= 20, timeout=120)
        yield run
    finally:
        for server in reversed(list(servers.values())):
            server.stop()


def measure_understanding(run: Running) -> list[dict[str, Any]]:
    say("understanding: held-out set through ours, the default pipeline and BM25 ...")
    understanding = []
    all_ours: list[tuple[str, str]] = []
    for lang, pairs in held_out().items():
        mine = parse_all(f"{run.ours}/model/parse?token={TOKEN}", pairs)
        theirs = parse_all(f"{run.default}/model/parse?token={TOKEN}", pairs) if run.default else None
        bm25 = bm25_predictions(pairs, lang)
        all_ours += mine
        understanding.append(
            {
                "lang": lang,
                "ours_f1": macro_f1(mine),
                "ours_le": life_event_accuracy(mine),
                "default_f1": macro_f1(theirs) if theirs else None,
                "default_le": life_event_accuracy(theirs) if theirs else None,
                "bm25_le": life_event_accuracy(bm25),
            }
        )
    confusion_plot(all_ours, OUT / "life_event_confusion.png")
    return understanding


def measure_parse(run: Running, seconds: float) -> list[dict[str, Any]]:
    say("NLU alone: /model/parse ...")
    texts = [text for pairs in held_out().values() for _, text in pairs]
    return [
        {"pipeline": name, "concurrency": c, **parse_load(f"{url}/model/parse?token={TOKEN}", texts, c, seconds)}
        for c in (1, 8)
        for name, url in (("this assistant", run.ours), ("Rasa default pipeline", run.default))
        if url
    ]


def turns(url: str, conversation: Any, concurrency: int, seconds: float) -> dict[str, Any]:
    return dict(summary(asyncio.run(load(f"{url}/webhooks/rest/webhook", conversation, concurrency, seconds))))


def measure_turns(run: Running, seconds: float) -> list[dict[str, Any]]:
    say("conversation turns over REST ...")
    turns(run.ours, our_conversation, 4, 5)  # warm-up
    turns(run.vanilla, vanilla_conversation, 4, 5)
    measured = []
    for c in (1, 8, 16, 32):
        for name, url, conversation in (
            ("this assistant", run.ours, our_conversation),
            ("vanilla rasa init", run.vanilla, vanilla_conversation),
        ):
            say(f"  {name} at concurrency {c} ...")
            measured.append({"assistant": name, "concurrency": c, **turns(url, conversation, c, seconds)})
    return measured


def measure_scaling(run: Running, seconds: float) -> list[dict[str, Any]]:
    say("scaling curve ...")
    return [{"concurrency": c, **turns(run.ours, our_conversation, c, seconds)} for c in (1, 2, 4, 8, 16, 32, 64)]


def run_script(script: str, *arguments: object) -> None:
    say(f"{script} {' '.join(map(str, arguments))} ...")
    command = [sys.executable, f"bench/{script}", *map(str, arguments)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def append_sections() -> None:
    """The tracker stores', the console's and the scaled profile's reports (the last from
    `make bench-scaled`, not run by `make bench`), each its own section after the rest."""
    sections = (("7. Long conversations", "tracker.md"), ("8. Helpdesk console", "console.md"))
    sections += (("9. One and two Rasa replicas on PostgreSQL + Redis (`make bench-scaled`)", "scaled.md"),)
    with (OUT / "report.md").open("a", encoding="utf-8") as report:
        for title, name in sections:
            if (OUT / name).exists():
                report.write(f"\n## {title}\n\n" + (OUT / name).read_text().split("\n", 2)[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=None, help="per load measurement (10, 5 with --quick)")
    parser.add_argument("--quick", action="store_true", help="no training from a clean state, shorter runs")
    parser.add_argument("--render", action="store_true", help="only rewrite the report from report.json")
    args = parser.parse_args()
    if args.render:
        saved = json.loads((OUT / "report.json").read_text())
        write_report(saved, (OUT / "catalogue.md").read_text(), saved["seconds"], readme=not saved.get("quick"))
        append_sections()
        return
    seconds = args.seconds or (5.0 if args.quick else 10.0)
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    results: dict[str, Any] = {"quick": args.quick, "load_at_start": os.getloadavg()[0]}
    models = train_all(tmp, results, args.quick)
    with FakeTelegram() as fake, running(tmp, models, fake, results) as run:
        results["understanding"] = measure_understanding(run)
        results["parse"] = measure_parse(run, seconds)
        results["turns"] = measure_turns(run, seconds)
        results["scaling"] = measure_scaling(run, seconds)
        # the bridge last, as in earlier reports
        order = sorted(run.servers, key=lambda name: name == "Telegram bridge")
        results["memory_mb"] = {name: rss_mb(run.servers[name]) for name in order}
    shutil.rmtree(tmp, ignore_errors=True)
    run_script("catalogue_bench.py")
    run_script("tracker_bench.py", *(["--long", 200, "--turns", 20] if args.quick else []))
    run_script("console_bench.py", *(["--seconds", 10] if args.quick else []))
    results["seconds"] = seconds
    write_report(results, (OUT / "catalogue.md").read_text(), seconds, readme=not args.quick)
    append_sections()


if __name__ == "__main__":
    main()
