"""Moving a life-event conversation forward: ask the next question or give the guide.

Shared by the actions that start a life event, record answers, answer
follow-ups and switch language, so "where were we" is decided in one place.
"""

from __future__ import annotations

from actions.catalogue import call, catalogue
from actions.conversation import Turn, button
from actions.guidance import guide_messages, next_question
from actions.phrases import say
from actions.state import UNKNOWN, Stage
from catalogue_client import LifeEvent, Office, Question

LOCALITY_BUTTONS = 8  # the rest of the country's localities are typed


async def load_event(turn: Turn, event_id: str | None = None) -> LifeEvent | None:
    event_id = event_id or turn.life_event
    if not event_id:
        return None
    event: LifeEvent = await call(catalogue().life_event, event_id, lang=turn.lang)
    turn.note_staleness(event)
    return event


def pending(event: LifeEvent, turn: Turn) -> Question | None:
    question_id = turn.get("pending_question")
    return next((q for q in event.questions if q.id == question_id), None)


async def ask(turn: Turn, question: Question) -> None:
    """Say the question with a button per answer (and "I don't know")."""
    dont_know = button(say("dont_know_button", turn.lang), "/dont_know")
    if question.type == "locality":
        localities = await call(catalogue().localities, lang=turn.lang)
        biggest = list(localities)[:LOCALITY_BUTTONS]  # the catalogue lists the biggest towns first
        buttons = [button(loc.name, f'/inform_locality{{"locality": "{loc.id}"}}') for loc in biggest]
        turn.send(f"{question.text}\n{say('locality_hint', turn.lang)}", [*buttons, dont_know])
    else:
        if question.type == "yes_no":
            buttons = [button(o.label, "/affirm" if o.id == "yes" else "/deny") for o in question.options]
        else:
            buttons = [button(o.label, f'/choose{{"option": "{o.id}"}}') for o in question.options]
        turn.send(question.text, [*buttons, dont_know])
    turn.set("pending_question", question.id)
    turn.set("stage", Stage.ASKING.value)


async def advance(turn: Turn, event: LifeEvent) -> None:
    """Ask the next unanswered question, or give the guide when there is none."""
    question = next_question(event, turn.answers)
    if question is not None:
        await ask(turn, question)
    else:
        await give_guide(turn, event)


async def nearest_offices(turn: Turn, locality: str | None) -> dict[str, Office]:
    """The nearest office of each organisation to the citizen's locality, if it is known."""
    if not locality or locality == UNKNOWN:
        return {}
    offices = await call(catalogue().offices_near, locality=locality, limit=100, lang=turn.lang)
    turn.note_staleness(offices)
    nearest: dict[str, Office] = {}
    for office in offices:
        nearest.setdefault(office.organisation, office)
    return nearest


async def give_guide(turn: Turn, event: LifeEvent) -> None:
    answers = turn.answers
    offices = await nearest_offices(turn, answers.get("locality"))
    for message in guide_messages(event, answers, offices, turn.lang):
        turn.send(message)
    turn.set("pending_question", None)
    queued = list(turn.get("queued_life_events") or [])
    turn.set("stage", Stage.FEEDBACK.value)
    if queued:  # two situations: offer the second one; the feedback question when it is declined or done
        turn.set("queued_life_events", queued[1:] or None)
        following = await load_event(turn, queued[0])
        assert following is not None
        turn.set("proposed_life_event", following.id)
        turn.say(
            "next_situation",
            [
                button(say("next_situation_yes_button", turn.lang), "/affirm"),
                button(say("next_situation_no_button", turn.lang), "/deny"),
            ],
            title=following.title,
        )
        return
    ask_feedback(turn)


def ask_feedback(turn: Turn) -> None:
    turn.say(
        "feedback_question",
        [
            button(say("feedback_yes_button", turn.lang), "/affirm"),
            button(say("feedback_no_button", turn.lang), "/deny"),
        ],
    )


async def resume(turn: Turn) -> None:
    """After a digression, ask the pending question again."""
    if turn.stage != Stage.ASKING:
        return
    event = await load_event(turn)
    if event is None:
        return
    question = pending(event, turn)
    if question is not None:
        turn.say("resume")
        await ask(turn, question)


def reset(turn: Turn) -> None:
    """Start over: everything the citizen said is forgotten."""
    turn.set("answers", {})
    turn.set("pending_question", None)
    turn.set("stage", None)
    turn.set("life_event", None)
    turn.set("proposed_life_event", None)
    turn.set("queued_life_events", None)
    turn.set("unclear_message", None)
    turn.understood()
