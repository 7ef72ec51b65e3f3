"""The helpdesk's hours as staff see them: the same structured hours, in Moldova's time
(Europe/Chisinau), that make the assistant tell a citizen handed over outside them when a person
will answer (`actions/handover.py`, in the citizen's language). One source for both: the
catalogue's helpdesk organisation's first contact point, so staff and citizens never read
different hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from actions.guidance import hours_text
from actions.handover import HELPDESK_TIME, next_opening
from actions.phrases import day_names
from catalogue_client import Catalogue, CatalogueError

STAFF_LANGUAGE = "en"


@dataclass(frozen=True)
class HoursNow:
    hours: str  # "Mon–Fri 08:00–17:00"
    zone: str  # "Europe/Chisinau"
    opens: str  # when closed: when the helpdesk opens next ("Mon 08:00"); open now: ""

    @property
    def open_now(self) -> bool:
        return not self.opens


def hours_now(catalogue: Catalogue, now: dt.datetime | None = None) -> HoursNow | None:
    """The helpdesk's hours and whether it is open at `now` (blocking: run in a thread); None
    when the catalogue has no structured hours for it or cannot be reached."""
    try:
        offices = catalogue.helpdesk(lang=STAFF_LANGUAGE).organisation.offices
    except CatalogueError:
        return None
    if not offices or not offices[0].opening_hours:
        return None
    hours = offices[0].opening_hours
    opening = next_opening(hours, (now or dt.datetime.now(HELPDESK_TIME)).astimezone(HELPDESK_TIME))
    opens = f"{day_names(STAFF_LANGUAGE)[opening.weekday()]} {opening:%H:%M}" if opening else ""
    return HoursNow(hours_text(hours, STAFF_LANGUAGE), str(HELPDESK_TIME), opens)
