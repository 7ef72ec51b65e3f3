"""Full-turn latency over the REST channel: this assistant versus a vanilla `rasa init` assistant.

Both run side by side in the same invocation on this machine. Ours runs its
real stack (catalogue service, action server, Rasa with the trained model and
SQLite tracker store) and realistic conversations in en/ro/ru: a life event,
its questions answered with buttons, the guide, a follow-up, feedback. The
vanilla assistant (`rasa init`, default config, trained here) runs its own
greet / mood / goodbye conversations. Every turn's latency is measured by a
closed-loop asyncio client; reported: p50/p95/p99 and turns per second per
concurrency, errors, and each process's resident memory after the run.

    .venv/bin/python bench/turns_bench.py [--concurrency 1 16] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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

os.environ.setdefault("RATE_PER_CLIENT", "0")  # the load comes from one address: no per-address limit

OPENINGS = [
    "Hi. My dad passed away yesterday in Bălți, what do I do?",
    "Bună ziua, soția a născut ieri o fetiță la Cahul. Ce acte trebuie să fac?",
    "Здравствуйте. Я потерял работу, живу в Кагуле. Что делать?",
    "I want to open my own company in Orhei",
    "Mi-a expirat buletinul, cum îl schimb?",
    "Купил квартиру в Кишинёве, как зарегистрировать собственность?",
]
FOLLOW_UPS = ["how much does it cost?", "cât costă?", "можно ли онлайн?", "what documents do I need?"]
VANILLA = ["hello", "I am feeling great", "bye", "hi there", "I am sad", "yes", "goodbye"]


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    turns: int = 0
    elapsed: float = 0.0


async def post(session: aiohttp.ClientSession, url: str, sender: str, text: str, result: Result) -> list[dict]:
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json()
            ok = response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError):
        body, ok = [], False
    result.latencies.append(time.perf_counter() - start)
    result.turns += 1
    if not ok:
        result.errors += 1
    return body if isinstance(body, list) else []


async def our_conversation(session: aiohttp.ClientSession, url: str, rng: random.Random, result: Result) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    replies = await post(session, url, sender, rng.choice(OPENINGS), result)
    for _ in range(8):  # answer the questions with the first button until the guide
        buttons = (replies[-1].get("buttons") if replies else None) or []
        if not buttons or [b["payload"] for b in buttons] == ["/affirm", "/deny"]:
            break
        replies = await post(session, url, sender, buttons[0]["payload"], result)
    await post(session, url, sender, rng.choice(FOLLOW_UPS), result)
    await post(session, url, sender, "/affirm", result)


async def vanilla_conversation(session: aiohttp.ClientSession, url: str, rng: random.Random, result: Result) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    for text in rng.sample(VANILLA, 5):
        await post(session, url, sender, text, result)


async def load(url: str, conversation, concurrency: int, seconds: float) -> Result:  # type: ignore[no-untyped-def]
    result = Result()
    deadline = time.perf_counter() + seconds
    timeout = aiohttp.ClientTimeout(total=60)

    async def user(index: int) -> None:
        rng = random.Random(index)
        while time.perf_counter() < deadline:
            await conversation(session, url, rng, result)

    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(concurrency)))
        result.elapsed = time.perf_counter() - started
    return result


def summary(result: Result) -> dict[str, float]:
    millis = sorted(x * 1000 for x in result.latencies)

    def pct(p: float) -> float:
        return millis[min(len(millis) - 1, round(p / 100 * (len(millis) - 1)))]

    return {
        "turns": result.turns,
        "errors": result.errors,
        "p50_ms": statistics.median(millis),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "turns_per_s": result.turns / result.elapsed,
    }


def rss_mb(server: Server) -> float:
    """Resident memory of a server process, from /proc (Linux)."""
    assert server.process is not None
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def total_memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def train_vanilla(directory: Path) -> Path:
    print("training the vanilla `rasa init` assistant (default config) ...", flush=True)
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(directory)],
        env=base_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return next((directory / "models").glob("*.tar.gz"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="turns-bench-"))
    vanilla_model = train_vanilla(tmp / "vanilla")
    ports = {name: free_port() for name in ("catalogue", "actions", "rasa", "vanilla")}
    servers = {
        "catalogue service": catalogue_service(ports["catalogue"], log_path=tmp / "catalogue.log"),
        "action server": action_server(
            ports["actions"], f"http://127.0.0.1:{ports['catalogue']}", tmp / "cache", log_path=tmp / "actions.log"
        ),
        "Rasa server": rasa_server(
            ports["rasa"],
            args.model,
            write_endpoints(tmp / "endpoints.yml", ports["actions"], tmp / "tracker.db"),
            log_path=tmp / "rasa.log",
        ),
        "vanilla Rasa server": rasa_server(
            ports["vanilla"], vanilla_model, tmp / "vanilla" / "endpoints.yml", log_path=tmp / "vanilla.log"
        ),
    }
    rows = []
    try:
        for name, server in servers.items():
            print(f"starting the {name} ...", flush=True)
            started = time.perf_counter()
            server.start(timeout=240)
            print(f"  ready in {time.perf_counter() - started:.1f} s", flush=True)
        ours = f"http://127.0.0.1:{ports['rasa']}/webhooks/rest/webhook"
        vanilla = f"http://127.0.0.1:{ports['vanilla']}/webhooks/rest/webhook"
        asyncio.run(load(ours, our_conversation, 2, 5))  # warm-up
        asyncio.run(load(vanilla, vanilla_conversation, 2, 5))
        for concurrency in args.concurrency:
            for label, url, conversation in (
                ("this assistant", ours, our_conversation),
                ("vanilla rasa init", vanilla, vanilla_conversation),
            ):
                print(f"{label}: concurrency {concurrency} for {args.seconds:.0f} s ...", flush=True)
                figures = summary(asyncio.run(load(url, conversation, concurrency, args.seconds)))
                rows.append({"assistant": label, "concurrency": concurrency, **figures})
        memory = {name: rss_mb(server) for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()

    lines = [
        "# Conversation turns over REST",
        "",
        f"Machine: {os.cpu_count()} cores, {total_memory_gib():.0f} GiB, "
        f"Python {platform.python_version()}; {args.seconds:.0f} s per measurement, closed-loop clients.",
        "",
        "| assistant | concurrency | turns | errors | p50 ms | p95 ms | p99 ms | turns/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['assistant']} | {r['concurrency']} | {r['turns']} | {r['errors']} | {r['p50_ms']:.1f} "
            f"| {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['turns_per_s']:.1f} |"
        )
    lines += ["", "| process | RSS after the run (MB) |", "| --- | ---: |"]
    lines += [f"| {name} | {mb:.0f} |" for name, mb in memory.items()]
    ours_total = sum(mb for name, mb in memory.items() if not name.startswith("vanilla"))
    lines.append(f"| this assistant, total | {ours_total:.0f} |")
    report = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "turns.md").write_text(report, encoding="utf-8")
    (out / "turns.json").write_text(json.dumps({"rows": rows, "memory_mb": memory}, indent=2))
    print(report)


if __name__ == "__main__":
    main()
