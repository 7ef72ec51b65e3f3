"""The per-minute limits (rate_limit): what the Rasa channels and the helpdesk console answer 429 from."""

from __future__ import annotations

import time

import pytest

import rate_limit
from rate_limit import RateLimit


def test_waiting_says_how_long_without_counting() -> None:
    limit = RateLimit(2, window=0.3)
    assert limit.waiting("a") == 0
    assert limit.wait("a") == 0 and limit.waiting("a") == 0  # one counted, one left
    assert limit.wait("a") == 0
    assert 0 < limit.waiting("a") <= 0.3  # full: how long until the first one leaves the window
    assert limit.waiting("a") > 0 and limit.waiting("b") == 0  # asking counted nothing; keys apart
    time.sleep(0.35)
    assert limit.waiting("a") == 0 and limit.wait("a") == 0


def test_keys_seen_once_do_not_pile_up(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]  # a clock of the test's own: however slow the machine, the keys are counted at one instant
    monkeypatch.setattr(rate_limit.time, "monotonic", lambda: now[0])
    limit = RateLimit(5, window=0.05)
    for i in range(10_001):
        limit.wait(f"made-up-{i}")
    assert len(limit.events) == 10_001  # all within the window: none forgotten yet
    now[0] += 0.06
    limit.wait("one more")
    assert list(limit.events) == ["one more"]
