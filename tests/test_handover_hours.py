"""Outside the helpdesk's hours a handover says when a person will answer (actions/handover.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.handover import HELPDESK_TIME, next_opening
from actions.phrases import LANGUAGES, say
from catalogue_client import OpeningHours

WEEKDAYS = [OpeningHours(("Mo", "Tu", "We", "Th", "Fr"), "08:00", "17:00")]
SPLIT = [OpeningHours(("Mo",), "13:00", "17:00"), OpeningHours(("Mo",), "08:00", "12:00")]


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """Day 0 is Monday 2026-11-30."""
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=HELPDESK_TIME) + dt.timedelta(days=day)


@pytest.mark.parametrize(
    ("hours", "now", "opens"),
    [
        (WEEKDAYS, at(2, 10), None),  # Wednesday morning: open
        (WEEKDAYS, at(1, 7, 59), at(1, 8)),  # Tuesday before eight
        (WEEKDAYS, at(4, 17), at(7, 8)),  # Friday at closing time: Monday
        (WEEKDAYS, at(6, 21), at(7, 8)),  # Sunday evening
        (SPLIT, at(0, 9), None),  # the first span, listed second
        (SPLIT, at(0, 12, 30), at(0, 13)),  # the lunch break
        ([], at(0, 9), None),  # no hours known: nothing said
    ],
)
def test_next_opening(hours: list[OpeningHours], now: dt.datetime, opens: dt.datetime | None) -> None:
    assert next_opening(hours, now) == opens


def test_the_outside_hours_phrase_in_every_language() -> None:
    for lang in LANGUAGES:
        text = say("handover_outside_hours", lang, day="Mo", time="08:00")
        assert "08:00" in text and "{" not in text
