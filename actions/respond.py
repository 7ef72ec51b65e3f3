"""The one action every message runs: read it in the conversation's state, then do what it is."""

from __future__ import annotations

import logging

from actions import followups, identify, questions, session
from actions import reading as r
from actions.catalogue import call, catalogue
from actions.conversation import GuideAction, Turn
from actions.flow import load_event, pending
from actions.state import Stage

log = logging.getLogger(__name__)


class ActionRespond(GuideAction):
    action_name = "action_respond"

    async def handle(self, turn: Turn) -> None:
        event = await load_event(turn)
        localities = list(await call(catalogue().localities, lang=turn.lang))
        question = pending(event, turn) if event is not None and turn.stage == Stage.ASKING else None
        questions = event.questions if event is not None else ()
        state = r.State(turn.stage, turn.life_event, question, turn.get("proposed_life_event"), questions)
        reading = r.read(turn.message(), state, localities)
        log.debug("read %s/%.2f in %s as %s", turn.intent, turn.confidence, turn.stage, reading)
        if state.proposed and reading.kind not in (r.SWITCH, r.KEEP):
            turn.set("proposed_life_event", None)
        if turn.language_changed and reading != r.Reading(r.COMMAND, "change_language"):
            turn.say("language_changed")
        await self.act(turn, reading, event, localities)

    @staticmethod
    async def act(turn: Turn, reading: r.Reading, event, localities) -> None:  # type: ignore[no-untyped-def]
        kind = reading.kind
        if kind == r.ANSWER:
            await questions.answer(turn, reading, event, localities)
        elif kind in (r.START, r.SWITCH):
            await identify.start(turn, reading, localities)
        elif kind == r.KEEP:
            await identify.keep(turn, event)
        elif kind == r.PROPOSE:
            await identify.propose(turn, reading, event)
        elif kind == r.SAME_EVENT:
            await identify.same_event(turn, event, localities)
        elif kind == r.FEEDBACK:
            questions.feedback(turn, reading)
        elif kind == r.COMMENT:
            questions.comment(turn)
        elif kind == r.FOLLOWUP:
            await followups.followup(turn, reading, event, localities)
        elif kind == r.LOCALITY:
            questions.locality(turn, reading, event, localities)
        elif kind == r.COMMAND:
            await session.command(turn, reading.value or "")
        elif kind == r.SMALL:
            await session.small_talk(turn, reading.value or "")
        elif kind == r.OUTSIDE:
            await identify.outside_catalogue(turn)
        elif kind == r.CLARIFY:
            await identify.clarify(turn)
        elif kind == r.OFF_TOPIC:
            await identify.off_topic(turn)
        else:
            await identify.not_understood(turn, event)
