"""Turning what a citizen wrote into answers to the catalogue's questions.

Everything matched here comes from the catalogue (option labels and keywords,
relation words, locality names), so a new option or locality needs no code.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalogue_client import Locality, Question, Relation
from nlp.text import fold, phrase_in, words

YES_INTENTS = {"affirm"}
NO_INTENTS = {"deny"}
DONT_KNOW_INTENTS = {"dont_know"}
ORDINALS = {
    0: ("first", "1", "1st", "primul", "prima", "intai", "первый", "первая", "первое", "первую"),
    1: ("second", "2", "2nd", "doilea", "doua", "второй", "вторая", "второе", "вторую"),
    2: ("third", "3", "3rd", "treilea", "treia", "третий", "третья", "третье", "третью"),
    3: ("fourth", "4", "4th", "patrulea", "patra", "четвертый", "четвертая", "четвертое"),
}
LAST = ("last", "ultimul", "ultima", "последний", "последняя", "последнее")


def locality_in(text: str, entity_values: Iterable[str], localities: Iterable[Locality]) -> str | None:
    """The locality a message names: the NLU's entity, else a catalogue name found in the text."""
    known = {locality.id: locality for locality in localities}
    for value in entity_values:
        if value in known:
            return value
    for locality in known.values():
        if phrase_in(locality.name, text) or fold(locality.id) in words(text):
            return locality.id
    return None


def option_by_position(question: Question, text: str) -> str | None:
    tokens = set(words(text))
    if tokens & set(LAST):
        return question.options[-1].id
    for index, markers in ORDINALS.items():
        if index < len(question.options) and tokens & {fold(m) for m in markers}:
            return question.options[index].id
    return None


def option_by_words(question: Question, text: str) -> str | None:
    """The one option whose label or keywords the text contains (None when none or several)."""
    found = {
        option.id
        for option in question.options
        for phrase in (option.label, *option.keywords)
        if phrase and phrase_in(phrase, text)
    }
    return found.pop() if len(found) == 1 else None


def relations_in(text: str, relations: Iterable[Relation], entity_values: Iterable[str] = ()) -> set[str]:
    found = set(entity_values)
    for relation in relations:
        if any(phrase_in(word, text) for word in relation.keywords):
            found.add(relation.id)
    return found


def answer_from_message(
    question: Question,
    intent: str,
    text: str,
    option_entity: str | None,
    locality: str | None,
) -> str | None:
    """The citizen's answer to `question`, "?" for "I don't know", or None if it is no answer."""
    if intent in DONT_KNOW_INTENTS:
        return "?"
    if question.type == "locality":
        return locality
    option_ids = {option.id for option in question.options}
    if option_entity in option_ids:
        return option_entity
    if question.type == "yes_no":
        if intent in YES_INTENTS:
            return "yes"
        if intent in NO_INTENTS:
            return "no"
    if intent == "choose":
        return option_by_position(question, text)
    if question.type == "choice":
        return option_by_words(question, text)
    return None


def prefill(
    questions: Iterable[Question],
    text: str,
    relations_found: set[str],
    locality: str | None,
) -> dict[str, str]:
    """Answers a first message already gives: its locality, option keywords, relations."""
    answers: dict[str, str] = {}
    for question in questions:
        if question.type == "locality":
            if locality:
                answers[question.id] = locality
            continue
        matches = {
            option.id
            for option in question.options
            if set(option.relations) & relations_found or any(phrase_in(k, text) for k in option.keywords)
        }
        if len(matches) == 1:
            answers[question.id] = matches.pop()
    return answers
