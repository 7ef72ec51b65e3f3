"""Answers: to the catalogue's questions, to "did this help?" and "what was missing?", or a
locality given on its own."""

from __future__ import annotations

from actions.conversation import Turn, button
from actions.flow import advance, pending
from actions.identify import take_facts
from actions.phrases import say
from actions.reading import Reading
from actions.state import Stage
from catalogue_client import LifeEvent, Locality


async def answer(turn: Turn, reading: Reading, event: LifeEvent | None, localities: list[Locality]) -> None:
    """Record the answer, and anything else the message says that answers a later question."""
    assert event is not None and reading.value is not None
    question = pending(event, turn)
    assert question is not None
    turn.answer(question.id, reading.value)
    turn.understood()
    if not turn.payload:  # a place in an answer is where that happened ("the army in Odesa"), nothing more
        await take_facts(turn, event, localities, places=False)
    await advance(turn, event)


def feedback(turn: Turn, reading: Reading) -> None:
    helpful = reading.value == "yes"
    turn.set("feedback", {"helpful": helpful, "life_event": turn.life_event})
    if helpful:
        turn.set("stage", Stage.GUIDED.value)
        turn.say("feedback_thanks")
    else:
        turn.set("stage", Stage.COMMENT.value)
        turn.say("feedback_ask_comment", [button(say("skip_button", turn.lang), "/dont_know")])


def comment(turn: Turn) -> None:
    """The message after "what was missing?" is the comment; the skip button leaves none."""
    turn.set("stage", Stage.GUIDED.value)
    if turn.payload:
        return
    recorded = dict(turn.get("feedback") or {})
    recorded["comment"] = turn.text
    turn.set("feedback", recorded)
    turn.say("feedback_comment_thanks")


def locality(turn: Turn, reading: Reading, event: LifeEvent | None, localities: list[Locality]) -> None:
    """A locality with no question pending: kept for the guide and for "where is the office?"."""
    assert reading.value is not None
    turn.answer("locality", reading.value)
    name = next((loc.name for loc in localities if loc.id == reading.value), reading.value)
    turn.say("locality_noted", locality=name)
    if event is None:
        turn.say("which_situation")
