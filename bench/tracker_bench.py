"""Does a long conversation make each turn slower? A turn at turn 10 versus at turn 500, per tracker store.

In one run, one after the other on the same PostgreSQL, catalogue service and action server: Rasa's
own `SQLTrackerStore` on PostgreSQL (the baseline), this project's `PostgreSQLTrackerStore`
(rasa_addons/postgres_tracker_store.py: the recent turns and what the earlier ones left behind),
and the embedded SQLite store for reference. For each, one conversation is taken to 500 turns
over the REST channel, another to 10; then `--turns` more turns are sent to each, alternately,
and every turn's latency is measured (median, p95), with the Rasa server's CPU time per turn.
Writes bench/results/tracker.md and tracker.json (`make bench` runs it too).

    .venv/bin/python bench/tracker_bench.py [--long 500] [--turns 40]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from runner import settings  # noqa: E402
from runner.processes import action_server, catalogue_service, free_port, rasa_server, write_private  # noqa: E402
from runner.processes import write_endpoints as sqlite_endpoints  # noqa: E402
from runner.services import postgres, postgres_url  # noqa: E402

OUT = ROOT / "bench" / "results"
OPENING = ["Hi. My dad passed away yesterday in Bălți, what do I do?", "no", "yes", "no", "yes"]
FOLLOW_UPS = ["how much does it cost?", "can I do it online?", "what documents do I need?", "where do I go?"]
STORES = {
    "Rasa's SQLTrackerStore (PostgreSQL)": "SQL",
    "PostgreSQLTrackerStore (PostgreSQL, rasa_addons)": "rasa_addons.postgres_tracker_store.PostgreSQLTrackerStore",
    "SQLiteTrackerStore (embedded, rasa_addons)": "sqlite",
}


def say(url: str, sender: str, text: str) -> float:
    began = time.perf_counter()
    response = requests.post(url, json={"sender": sender, "message": text}, timeout=120)
    elapsed = time.perf_counter() - began
    if response.status_code != 200 or not response.json():
        raise RuntimeError(f"turn failed: {response.status_code} {response.text[:200]}")
    return elapsed * 1000


def message(turn: int) -> str:
    return OPENING[turn] if turn < len(OPENING) else FOLLOW_UPS[turn % len(FOLLOW_UPS)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(url: str, pid: int, long: int, turns: int) -> dict[str, dict[str, float]]:
    short_id, long_id = f"web-{uuid.uuid4().hex}", f"web-{uuid.uuid4().hex}"
    for turn in range(long):
        say(url, long_id, message(turn))
        if turn < 10:
            say(url, short_id, message(turn))
        if turn % 100 == 99:
            print(f"    {turn + 1} turns", flush=True)
    latencies: dict[str, list[float]] = {"turn 10": [], f"turn {long}": []}
    cpu: dict[str, float] = {"turn 10": 0.0, f"turn {long}": 0.0}
    for turn in range(turns):
        for name, sender, at in (("turn 10", short_id, 10), (f"turn {long}", long_id, long)):
            before = cpu_seconds(pid)
            latencies[name].append(say(url, sender, message(at + turn)))
            cpu[name] += cpu_seconds(pid) - before
    return {
        name: {
            "p50_ms": statistics.median(values),
            "p95_ms": pct(values, 95),
            "rasa_cpu_ms": cpu[name] / turns * 1000,
            "turns": len(values),
        }
        for name, values in latencies.items()
    }


def endpoints(home: Path, store: str, actions_port: int, pg_port: int, password: str, db: str) -> Path:
    path = home / f"endpoints-{db}.yml"
    if store == "sqlite":
        return sqlite_endpoints(path, actions_port, home / "tracker.db")
    from runner.processes import ACTIONS_HEADER, ACTIONS_TOKEN

    text = (
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f'  headers:\n    {ACTIONS_HEADER}: "{ACTIONS_TOKEN}"\n'
        f"tracker_store:\n  type: {store}\n  dialect: postgresql\n  url: 127.0.0.1\n  port: {pg_port}\n"
        f'  username: postgres\n  password: "{password}"\n  db: {db}\n'
    )
    return write_private(path, text)


def run(long: int, turns: int) -> dict[str, object]:
    import psycopg2

    home = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    os.chmod(home, 0o755)
    password = uuid.uuid4().hex
    ports = {name: free_port() for name in ("pg", "catalogue", "actions", "rasa")}
    logs = home / "logs"
    logs.mkdir()
    servers = [
        postgres(home / "postgres", ports["pg"], password, logs / "postgres.log"),
        catalogue_service(ports["catalogue"], log_path=logs / "catalogue.log"),
        action_server(ports["actions"], f"http://127.0.0.1:{ports['catalogue']}", home / "cache", log_path=logs / "a"),
    ]
    results: dict[str, object] = {}
    try:
        for server in servers:
            server.start(timeout=120)
        connection = psycopg2.connect(postgres_url(ports["pg"], password, "postgres"))
        connection.autocommit = True
        with connection.cursor() as cursor:
            for i in range(len(STORES)):
                cursor.execute(f"CREATE DATABASE store{i}")
        connection.close()
        for i, (name, store) in enumerate(STORES.items()):
            print(f"{name}: a conversation to {long} turns, one to 10, then {turns} turns each ...", flush=True)
            path = endpoints(home, store, ports["actions"], ports["pg"], password, f"store{i}")
            rasa = rasa_server(ports["rasa"], settings.RASA_MODEL, path, log_path=logs / f"rasa-{i}.log")
            rasa.env.update(RATE_PER_CONVERSATION="0", RATE_PER_CLIENT="0")
            rasa.start(timeout=240)
            try:
                assert rasa.process is not None
                url = f"http://127.0.0.1:{ports['rasa']}/webhooks/rest/webhook"
                results[name] = measure(url, rasa.process.pid, long, turns)
                print(f"  {results[name]}", flush=True)
            finally:
                rasa.stop()
    finally:
        for server in reversed(servers):
            server.stop()
        shutil.rmtree(home, ignore_errors=True)
    return results


def write(results: dict[str, dict[str, dict[str, float]]], long: int, turns: int) -> str:
    lines = [
        "# Tracker stores: a turn at turn 10 versus at turn " + str(long),
        "",
        f"Generated by `bench/tracker_bench.py` on {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores, "
        f"{platform.platform()}; one Rasa server, one action server, PostgreSQL 127.0.0.1, one client. "
        f"Each store in turn; {turns} turns measured in each conversation, alternately.",
        "",
        "| tracker store | at turn 10: p50 / p95 | at turn " + str(long) + ": p50 / p95 | Rasa CPU per turn (10 / "
        f"{long}) |",
        "| --- | --- | --- | --- |",
    ]
    for name, figures in results.items():
        short, far = figures["turn 10"], figures[f"turn {long}"]
        lines.append(
            f"| {name} | {short['p50_ms']:.0f} / {short['p95_ms']:.0f} ms | {far['p50_ms']:.0f} / "
            f"{far['p95_ms']:.0f} ms | {short['rasa_cpu_ms']:.0f} / {far['rasa_cpu_ms']:.0f} ms |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--long", type=int, default=500, help="turns of the long conversation")
    parser.add_argument("--turns", type=int, default=40, help="turns measured in each conversation")
    args = parser.parse_args()
    results = run(args.long, args.turns)
    OUT.mkdir(parents=True, exist_ok=True)
    saved = {"long": args.long, "turns": args.turns, "results": results}
    (OUT / "tracker.json").write_text(json.dumps(saved, indent=2))
    text = write(results, args.long, args.turns)  # type: ignore[arg-type]
    (OUT / "tracker.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
