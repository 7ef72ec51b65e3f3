"""How a message is read in the conversation's state: the one place that decides.

The intent classifier proposes; the state decides, in this order:

1. A pressed button means exactly what it says.
2. While the assistant waits for "start that instead?", a yes or no settles it.
3. "Start over", "a person please" and a language asked for by name are obeyed at any time,
   and so is a clear follow-up question ("where is the office in Comrat?").
4. While a question is pending, the message is first an answer to it (`answers.read_answer`).
5. After the guide, "did it help?" takes a yes or no, and "what was missing?" takes any text
   but a clear new life event.
6. A follow-up (cost, documents, office, online, deadline, amount) is answered where we are.
7. A life event: with none yet, it starts (two at once when two clauses name two, with a clear
   signal each); the same one again adds facts; another one, with a clear signal, is asked
   about ("start that instead?"), except that after the guide a question is about the guide.
8. Then small talk, a service the catalogue does not have, a vague request, a locality given
   on its own, and finally "not understood".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from actions.answers import facts_in, locality_in, polarity, read_answer
from actions.state import UNKNOWN, Stage
from catalogue_client import Locality, Question
from folding import words

LIFE_EVENT_PREFIX = "life_event_"
FOLLOWUPS = ("ask_cost", "ask_online", "ask_office", "ask_documents", "ask_deadline", "ask_amount")
SMALL_TALK = ("greet", "goodbye", "thanks", "help")
COMMANDS = ("start_over", "handover", "change_language")
ANSWER_INTENTS = ("affirm", "deny", "dont_know", "choose", "inform_locality")
START_MIN = 0.3  # below this a first message gets a clarifying question, not a guess ...
EVENT_BEHIND = 0.15  # a life event behind a first question ("what documents do I need to retire?")
START_WITH_LEAD = 0.2  # ... unless it is at least this sure and LEAD times the runner-up
LEAD = 2.5
CLEAR = 0.5  # a life event this sure, in a message that is no answer, is a clear signal
CLEAR_WHILE_ASKING = 0.7  # in the middle of the questions a message is more likely a clumsy answer
COMMAND_MIN = 0.5
FOLLOWUP_WHILE_ASKING = 0.3  # "cât costă certificatul?" in the middle of the questions: a question, if it asks
ASKING_WORDS = frozenset(
    ["how", "what", "where", "when", "cum", "unde", "cand", "cat", "cit", "как", "где", "когда", "сколько"]
)  # a message starting with one of these asks something
QUESTION_WORDS = frozenset(
    ["how", "what", "where", "when", "which", "can", "do", "is", "cum", "ce", "unde", "cand", "cat", "care"]
    + ["se", "pot", "как", "что", "где", "когда", "сколько", "какие", "можно"]
)

# Readings
ANSWER = "answer"  # value: the answer to the pending question
SWITCH = "switch"  # value: the proposed life event, accepted
KEEP = "keep"  # the proposed switch refused: continue where we were
FEEDBACK = "feedback"  # value: "yes" or "no" to "did it help?"
COMMENT = "comment"  # the answer to "what was missing?"
FOLLOWUP = "followup"  # value: the follow-up intent
START = "start"  # value: the life event; also: a second one to guide after it
SAME_EVENT = "same_event"  # the current life event again: facts to take, then where we were
PROPOSE = "propose"  # value: another life event to ask about starting
SMALL = "small_talk"  # value: the intent
COMMAND = "command"  # value: start_over, handover or change_language
OUTSIDE = "outside_catalogue"  # a public service the catalogue does not describe
CLARIFY = "clarify"  # too vague to guess: ask which situation
LOCALITY = "locality"  # value: a locality given with no question pending
OFF_TOPIC = "off_topic"
NOT_UNDERSTOOD = "not_understood"


@dataclass(frozen=True)
class Message:
    text: str
    intent: str
    confidence: float
    payload: bool = False  # a pressed button: its intent and entities are exact
    option: str | None = None  # the option a button carries
    locality: str | None = None  # the locality a button carries
    life_events: tuple[str, ...] = ()  # life events named clause by clause, each with a clear signal
    followup: str | None = None  # the likeliest follow-up intent in the classifier's ranking
    runner_up: float = 0.0  # the second intent's confidence
    best_event: tuple[str, float] | None = None  # the likeliest life-event intent in the ranking, and how likely


@dataclass(frozen=True)
class State:
    stage: str | None = None
    life_event: str | None = None
    question: Question | None = None  # the pending question
    proposed: str | None = None  # the life event the assistant asked about switching to
    questions: tuple[Question, ...] = ()  # all the current life event's questions


@dataclass(frozen=True)
class Reading:
    kind: str
    value: str | None = None
    also: tuple[str, ...] = ()


def event_id_of(intent: str) -> str | None:
    if intent.startswith(LIFE_EVENT_PREFIX):
        return intent[len(LIFE_EVENT_PREFIX) :].replace("_", "-")
    return None


def read(message: Message, state: State, localities: Iterable[Locality] = ()) -> Reading:
    """What the message is, given where the conversation stands."""
    localities = list(localities)
    if message.payload:
        return _read_button(message, state)
    said = polarity(message.text)
    if state.proposed and said:
        return Reading(SWITCH, state.proposed) if said == "yes" else Reading(KEEP)
    if message.intent in COMMANDS and message.confidence >= COMMAND_MIN:
        return Reading(COMMAND, message.intent)
    behind = _event_behind_a_question(message, state)
    if behind is not None:  # "what documents do I need to retire?" as a first message
        return Reading(START, behind)
    if _clear_followup(message) or _question_while_asking(message, state):
        return Reading(FOLLOWUP, message.intent)
    if state.stage == Stage.ASKING and state.question is not None:
        answer = read_answer(state.question, message.text, localities)
        if answer is not None:
            return Reading(ANSWER, answer)
    clear_event = _clear_other_event(message, state)
    after_guide = message.intent not in FOLLOWUPS and not clear_event
    if state.stage == Stage.FEEDBACK and after_guide and (said or message.intent == "thanks"):
        return Reading(FEEDBACK, said or "yes")
    if state.stage == Stage.COMMENT and not clear_event:
        return Reading(COMMENT)
    if message.intent in FOLLOWUPS:
        return Reading(FOLLOWUP, message.intent)
    reading = _read_life_event(message, state)
    if reading is not None:
        return reading
    if message.intent in SMALL_TALK:
        return Reading(SMALL, message.intent)
    if message.intent == "other_service":
        return Reading(OUTSIDE)
    if message.intent == "vague_request":
        return Reading(CLARIFY)
    locality = locality_in(message.text, localities)
    if locality and state.stage not in (None, Stage.ASKING) and _asks(message):  # "or must we go to Chișinău?"
        return Reading(FOLLOWUP, message.followup or "ask_office")
    if locality and not (state.stage == Stage.ASKING and state.question is not None):
        return Reading(LOCALITY, locality)
    if message.intent == "out_of_scope":
        return Reading(OFF_TOPIC)
    return Reading(NOT_UNDERSTOOD)


def _read_button(message: Message, state: State) -> Reading:
    intent, question = message.intent, state.question
    asking = state.stage == Stage.ASKING and question is not None
    if state.proposed and intent in ("affirm", "deny"):
        return Reading(SWITCH, state.proposed) if intent == "affirm" else Reading(KEEP)
    if state.stage == Stage.FEEDBACK and intent in ("affirm", "deny"):
        return Reading(FEEDBACK, "yes" if intent == "affirm" else "no")
    if state.stage == Stage.COMMENT and intent == "dont_know":
        return Reading(COMMENT)
    if asking and question is not None:
        options = {option.id for option in question.options}
        if intent == "dont_know":
            return Reading(ANSWER, UNKNOWN)
        if intent in ("affirm", "deny") and question.type == "yes_no":
            return Reading(ANSWER, "yes" if intent == "affirm" else "no")
        if intent == "choose" and message.option in options:
            return Reading(ANSWER, message.option)
        if intent == "inform_locality" and question.type == "locality" and message.locality:
            return Reading(ANSWER, message.locality)
    event = event_id_of(intent)
    if event is not None:
        return Reading(START, event)
    if intent == "inform_locality" and message.locality:
        return Reading(LOCALITY, message.locality)
    if intent in COMMANDS:
        return Reading(COMMAND, intent)
    if intent in FOLLOWUPS:
        return Reading(FOLLOWUP, intent)
    if intent in SMALL_TALK:
        return Reading(SMALL, intent)
    return Reading(NOT_UNDERSTOOD)


def _clear_followup(message: Message) -> bool:
    """ "Where is the office in Comrat?" in the middle of "did it happen abroad?" is a question, not an answer."""
    return message.intent in FOLLOWUPS and message.confidence >= CLEAR and _asks(message)


WANTS = frozenset(["want", "need", "vreau", "vrem", "trebuie", "хочу", "хотим", "надо", "нужно"])


def _tells_facts(message: Message, state: State) -> bool:
    """A message that answers the current life event's questions, asking for nothing new: a late
    fact, not another situation ("avea o casă și o mașină", not "vreau să-mi cumpăr o mașină")."""
    return not set(words(message.text)) & WANTS and bool(facts_in(state.questions, message.text))


def _question_while_asking(message: Message, state: State) -> bool:
    tokens = words(message.text)
    starts_asking = bool(tokens) and tokens[0] in ASKING_WORDS
    return (
        state.stage == Stage.ASKING
        and message.intent in FOLLOWUPS
        and message.confidence >= FOLLOWUP_WHILE_ASKING
        and starts_asking
    )


def _named_events(message: Message) -> list[str]:
    """The life events a message names: the classifier's top intent first, then the others named
    clause by clause; or, when the top one is among those, the one asked about first."""
    top = event_id_of(message.intent)
    if top in message.life_events:
        named = list(message.life_events)
    else:
        named = list(dict.fromkeys([top, *message.life_events] if top else message.life_events))
    return sorted(named, key=lambda event: event in BROAD)  # "came back from Italy with my car": the car first


BROAD = frozenset(["returning-home"])  # situations others refine: named with another, the other comes first


def _clear_other_event(message: Message, state: State) -> str | None:
    clear = CLEAR_WHILE_ASKING if state.stage == Stage.ASKING else CLEAR
    for event in _named_events(message):
        if event != state.life_event and (event in message.life_events or message.confidence >= clear):
            return event
    return None


def _asks(message: Message) -> bool:
    tokens = words(message.text)
    return "?" in message.text or bool(tokens and tokens[0] in QUESTION_WORDS)


def _event_behind_a_question(message: Message, state: State) -> str | None:
    """A first message that asks a follow-up question about a situation ("what documents do I need
    to retire?", "I want to enrol my kid, what documents do you need?"): the situation, when the
    classifier sees it too (EVENT_BEHIND of it at least, and a third as sure as of the question)."""
    if state.life_event is not None or message.best_event is None or message.intent.startswith(LIFE_EVENT_PREFIX):
        return None
    if message.intent not in FOLLOWUPS and message.intent != "vague_request":
        return None
    name, confidence = message.best_event
    if confidence >= EVENT_BEHIND and confidence >= message.confidence / 3:
        return event_id_of(name)
    return None


def _sure_enough_to_start(message: Message) -> bool:
    """A first message names its life event surely enough: confident, or less so but far ahead of
    anything else ("мы расписались в Москве, как это зарегистрировать тут": 0.28 against 0.09)."""
    return message.confidence >= START_MIN or (
        message.confidence >= START_WITH_LEAD and message.confidence >= LEAD * message.runner_up
    )


def _read_life_event(message: Message, state: State) -> Reading | None:
    events = _named_events(message)
    if not events:
        return None
    if state.life_event is None:
        if len(events) < 2 and not _sure_enough_to_start(message):
            return Reading(CLARIFY)
        return Reading(START, events[0], tuple(events[1:]))
    other = _clear_other_event(message, state)
    after_guide_question = state.stage not in (None, Stage.ASKING) and _asks(message)
    if other is not None and state.stage == Stage.ASKING and _tells_facts(message, state):
        return Reading(SAME_EVENT)  # "avea o casă și o mașină veche": about the death, not buying a car
    if other is None:
        asks_about_it = state.stage is not None and _asks(message) and message.followup
        if state.life_event in events and asks_about_it:  # "where do I go for the funeral allowance?"
            return Reading(FOLLOWUP, message.followup)  # after the guide or in the middle of the questions
        return Reading(SAME_EVENT) if state.life_event in events else None
    if after_guide_question:  # after the guide a question is about the guide
        return Reading(FOLLOWUP, message.followup or "ask_documents")
    return Reading(PROPOSE, other)
