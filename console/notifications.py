"""A signal that something changed: every live page and push stream of this process waits on it
and wakes at once; a change made by another console process is seen through the store's change
mark, looked at once a second."""

from __future__ import annotations

import asyncio


class Changes:
    """A version number that moves on each change, and a condition its waiters wake on."""

    def __init__(self) -> None:
        self.version = 0
        self.condition: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self.condition is None:
            self.condition = asyncio.Condition()
        return self.condition

    def notify(self) -> None:
        self.version += 1
        condition = self._condition()

        async def wake() -> None:
            async with condition:
                condition.notify_all()

        asyncio.get_running_loop().create_task(wake())

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
