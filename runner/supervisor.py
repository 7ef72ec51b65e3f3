"""Keeping the processes running and stopping them: the one way `make run` and `make run-scaled` do both.

A process that exits is restarted with back-off while the others keep serving. Stopping sends each
process its stop signal (SIGTERM; PostgreSQL's is SIGINT, its fast shutdown) all at once and waits
for them together, killing those that take longer than a few seconds; a profile whose parts depend
on each other stops in groups, one after the other (the scaled profile: HAProxy, the applications,
then Redis and PostgreSQL).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Sequence

from runner.processes import Server

RESTART_TIMEOUT = 180.0  # seconds a restarted process has to answer its health check (Rasa loads its model)
MAX_BACKOFF = 30.0  # seconds between attempts to restart a process that keeps crashing


def stop_on_signals() -> Callable[[], bool]:
    """SIGTERM or SIGINT (Ctrl-C) asks the runner to stop; the function returned says whether one came."""
    asked = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: asked.set())
    signal.signal(signal.SIGINT, lambda *_: asked.set())
    return asked.is_set


def supervise(servers: list[Server], stopping: Callable[[], bool]) -> None:
    """Keep every process running until asked to stop: one that exits is restarted after a
    back-off (1 s, doubling up to 30 s) while the others go on serving."""
    backoff = {server.name: 1.0 for server in servers}
    retry_at: dict[str, float] = {}
    while not stopping():
        for server in servers:
            if server.running:
                continue
            now = time.monotonic()
            if server.name not in retry_at:
                code = server.process.returncode if server.process else None
                print(f"the {server.name} exited (code {code}); restarting in {backoff[server.name]:.0f} s", flush=True)
                retry_at[server.name] = now + backoff[server.name]
            elif now >= retry_at[server.name]:
                del retry_at[server.name]
                try:
                    server.start(timeout=RESTART_TIMEOUT)
                    print(f"the {server.name} is running again", flush=True)
                    backoff[server.name] = 1.0
                except RuntimeError as error:
                    print(f"the {server.name} did not come back: {error}", flush=True)
                    server.terminate()
                    backoff[server.name] = min(backoff[server.name] * 2, MAX_BACKOFF)
        time.sleep(0.5)


def stop_all(*groups: Sequence[Server]) -> None:
    """Stop each group's processes at once (their stop signal, then a kill after a few seconds),
    the groups one after the other."""
    for group in groups:
        for server in group:
            server.terminate()
        for server in group:
            server.wait_stopped()
