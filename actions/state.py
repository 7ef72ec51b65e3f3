"""The conversation's state, named once: its stages, "I don't know", and when a person takes over.

Slots (see the README): `life_event`, `language`, `answers` (question id -> answer), `pending_question`,
`stage`, `proposed_life_event` (a switch the assistant asked about), `queued_life_events` (a second
situation to guide after this one), `failed_attempts`, `handover`, `feedback`.
"""

from __future__ import annotations

from enum import Enum


class Stage(str, Enum):
    ASKING = "asking"  # a question is pending
    FEEDBACK = "feedback"  # the guide was given; "did it help?" is pending
    COMMENT = "comment"  # "what was missing?" is pending
    GUIDED = "guided"  # the guide was given and the feedback settled


UNKNOWN = "?"  # the answer "I don't know"
FAILURES_BEFORE_HANDOVER = 2  # messages in a row not understood before a person is offered
