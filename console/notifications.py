"""A signal that something changed: every live page and push stream of this process waits on it
and wakes at once. Changes made by another console process arrive through Redis's
publish/subscribe when CONSOLE_REDIS_URL is set (`console/redis_relay.py`); without Redis, or
while it is away, each stream also looks at the store every CONSOLE_STORE_POLL seconds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Changes:
    """A version number that moves on each change, and a condition its waiters wake on."""

    def __init__(self, poll: float = 1.0) -> None:
        self.version = 0
        self.poll = poll  # seconds between looks at the store when no change is announced
        self.condition: asyncio.Condition | None = None
        self.listeners: list[Callable[[], None]] = []  # told of this process's own changes (Redis)

    def _condition(self) -> asyncio.Condition:
        if self.condition is None:
            self.condition = asyncio.Condition()
        return self.condition

    def notify(self) -> None:
        """A change made here: waiters here wake, and the listeners pass it on."""
        self.wake()
        for listener in self.listeners:
            listener()

    def wake(self) -> None:
        """A change made here or in another process: waiters here wake."""
        self.version += 1
        condition = self._condition()

        async def wake_all() -> None:
            async with condition:
                condition.notify_all()

        asyncio.get_running_loop().create_task(wake_all())

    async def wait(self, seen: int, timeout: float) -> int:
        """The version once it differs from `seen`, or after `timeout` seconds."""
        condition = self._condition()
        if self.version == seen:
            try:
                async with condition:
                    await asyncio.wait_for(condition.wait_for(lambda: self.version != seen), timeout)
            except asyncio.TimeoutError:
                pass
        return self.version


class Rhythm:
    """When a live stream looks at the store: at once after a change is announced, else every
    `poll` seconds; in between it only keeps the connection open (`keepalive`)."""

    def __init__(self, changes: Changes, keepalive: float) -> None:
        self.changes = changes
        self.keepalive = keepalive
        self.seen = changes.version
        self.looked = time.monotonic()

    async def next(self, limit: float | None = None) -> bool:
        """Waits for the next beat (at most `limit` seconds): true when the store should be read."""
        due = self.looked + self.changes.poll - time.monotonic()
        timeout = max(0.0, min(self.keepalive, due, limit if limit is not None else self.keepalive))
        version = await self.changes.wait(self.seen, timeout)
        if version != self.seen or time.monotonic() >= self.looked + self.changes.poll:
            self.seen, self.looked = version, time.monotonic()
            return True
        return False
