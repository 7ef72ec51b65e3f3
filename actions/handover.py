"""Handing a conversation over to helpdesk staff.

The request is recorded on the conversation (slot `handover`) with what staff
need to pick it up — when, why, the language and where the conversation
stands; the citizen gets the helpdesk's contacts and hours from the catalogue.
"""

from __future__ import annotations

import datetime as dt

from actions.conversation import Turn, helpdesk_contacts


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
