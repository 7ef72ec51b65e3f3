"""Consoles telling each other of changes through a real Redis (console/redis_relay.py), on a free
port: what one announces wakes the other at once, its own announcements do not wake it twice, and
after Redis restarts the relay listens again (the consoles themselves: tests/test_scaled.py)."""

from __future__ import annotations

import asyncio
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.notifications import Changes
from console.redis_relay import RedisRelay
from runner.processes import free_port
from runner.services import Service, redis

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs Debian's redis-server: `make setup` installs it"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Service, str]]:
    password, port = secrets.token_urlsafe(16), free_port()
    service = redis(tmp_path / "redis", port, password, tmp_path / "redis.log")
    service.start(timeout=20)
    try:
        yield service, f"redis://:{password}@127.0.0.1:{port}/0"
    finally:
        service.stop()


async def woken(changes: Changes, seen: int, timeout: float = 10.0) -> bool:
    """Whether `changes` moves past `seen` within `timeout` seconds (a deadline, not a speed)."""
    return await changes.wait(seen, timeout) != seen


async def listening(relay: RedisRelay) -> None:
    """Until the relay's subscription is in place (Redis counts its subscribers)."""
    for _ in range(100):
        counts = dict(await relay.client.pubsub_numsub("console:changes"))
        if counts.get(b"console:changes", 0) >= 1:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the relay did not subscribe")


def test_a_change_announced_by_one_console_wakes_the_other(server: tuple[Service, str]) -> None:
    service, url = server

    async def scenario() -> None:
        stopping = asyncio.Event()
        here, there = Changes(), Changes()
        relays = [RedisRelay(url, here), RedisRelay(url, there)]
        tasks = [asyncio.create_task(relay.run(stopping)) for relay in relays]
        for relay in relays:
            await listening(relay)
        seen_here, seen_there = here.version, there.version
        here.notify()  # a claim on this console
        assert await woken(there, seen_there)
        await asyncio.sleep(0.3)
        assert here.version == seen_here + 1  # its own announcement came back and was ignored

        service.stop()  # Redis restarts: announcements fail quietly, the relays wait and subscribe again
        here.notify()
        service.start(timeout=20)
        for relay in relays:
            await listening(relay)
        seen_there = there.version
        here.notify()
        assert await woken(there, seen_there)
        stopping.set()
        await asyncio.gather(*tasks)
        for relay in relays:
            await relay.close()

    asyncio.run(scenario())
