"""At most so many events a minute per key (a conversation, an address, an account), counted in
the process's memory: what the Rasa channels and the helpdesk console both answer a 429 with
Retry-After from. Several processes each count their own (a limit per process)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

FORGET_AFTER_KEYS = 10_000


class RateLimit:
    """At most `limit` events a `window` of seconds per key (a sliding window); 0: no limit."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self.events: defaultdict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def waiting(self, key: str) -> float:
        """The seconds before one more event of `key` would be allowed (0: now), counting nothing."""
        if self.limit <= 0:
            return 0.0
        now = time.monotonic()
        with self.lock:
            events = self.events.get(key)
            if events is None or len(events) < self.limit:
                return 0.0
            return max(0.0, events[-self.limit] + self.window - now)

    def wait(self, key: str) -> float:
        """0 when the event may happen now (and it is counted), else the seconds to wait."""
        if self.limit <= 0:
            return 0.0
        now = time.monotonic()
        with self.lock:
            events = self.events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return events[0] + self.window - now
            events.append(now)
            if len(self.events) > FORGET_AFTER_KEYS:  # keys seen once (made-up ids) do not pile up
                for old in [k for k, e in self.events.items() if e[-1] <= now - self.window]:
                    del self.events[old]
            return 0.0
