"""Which life event: starting one (or two), switching only when the citizen agrees, and what to
say when the message names none the catalogue has."""

from __future__ import annotations

import re

from actions.answers import facts_in
from actions.catalogue import call, catalogue
from actions.conversation import Turn, button
from actions.flow import advance, ask, ask_feedback, load_event, pending
from actions.guidance import applicable_steps
from actions.handover import hand_over
from actions.phrases import say
from actions.reading import LIFE_EVENT_PREFIX, Reading, event_id_of
from actions.state import FAILURES_BEFORE_HANDOVER, Stage
from catalogue_client import LifeEvent, Locality

SUGGESTION_MIN_CONFIDENCE = 0.05
CLOSE_MATCH = 20.0  # a search score below this is a coincidence of words ("gun permit" -> residence permit)
MAX_SUGGESTIONS = 3


async def take_facts(
    turn: Turn, event: LifeEvent, localities: list[Locality], places: bool = True, text: str | None = None
) -> None:
    """Whatever the message says that answers a question of `event` not answered yet; `places`:
    whether a town or a country named counts (in an answer to another question only the town the
    citizen says they live in)."""
    relations = await call(catalogue().relations, lang=turn.lang)
    open_questions = [q for q in event.questions if q.id not in turn.answers]
    said = without_title(turn.text if text is None else text, event.title)
    given = facts_in(open_questions, said, relations, localities, places)
    if given:
        turn.set("answers", {**turn.answers, **given})


def without_title(text: str, title: str) -> str:
    """The message less the life event's own title, which names no fact of the citizen's ("Identity
    documents: identity card and passport" typed back is not "I need both")."""
    return re.sub(re.escape(title), " ", text, flags=re.IGNORECASE)


async def start(turn: Turn, reading: Reading, localities: list[Locality]) -> None:
    """Say which life event this is (and the second one, if two), take the facts given, ask on."""
    assert reading.value is not None
    event = await load_event(turn, reading.value)
    assert event is not None
    turn.set("life_event", event.id)
    turn.set("pending_question", None)
    turn.set("stage", None)
    turn.set("proposed_life_event", None)
    turn.understood()
    await take_facts(turn, event, localities)
    unclear = turn.get("unclear_message")
    if unclear:  # the first message, too unclear to start from, still told its facts
        await take_facts(turn, event, localities, text=str(unclear))
        turn.set("unclear_message", None)
    queued = []
    for other_id in reading.also[:1]:
        other = await load_event(turn, other_id)
        assert other is not None
        await take_facts(turn, other, localities)
        queued.append(other.id)
        turn.say("two_situations", first=event.title, second=other.title)
    turn.set("queued_life_events", queued or None)
    key = "recognised" if any(q.id not in turn.answers for q in event.questions) else "recognised_no_questions"
    turn.send(f"{say(key, turn.lang, title=event.title)}\n{event.description}")
    await advance(turn, event)


async def propose(turn: Turn, reading: Reading, event: LifeEvent | None) -> None:
    """Another life event in the middle of the questions: ask before dropping anything."""
    assert reading.value is not None and event is not None
    other = await load_event(turn, reading.value)
    assert other is not None
    turn.set("proposed_life_event", other.id)
    turn.say(
        "switch_propose",
        [
            button(say("switch_yes_button", turn.lang), "/affirm"),
            button(say("switch_no_button", turn.lang, title=event.title), "/deny"),
        ],
        title=other.title,
    )


async def keep(turn: Turn, event: LifeEvent | None) -> None:
    """The switch refused: the answers are all still there; ask the pending question again (or,
    the second situation declined after a guide, whether the guide helped)."""
    turn.set("proposed_life_event", None)
    if turn.stage == Stage.FEEDBACK:
        ask_feedback(turn)
        return
    if event is None:
        turn.say("which_situation")
        return
    turn.say("switch_kept", title=event.title)
    question = pending(event, turn) if turn.stage == Stage.ASKING else None
    if question is not None:
        await ask(turn, question)


async def same_event(turn: Turn, event: LifeEvent | None, localities: list[Locality]) -> None:
    """The current life event again: take the new facts; then the next question, or the guide's steps."""
    assert event is not None
    before = turn.answers
    await take_facts(turn, event, localities)
    if turn.stage == Stage.ASKING:
        if turn.answers != before:
            turn.say("same_event_noted")
        await advance(turn, event)
        return
    if turn.stage is None:
        await advance(turn, event)
        return
    steps = applicable_steps(event, turn.answers)
    lines = [say("guide_question", turn.lang, title=event.title)]
    lines += [f"{n}. {step.service.title}" for n, (step, _) in enumerate(steps, start=1)]
    lines.append(say("guide_question_hint", turn.lang))
    turn.send("\n".join(lines))


def person_button(turn: Turn) -> dict[str, str]:
    return button(say("talk_to_person_button", turn.lang), "/handover")


async def outside_catalogue(turn: Turn) -> None:
    """A public service the catalogue does not describe: say so, offer the closest ones and a person."""
    turn.say("outside_catalogue")
    query = turn.text[:200]
    found = await call(catalogue().search, query, lang=turn.lang, types=["service"], limit=3)
    services = [hit for hit in found if hit.score >= CLOSE_MATCH]
    found = await call(catalogue().search, query, lang=turn.lang, types=["life_event"], limit=3)
    events = [hit for hit in found if hit.score >= CLOSE_MATCH]
    if services or events:
        lines = [say("closest_services", turn.lang), *(f"• {hit.title}" for hit in services)]
        buttons = [button(hit.title, f"/{LIFE_EVENT_PREFIX}{hit.id.replace('-', '_')}") for hit in events]
        turn.send("\n".join(lines), [*buttons, person_button(turn)])
    else:
        turn.say("help", [person_button(turn)])
    await _back_to_the_question(turn)


async def clarify(turn: Turn) -> None:
    """Too vague to guess: ask what happened, with the likeliest life events as buttons."""
    buttons = await _likeliest(turn)
    turn.set("unclear_message", turn.text)  # its facts count once the situation is known
    turn.say("clarify", [*buttons, person_button(turn)] if buttons else None)


async def off_topic(turn: Turn) -> None:
    """Not about public services: what the assistant can help with, and a person (after two: a handover)."""
    if turn.failed() >= FAILURES_BEFORE_HANDOVER:
        turn.say("handover_after_failures")
        await hand_over(turn, reason="not_understood")
        return
    turn.say("fallback_nothing")
    turn.say("help", [person_button(turn)])
    await _back_to_the_question(turn)


async def not_understood(turn: Turn, event: LifeEvent | None) -> None:
    """Not an answer, not a question we know: say it again with the options; a person after two misses."""
    if turn.failed() >= FAILURES_BEFORE_HANDOVER:
        turn.say("handover_after_failures")
        await hand_over(turn, reason="not_understood")
        return
    question = pending(event, turn) if event is not None and turn.stage == Stage.ASKING else None
    if question is not None:
        turn.say("answer_not_understood")
        await ask(turn, question)
        return
    buttons = await _likeliest(turn)
    if buttons:
        turn.say("fallback_suggest", [*buttons, person_button(turn)])
        return
    turn.say("fallback_nothing")
    turn.say("help", [person_button(turn)])


async def _likeliest(turn: Turn) -> list[dict[str, str]]:
    suggestions = [
        str(r["name"])
        for r in turn.ranking
        if str(r.get("name", "")).startswith(LIFE_EVENT_PREFIX)
        and float(r.get("confidence") or 0) >= SUGGESTION_MIN_CONFIDENCE
    ][:MAX_SUGGESTIONS]
    if not suggestions:
        return []
    events = await call(catalogue().life_events, lang=turn.lang)
    titles = {e.id: e.title for e in events}
    return [button(titles.get(event_id_of(s) or "", s), f"/{s}") for s in suggestions]


async def _back_to_the_question(turn: Turn) -> None:
    if turn.stage == Stage.ASKING:
        event = await load_event(turn)
        question = pending(event, turn) if event is not None else None
        if question is not None:
            turn.say("resume")
            await ask(turn, question)
