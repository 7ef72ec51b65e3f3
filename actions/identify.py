"""Recognising the citizen's life event — or offering the likeliest ones when unsure."""

from __future__ import annotations

from actions.catalogue import call, catalogue
from actions.conversation import ASKING, GuideAction, Turn, button
from actions.flow import advance, load_event, pending, reset
from actions.handover import hand_over
from actions.matching import answer_from_message, locality_in, prefill, relations_in
from actions.phrases import say
from actions.questions import record_answer

LIFE_EVENT_PREFIX = "life_event_"
SUGGESTION_MIN_CONFIDENCE = 0.05
OUT_OF_SCOPE = "out_of_scope"
MAX_SUGGESTIONS = 3
FAILURES_BEFORE_HANDOVER = 2


def event_id_of(intent: str) -> str | None:
    if intent.startswith(LIFE_EVENT_PREFIX):
        return intent[len(LIFE_EVENT_PREFIX) :].replace("_", "-")
    return None


async def message_locality(turn: Turn) -> str | None:
    localities = await call(catalogue().localities, lang=turn.lang)
    return locality_in(turn.text, turn.entity_values("locality"), localities)


async def answers_pending_question(turn: Turn) -> bool:
    """In the middle of the questions, a message may be an answer the NLU took for something else."""
    if turn.stage != ASKING:
        return False
    event = await load_event(turn)
    question = pending(event, turn) if event else None
    if event is None or question is None:
        return False
    locality = await message_locality(turn) if question.type == "locality" else None
    answer = answer_from_message(question, "", turn.text, turn.entity("option"), locality)
    if answer is None:
        return False
    await record_answer(turn, event, question, answer)
    return True


class ActionStartLifeEvent(GuideAction):
    """Say which life event this is, take what the message already answers, ask the first question."""

    action_name = "action_start_life_event"

    async def handle(self, turn: Turn) -> None:
        event_id = event_id_of(turn.intent)
        if event_id is None:
            return
        if event_id != turn.life_event and await answers_pending_question(turn):
            return
        event = await load_event(turn, event_id)
        assert event is not None
        reset(turn, keep_locality=True)
        turn.set("life_event", event_id)
        relations = await call(catalogue().relations, lang=turn.lang)
        given = prefill(
            event.questions,
            turn.text,
            relations_in(turn.text, relations, turn.entity_values("relation")),
            await message_locality(turn),
        )
        turn.set("answers", {**turn.answers, **given})
        key = "recognised" if any(q.id not in turn.answers for q in event.questions) else "recognised_no_questions"
        turn.send(f"{say(key, turn.lang, title=event.title)}\n{event.description}")
        await advance(turn, event)


class ActionFallback(GuideAction):
    """Not understood: an answer after all, the likeliest life events as buttons, or a person."""

    action_name = "action_fallback"

    async def handle(self, turn: Turn) -> None:
        if await answers_pending_question(turn):
            return
        if turn.failed() >= FAILURES_BEFORE_HANDOVER:
            turn.say("handover_after_failures")
            await hand_over(turn, reason="not_understood")
            return
        person = button(say("talk_to_person_button", turn.lang), "/handover")
        if turn.intent == OUT_OF_SCOPE:  # not about public services: what it can help with, and a person
            turn.say("fallback_nothing")
            turn.say("help", [person])
            return
        suggestions = [
            r["name"]
            for r in turn.ranking
            if str(r.get("name", "")).startswith(LIFE_EVENT_PREFIX)
            and float(r.get("confidence") or 0) >= SUGGESTION_MIN_CONFIDENCE
        ][:MAX_SUGGESTIONS]
        if suggestions:
            events = await call(catalogue().life_events, lang=turn.lang)
            titles = {e.id: e.title for e in events}
            buttons = [button(titles.get(event_id_of(s) or "", s), f"/{s}") for s in suggestions]
            turn.say("fallback_suggest", [*buttons, person])
            return
        turn.say("fallback_nothing")
        if turn.text.strip():
            hits = await call(catalogue().search, turn.text[:200], lang=turn.lang, types=["life_event"], limit=3)
            if len(hits):
                buttons = [button(hit.title, f"/life_event_{hit.id.replace('-', '_')}") for hit in hits]
                turn.say("search_results", [*buttons, person])
                return
        turn.say("help", [person])
