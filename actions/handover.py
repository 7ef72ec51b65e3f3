"""Handing a conversation over to helpdesk staff.

The request is recorded on the conversation (slot `handover`) with what staff
need to pick it up — when, why, the language and where the conversation
stands; the citizen gets the helpdesk's contacts and hours from the catalogue, and, outside those
hours, when a person will answer (the helpdesk console keeps the conversation in its queue and
delivers the answer whenever it is written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from actions.catalogue import call, catalogue
from actions.conversation import Turn, helpdesk_contacts
from actions.phrases import day_names
from catalogue_client import CatalogueError, OpeningHours

# the helpdesk's hours are its organisation's first contact point's, in the catalogue's country's time
HELPDESK_TIME = ZoneInfo("Europe/Chisinau")
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


async def hand_over(turn: Turn, reason: str) -> None:
    turn.set(
        "handover",
        {
            "status": "requested",
            "reason": reason,
            "requested_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "language": turn.lang,
            "life_event": turn.life_event,
            "stage": turn.stage,
            "pending_question": turn.get("pending_question"),
            "answers": turn.answers,
        },
    )
    turn.set("failed_attempts", 0.0)
    turn.say("handover")
    await helpdesk_contacts(turn)
    await tell_when_outside_hours(turn)


def next_opening(hours: Iterable[OpeningHours], now: dt.datetime) -> dt.datetime | None:
    """None while the hours say open at `now`, else when they next open (within a week)."""
    upcoming: list[dt.datetime] = []
    for ahead in range(8):
        day = (now + dt.timedelta(days=ahead)).date()
        code = WEEKDAYS[(now.weekday() + ahead) % 7]
        for span in hours:
            if code not in span.days:
                continue
            opens = dt.datetime.combine(day, dt.time.fromisoformat(span.opens), now.tzinfo)
            closes = dt.datetime.combine(day, dt.time.fromisoformat(span.closes), now.tzinfo)
            if opens <= now < closes:
                return None
            if opens > now:
                upcoming.append(opens)
    return min(upcoming, default=None)


async def tell_when_outside_hours(turn: Turn, now: dt.datetime | None = None) -> None:
    try:
        helpdesk = await call(catalogue().helpdesk, lang=turn.lang)
    except CatalogueError:
        return  # the contacts already said what could be said
    offices = helpdesk.organisation.offices
    if not offices or not offices[0].opening_hours:
        return
    opening = next_opening(offices[0].opening_hours, now or dt.datetime.now(HELPDESK_TIME))
    if opening is not None:
        day = day_names(turn.lang)[opening.weekday()]
        turn.say("handover_outside_hours", day=day, time=opening.strftime("%H:%M"))
