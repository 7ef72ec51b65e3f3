"""The helpdesk's hours on the console's inbox: the same hours and time zone that decide what the
assistant tells a citizen handed over outside them (the page itself: tests/test_console.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from actions.handover import HELPDESK_TIME
from catalogue_client import OpeningHours, Unavailable
from console.hours import hours_now

WEEKDAYS = (OpeningHours(("Mo", "Tu", "We", "Th", "Fr"), "08:00", "17:00"),)


class Catalogue:
    """The catalogue's helpdesk entry, as the client returns it, or the catalogue down."""

    def __init__(self, *offices_hours: tuple[OpeningHours, ...], down: bool = False) -> None:
        self.offices = [SimpleNamespace(opening_hours=hours) for hours in offices_hours]
        self.down = down

    def helpdesk(self, lang: str) -> Any:
        if self.down:
            raise Unavailable("down")
        return SimpleNamespace(organisation=SimpleNamespace(offices=self.offices))


def at(day: int, hour: int, minute: int = 0, zone: dt.tzinfo = HELPDESK_TIME) -> dt.datetime:
    """Day 0 is Monday 2026-11-30."""
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=zone) + dt.timedelta(days=day)


def test_open_on_a_weekday_morning_in_chisinau() -> None:
    now = hours_now(Catalogue(WEEKDAYS), at(2, 10))  # type: ignore[arg-type]
    assert now is not None and now.open_now
    assert (now.hours, now.zone) == ("Mon–Fri 08:00–17:00", "Europe/Chisinau")


def test_closed_on_friday_evening_until_monday_morning() -> None:
    now = hours_now(Catalogue(WEEKDAYS), at(4, 17, 30))  # type: ignore[arg-type]
    assert now is not None and not now.open_now and now.opens == "Mon 08:00"


def test_the_time_is_moldovas_whatever_the_servers_clock() -> None:
    # 06:30 UTC on a Tuesday in winter is 08:30 in Chisinau (UTC+2): open
    now = hours_now(Catalogue(WEEKDAYS), at(1, 6, 30, dt.timezone.utc))  # type: ignore[arg-type]
    assert now is not None and now.open_now
    # 05:30 UTC is 07:30 there: closed, opens at eight
    now = hours_now(Catalogue(WEEKDAYS), at(1, 5, 30, dt.timezone.utc))  # type: ignore[arg-type]
    assert now is not None and now.opens == "Tue 08:00"


def test_nothing_shown_without_structured_hours_or_a_catalogue() -> None:
    assert hours_now(Catalogue(()), at(0, 9)) is None  # type: ignore[arg-type]
    assert hours_now(Catalogue(), at(0, 9)) is None  # type: ignore[arg-type]
    assert hours_now(Catalogue(WEEKDAYS, down=True), at(0, 9)) is None  # type: ignore[arg-type]
