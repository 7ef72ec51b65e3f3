"""Turns per second, latency, CPU per turn and memory: the embedded profile (`make run`, SQLite)
against the scaled one (`make run-scaled`: PostgreSQL, Redis, HAProxy) with two Rasa replicas
serving and then one, in one run, at 8, 32 and 64 concurrent citizens.

Each citizen is the load generator of bench/turns_bench.py (`our_conversation`: a life event typed
in en/ro/ru, its questions answered with the first button, a follow-up, feedback) over the REST
channel, closed loop. Both profiles run with the Rasa API token set, as they are deployed (the REST
channel itself asks for no token). For each level: turns/s, p50/p95/p99, errors, and the CPU
milliseconds per turn of every process (its children included: PostgreSQL's backends) and of the
load generator itself, which shares the machine; each process's memory (PSS) after the level.

One replica: after the two-replica levels, Rasa server 2 is stopped and the levels run once HAProxy
has taken it out (its health check); both action servers and both consoles keep running.

    .venv/bin/python bench/scaled_bench.py [--seconds 15] [--levels 8 32 64]

Writes bench/results/scaled.md and scaled.json (`make bench-scaled`).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.process_usage import tree_cpu_seconds, tree_pss_mb  # noqa: E402
from bench.scaled_md import write_results  # noqa: E402
from bench.turns_bench import load, our_conversation, summary  # noqa: E402
from runner import scaled, settings  # noqa: E402
from runner.processes import (  # noqa: E402
    Server,
    action_server,
    catalogue_service,
    console_server,
    free_port,
    rasa_server,
    write_endpoints,
)
from runner.services import missing_programs  # noqa: E402

os.environ.setdefault("RATE_PER_CLIENT", "0")  # the load comes from one address: no per-address limit
API_TOKEN, BRIDGE_TOKEN, CONSOLE_SECRET = (secrets.token_urlsafe(24) for _ in range(3))
WEBHOOK = "/webhooks/rest/webhook"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def measure(url: str, servers: list[Server], concurrency: int, seconds: float) -> dict[str, Any]:
    """One level: the load for `seconds`, with every running server's CPU time before and after,
    per answered turn (a refused one costs next to nothing)."""
    pids = {server.name: server.process.pid for server in servers if server.running and server.process}
    before = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
    client_before = sum(os.times()[:2])
    result = asyncio.run(load(url, our_conversation, concurrency, seconds))
    client = sum(os.times()[:2]) - client_before
    turns = max(result.turns - result.errors, 1)
    cpu = {name: (tree_cpu_seconds(pid) - before[name]) * 1000 / turns for name, pid in pids.items()}
    cpu["load generator (this process)"] = client * 1000 / turns
    figures = summary(result)
    return {
        "concurrency": concurrency,
        **figures,
        "answered_per_s": figures["turns_per_s"] * (result.turns - result.errors) / max(result.turns, 1),
        "load_average": os.getloadavg()[0],
        "cpu_ms_per_turn": cpu,
        "pss_mb": {name: tree_pss_mb(pid) for name, pid in pids.items()},
    }


def levels(
    url: str, servers: list[Server], args: argparse.Namespace, profile: str, balancer: scaled.Profile | None = None
) -> list[dict[str, Any]]:
    """Each level of citizens in turn; behind HAProxy (`balancer`), what it saw of the Rasa servers too."""
    asyncio.run(load(url, our_conversation, 4, 5))  # warm-up: caches, connections, first-turn costs
    rows = []
    for concurrency in args.levels:
        say(f"  {profile}: {concurrency} citizens for {args.seconds:.0f} s ...")
        before = haproxy_counters(balancer) if balancer else {}
        row = {"profile": profile, **measure(url, servers, concurrency, args.seconds)}
        if balancer:
            row["haproxy"] = {name: n - before.get(name, 0) for name, n in haproxy_counters(balancer).items()}
        say(f"    {row['answered_per_s']:.1f} answered/s, p95 {row['p95_ms']:.0f} ms, errors {row['errors']}")
        say(f"    {row.get('haproxy', '')}")
        rows.append(row)
    return rows


@contextmanager
def embedded(tmp: Path) -> Iterator[tuple[str, list[Server]]]:
    """What `make run` starts (runner/__main__.py) but the widget's static files: the catalogue, the
    action server, Rasa on SQLite with the event broker, the helpdesk console reading it."""
    ports = {name: free_port() for name in ("catalogue", "actions", "rasa", "console", "push")}
    catalogue_url = f"http://127.0.0.1:{ports['catalogue']}"
    rasa_url = f"http://127.0.0.1:{ports['rasa']}"
    tracker, events = tmp / "tracker.db", tmp / "events.db"
    endpoints = write_endpoints(tmp / "endpoints.yml", ports["actions"], tracker, events_db=events)
    console = console_server(ports["console"], ports["push"], rasa_url, API_TOKEN, CONSOLE_SECRET, tmp)
    console.env.update(BRIDGE_TOKEN=BRIDGE_TOKEN, CATALOGUE_URL=catalogue_url)
    servers = [
        catalogue_service(ports["catalogue"], log_path=tmp / "catalogue.log"),
        action_server(ports["actions"], catalogue_url, tmp / "cache", log_path=tmp / "actions.log"),
        rasa_server(
            ports["rasa"],
            settings.RASA_MODEL,
            endpoints,
            api_token=API_TOKEN,
            bridge_token=BRIDGE_TOKEN,
            log_path=tmp / "rasa.log",
        ),
        console,
    ]
    console.log_path = tmp / "console.log"
    try:
        for server in servers:
            say(f"starting the {server.name} ...")
            server.start(timeout=240)
        yield rasa_url + WEBHOOK, servers
    finally:
        for server in reversed(servers):
            server.stop()


@contextmanager
def scaled_profile(var: Path) -> Iterator[scaled.Profile]:
    """The scaled profile as `make run-scaled` builds it, every port a free one (as tests/test_scaled.py)."""
    os.chmod(var, 0o755)
    ports = scaled.Ports()  # where HAProxy and the single processes listen: free ports too, not `make run`'s
    for name in ("rasa", "actions", "catalogue", "console", "console_push", "widget"):
        setattr(ports, name, free_port())
    profile = scaled.build(var, ports, API_TOKEN, BRIDGE_TOKEN, CONSOLE_SECRET)
    started: list[Server] = []
    try:
        scaled.start(profile, started, timeout=240)
        yield profile
    finally:
        scaled.stop(profile, started)


def rasa_stats(profile: scaled.Profile) -> dict[str, dict[str, str]]:
    """HAProxy's statistics (CSV) of the Rasa servers, the frontend and the backend, by name."""
    text = requests.get(f"http://127.0.0.1:{profile.ports.stats}/stats;csv", timeout=5).text.lstrip("# ")
    return {row["svname"]: row for row in csv.DictReader(io.StringIO(text)) if row["pxname"] == "rasa"}


def haproxy_counters(profile: scaled.Profile) -> dict[str, int]:
    """How often HAProxy took each Rasa server out (failed health checks), and the 5xx answers:
    in all (to the citizens) and from the Rasa servers themselves (the rest are HAProxy's own 503s)."""
    stats = rasa_stats(profile)
    servers = [name for name in stats if name not in ("FRONTEND", "BACKEND")]
    counters = {f"{name} taken out": int(stats[name]["chkdown"] or 0) for name in servers}
    counters["5xx in all"] = int(stats["FRONTEND"]["hrsp_5xx"] or 0)
    counters["5xx from Rasa"] = sum(int(stats[name]["hrsp_5xx"] or 0) for name in servers)
    return counters


def one_replica(profile: scaled.Profile) -> None:
    """Stop Rasa server 2 and wait until HAProxy has taken it out."""
    second = next(server for server in profile.replicas("Rasa server") if server.name.endswith("2"))
    second.stop()
    deadline = time.monotonic() + 30
    while rasa_stats(profile)["rasa2"]["status"] != "DOWN":
        if time.monotonic() > deadline:
            raise RuntimeError("HAProxy did not take Rasa server 2 out within 30 s")
        time.sleep(0.3)


def only_logs(folder: str, names: list[str]) -> list[str]:
    """What copying the run's folder leaves out: everything but the logs (no secret, no database)."""
    return [name for name in names if not (name.endswith(".log") or name in ("embedded", "scaled", "logs"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0, help="per level (15)")
    parser.add_argument("--levels", type=int, nargs="+", default=[8, 32, 64], help="concurrent citizens")
    args = parser.parse_args()
    missing = missing_programs()
    if missing:
        raise SystemExit(f"missing Debian packages: {' '.join(missing)} (make scaled-packages installs them)")
    began = time.time()
    results: dict[str, Any] = {"seconds": args.seconds, "cores": os.cpu_count(), "load_at_start": os.getloadavg()[0]}
    tmp = Path(tempfile.mkdtemp(prefix="scaled-bench-"))
    os.chmod(tmp, 0o755)  # the postgres user must reach PostgreSQL's folder inside
    rows: list[dict[str, Any]] = []
    try:
        say("embedded profile (SQLite) ...")
        (tmp / "embedded").mkdir()
        with embedded(tmp / "embedded") as (url, servers):
            rows += levels(url, servers, args, "embedded (SQLite)")
        say("scaled profile (PostgreSQL, Redis, HAProxy) ...")
        (tmp / "scaled").mkdir()
        with scaled_profile(tmp / "scaled") as profile:
            url = f"http://127.0.0.1:{profile.ports.rasa}{WEBHOOK}"
            rows += levels(url, profile.servers, args, "scaled, 2 Rasa replicas", profile)
            say("stopping Rasa server 2 ...")
            one_replica(profile)
            rows += levels(url, profile.servers, args, "scaled, 1 Rasa replica", profile)
    finally:
        logs = ROOT / "build" / "reports" / "scaled-bench-logs"  # every process's log, for an error's cause
        shutil.rmtree(logs, ignore_errors=True)
        shutil.copytree(tmp, logs, ignore=only_logs)
        shutil.rmtree(tmp, ignore_errors=True)
    results.update(rows=rows, minutes=(time.time() - began) / 60, date=time.strftime("%Y-%m-%d %H:%M UTC"))
    print(write_results(results))


if __name__ == "__main__":
    main()
