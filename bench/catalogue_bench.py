"""Catalogue benchmark: client lookups from cache vs over HTTP, and service requests/s under concurrency.

Starts the real catalogue service on a free port, measures, stops it, and
prints a Markdown table (also written to bench/results/catalogue.md).

    .venv/bin/python bench/catalogue_bench.py [--lookups 500] [--requests 4000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue_client import Catalogue  # noqa: E402

SERVICE = "birth-registration"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarise(samples_s: list[float]) -> tuple[float, float]:
    millis = [s * 1000 for s in samples_s]
    return statistics.median(millis), percentile(millis, 95)


def time_calls(call, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


async def load(url: str, total: int, concurrency: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    remaining = iter(range(total))

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for _ in remaining:
            start = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
                if response.status != 200:
                    errors += 1
            latencies.append(time.perf_counter() - start)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return total / elapsed, latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"starting the catalogue service on {base} ...", flush=True)
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "catalogue_service", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if requests.get(base + "/health", timeout=0.5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        startup = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as cache_dir:
            catalogue = Catalogue(base, cache_path=Path(cache_dir) / "cache")
            catalogue.service(SERVICE)
            print(f"client: {args.lookups} lookups from the warm cache ...", flush=True)
            cached = time_calls(lambda: catalogue.service(SERVICE), args.lookups)

            def over_http() -> None:
                catalogue.clear_cache()
                catalogue.service(SERVICE)

            print(f"client: {args.lookups} lookups over HTTP (cache cleared each time) ...", flush=True)
            uncached = time_calls(over_http, args.lookups)
            catalogue.close()
        print(f"service: {args.requests} requests at concurrency {args.concurrency} ...", flush=True)
        rps, latencies, errors = asyncio.run(
            load(f"{base}/services/{SERVICE}?lang=ro", args.requests, args.concurrency)
        )
    finally:
        server.terminate()
        server.wait(timeout=10)

    cached_p50, cached_p95 = summarise(cached)
    http_p50, http_p95 = summarise(uncached)
    load_p50, load_p95 = summarise(latencies)
    lines = [
        "# Catalogue benchmark",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}",
        f"Service start to first answer: {startup:.2f} s",
        "",
        "| measurement | p50 (ms) | p95 (ms) | other |",
        "| --- | ---: | ---: | --- |",
        f"| client lookup `service('{SERVICE}')` from cache ({args.lookups}×) "
        f"| {cached_p50:.3f} | {cached_p95:.3f} | |",
        f"| client lookup over HTTP, cache cleared ({args.lookups}×) | {http_p50:.3f} | {http_p95:.3f} | "
        f"cache is {http_p50 / cached_p50:.0f}× faster at p50 |",
        f"| service `GET /services/{SERVICE}` at concurrency {args.concurrency} ({args.requests}×) "
        f"| {load_p50:.2f} | {load_p95:.2f} | **{rps:.0f} requests/s**, {errors} errors |",
    ]
    report = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "catalogue.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
