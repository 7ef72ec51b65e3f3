"""Answers: to the catalogue's questions, to "did this help?", or a locality given on its own."""

from __future__ import annotations

from actions.catalogue import call, catalogue
from actions.conversation import ASKING, COMMENT, FEEDBACK, GUIDED, GuideAction, Turn, button
from actions.flow import advance, ask, load_event, pending
from actions.handover import hand_over
from actions.matching import answer_from_message, locality_in
from actions.phrases import say
from catalogue_client import LifeEvent, Question

FAILURES_BEFORE_HANDOVER = 2


async def record_answer(turn: Turn, event: LifeEvent, question: Question, answer: str) -> None:
    turn.answer(question.id, answer)
    turn.understood()
    await advance(turn, event)


class ActionAnswer(GuideAction):
    """Yes, no, "I don't know", an option or a locality: recorded, then the conversation moves on."""

    action_name = "action_answer"

    async def handle(self, turn: Turn) -> None:
        if turn.stage == FEEDBACK and turn.intent in ("affirm", "deny"):
            self.record_feedback(turn)
            return
        localities = await call(catalogue().localities, lang=turn.lang)
        locality = locality_in(turn.text, turn.entity_values("locality"), localities)
        event = await load_event(turn)
        question = pending(event, turn) if event and turn.stage == ASKING else None
        if event is not None and question is not None:
            answer = answer_from_message(question, turn.intent, turn.text, turn.entity("option"), locality)
            if answer is not None:
                await record_answer(turn, event, question, answer)
            elif turn.failed() >= FAILURES_BEFORE_HANDOVER:
                turn.say("handover_after_failures")
                await hand_over(turn, reason="not_understood")
            else:
                turn.say("answer_not_understood")
                await ask(turn, question)
            return
        if locality is not None:
            turn.answer("locality", locality)
            name = next((loc.name for loc in localities if loc.id == locality), locality)
            turn.say("locality_noted", locality=name)
            if event is None:
                turn.say("which_situation")
            return
        turn.say("which_situation")

    @staticmethod
    def record_feedback(turn: Turn) -> None:
        helpful = turn.intent == "affirm"
        turn.set("feedback", {"helpful": helpful, "life_event": turn.life_event})
        if helpful:
            turn.set("stage", GUIDED)
            turn.say("feedback_thanks")
        else:
            turn.set("stage", COMMENT)
            turn.say("feedback_ask_comment", [button(say("skip_button", turn.lang), "/dont_know")])
