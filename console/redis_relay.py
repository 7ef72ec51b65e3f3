"""Changes passed between console processes through Redis's publish/subscribe (CONSOLE_REDIS_URL,
the scaled profile): a claim, a reply or a new waiting conversation on one console wakes the
live pages and push streams of every other at once. Redis carries only "something changed" and
who said it; what changed is read from the shared store, so a message lost while Redis restarts
costs at most one look at the store (every CONSOLE_STORE_POLL seconds), never a change."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from console.notifications import Changes

log = logging.getLogger(__name__)
CHANNEL = "console:changes"
RETRY = (0.5, 1.0, 2.0, 5.0)  # seconds before subscribing again after Redis went away


class RedisRelay:
    """Publishes this process's changes and wakes it for the others'."""

    def __init__(self, url: str, changes: Changes) -> None:
        self.client = redis.Redis.from_url(  # a connection Redis closed (a restart) is made again at once
            url,
            socket_timeout=5,
            socket_connect_timeout=2,
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.1), 2),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError],
        )
        self.changes = changes
        self.origin = secrets.token_hex(8)  # this process: its own announcements come back, ignored
        self.pending: set[asyncio.Task[None]] = set()
        changes.listeners.append(self.announce)

    def announce(self) -> None:
        task = asyncio.get_running_loop().create_task(self.publish())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def publish(self) -> None:
        try:
            await self.client.publish(CHANNEL, self.origin)
        except (redis.RedisError, OSError) as error:  # the others look at the store soon enough
            log.warning("could not announce a change through Redis (%s)", type(error).__name__)

    async def run(self, stopping: asyncio.Event) -> None:
        """Listens until `stopping`; subscribes again whenever Redis comes back."""
        failures = 0
        while not stopping.is_set():
            try:
                async with self.client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    if failures:
                        log.info("listening to the other consoles through Redis again")
                        self.changes.wake()  # what was said meanwhile is in the store: look now
                    failures = 0
                    while not stopping.is_set():
                        message = await pubsub.get_message(timeout=1.0)
                        if message and message.get("data") != self.origin.encode():
                            self.changes.wake()
            except (redis.RedisError, OSError) as error:
                log.warning(
                    "Redis is away (%s): the other consoles' changes arrive through the store", type(error).__name__
                )
                delay = RETRY[min(failures, len(RETRY) - 1)]
                failures += 1
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stopping.wait(), delay)

    async def close(self) -> None:
        if self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)
        await self.client.close()
