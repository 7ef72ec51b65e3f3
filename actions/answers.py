"""Reading what a citizen typed as an answer to one of the catalogue's questions.

The words come from the catalogue (each option's label and keywords in the
citizen's language, foreign places for "abroad" options, locality names and
spellings), so an editor adds a synonym without touching code. What lives
here are the small rules of the three languages: yes and no, negation ("not
abroad" counts against "abroad"), "I don't know", numbers compared with the
threshold a question names, and positions ("the first one").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from actions.answer_words import (
    AFTER_NEGATORS,
    ARTICLES,
    BUT,
    MOLDOVA,
    NEGATIVE_WORDS,
    NEGATORS,
    NO_WORDS,
    ONLY,
    OPTIONAL,
    PHRASE_GAP,
    YES_WORDS,
)
from actions.count_words import (
    LAST,
    ORDINALS,
    PUPILS,
)
from actions.counts import _counted, by_age, children_ages, children_counted, counted_fact
from actions.places import _happened_in_moldova, _home_named, _lived_in, _lives_at, _located, locality_in
from actions.state import UNKNOWN
from actions.typed import NEVER_BETWEEN, _negated, _tokens, dont_know, plain, polarity
from catalogue_client import Locality, Option, Question, Relation
from folding import fold, name_positions, phrase_in, phrase_spans, words

__all__ = ["ORDINALS", "dont_know", "facts_in", "locality_in", "polarity", "read_answer"]


def option_evidence(
    option: Option, tokens: list[str], labels: bool = True, places_after_in: bool = False, places: bool = True
) -> tuple[set[int], bool]:
    """Where the option's words appear in the message affirmed (the words' positions), and
    whether they appear negated. `places`: whether place names count as the option's words."""
    affirmed: set[int] = set()
    negated_at: list[set[int]] = []
    phrases = ((option.label,) if labels else ()) + option.keywords
    if places_after_in:  # by the way, a bare "nothing" says nothing ("ничего не соображаю")
        phrases = tuple(p for p in phrases if not set(words(plain(p))) <= NEGATIVE_WORDS)
    found = [
        (phrase, phrase_spans(plain(phrase), tokens, PHRASE_GAP, NEVER_BETWEEN, NEGATORS, OPTIONAL))
        for phrase in phrases
    ]
    names = option.place_names + (MOLDOVA if option.place == "moldova" and places_after_in else ())
    for name in names if places else ():  # by the way, only "in Spain" tells where, not "a Romanian citizen"
        positions = name_positions(plain(name), tokens)
        if places_after_in:  # "died in Cahul, I live in the UK": where the citizen lives is not where it happened
            positions = [p for p in positions if _located(tokens, p) and not _lives_at(tokens, p)]
        found.append((name, [(p, p + len(words(plain(name)))) for p in positions]))
    elsewhere = {p for other in option.not_in for span in phrase_spans(plain(other), tokens) for p in range(*span)}
    for phrase, spans in found:  # "на молдавских номерах" holds "молдавских" but is not about a licence
        spans = [(start, end) for start, end in spans if not set(range(start, end)) & elsewhere]
        carries_negation = bool(set(words(plain(phrase))) & (NEGATORS | AFTER_NEGATORS | NEGATIVE_WORDS))
        for position, end in spans:
            negated_after = end < len(tokens) and tokens[end] in AFTER_NEGATORS
            if not carries_negation and (_negated(tokens, position) or negated_after):
                negated_at.append(set(range(position, end)))
            else:
                affirmed |= set(range(position, end))
    # "doesn't have a passport yet" affirms a first passport, though "passport" alone is negated there
    return affirmed, any(not where <= affirmed for where in negated_at)


def _after_only(tokens: list[str], position: int) -> bool:
    """Whether "only"/"doar"/"только" stands just before the word at `position` ("only the ID")."""
    before = [token for token in tokens[max(0, position - 3) : position] if token not in ARTICLES]
    return bool(before) and before[-1] in ONLY


def _by_words(
    question: Question, tokens: list[str], labels: bool = True, places_after_in: bool = False, places: bool = True
) -> set[str]:
    """The options the message's words point to: affirmed ones, or the others when some are negated."""
    spans: dict[str, set[int]] = {}
    negated = set()
    for option in question.options:
        where, no = option_evidence(option, tokens, labels, places_after_in, places)
        if where:
            spans[option.id] = where
        if no:
            negated.add(option.id)
    affirmed = (set(spans) - negated) or set(spans)  # said both ways and nothing else: "SRL-ul… firma nu mai are"
    buts = [i for i, token in enumerate(tokens) if token in BUT]
    after_but = {o for o in affirmed if buts and min(spans[o]) > buts[-1]}
    if len(after_but) == 1 and affirmed - after_but:  # "worked in Russia, but without papers"
        return after_but
    abroad, home = _place_option(question, "abroad"), _place_option(question, "moldova")
    if abroad in affirmed and home in affirmed:  # "married in Germany, to register it in Moldova"
        affirmed.discard(home)
    only = {o for o in affirmed if any(_after_only(tokens, p) or tokens[p] in ONLY for p in spans[o])}
    if len(only) == 1:  # "only the ID card, the passport was at home"
        return only
    for option in question.options:  # "I'm British, my fiancée is Moldovan": one foreigner is enough
        if option.id in affirmed and option.outweighs and affirmed - {option.id} <= set(option.outweighs):
            return {option.id}
    for option in question.options:  # "the ID card and the passport" is "both"
        if option.combines and set(option.combines) <= affirmed:
            return {option.id}
    for option_id in affirmed:  # the most specific wins: "ID and passport" covers "ID" and "passport"
        if all(spans[other] <= spans[option_id] for other in affirmed):
            return {option_id}
    if affirmed:
        return affirmed
    if negated:
        rest = {o.id for o in question.options} - negated
        if len(rest) == 1:
            return rest
    return set()


def by_position(question: Question, text: str) -> str | None:
    tokens = set(words(text))
    if tokens & {fold(word) for word in LAST}:
        return question.options[-1].id
    for index, markers in ORDINALS.items():
        if index < len(question.options) and tokens & {fold(m) for m in markers}:
            return question.options[index].id
    return None


def _place_option(question: Question, place: str) -> str | None:
    return next((o.id for o in question.options if o.place == place), None)


def read_answer(question: Question, text: str, localities: Iterable[Locality] = ()) -> str | None:
    """The citizen's answer to `question` (an option id, a locality id, or "?"), or None if it is none.
    A corrected answer counts as corrected: "no... wait, yes", "nu, stai, da", "нет, стоп. да"."""
    concluded = CONCLUSION.search(text)  # "we had a car, but we sold it, so no"
    if concluded and question.type == "yes_no":
        return "yes" if concluded.group(1).lower() in YES_WORDS else "no"
    asked_back = text.rsplit("?", 1)  # "а, брачный договор? не, мы не настолько богатые"
    if (
        len(asked_back) == 2
        and polarity(asked_back[1])
        and words(asked_back[1])[:1]
        and words(asked_back[1])[0] in YES_WORDS | NO_WORDS
    ):
        answer = _read_answer(question, asked_back[1], localities)
        if answer is not None:
            return answer
    taken_back = TAKEN_BACK.search(text)  # "да... хотя нет, …", "da, 17... ba nu": the answer turned round
    if taken_back and question.type == "yes_no":
        return "no" if taken_back.group(1) else "yes"
    corrected = CORRECTION.split(text)
    if len(corrected) > 1 and words(corrected[-1]):
        answer = _read_answer(question, corrected[-1], localities)
        if answer is not None:
            return answer
    return _read_answer(question, text, localities)


CONCLUSION = re.compile(
    r"(?:\b(?:so|deci|так что|значит)[\s,]+|(?:\.\.\.|…)\s*)(yes|no|da|nu|да|нет)\W*$", re.IGNORECASE
)  # "…we sold it, so no", "nu ne-am gîndit la așa ceva... nu"


TAKEN_BACK = re.compile(
    r"(?:\.\.\.|…|,)\s*(?:(хотя нет|ой,? нет|ой,? не|ba nu|actually no)|(хотя да|ой,? да|ba da|actually yes))\b",
    re.IGNORECASE,
)


CORRECTION = re.compile(
    r"\b(?:wait|no wait|stai|стоп|вернее|точнее|подождите|подожди|ba nu|хотя нет|ой нет|actually no)\b[\s,.!—–-]*"
    r"|\b(?:i mean|adica|adică|de fapt|то есть)\b[\s,.!—–-]*(?=(?:yes|no|da|nu|да|нет)\b)",
    re.IGNORECASE,
)  # "i mean" / "de fapt" correct only when an answer follows ("de fapt nici n-avem…" goes on explaining)


def _read_answer(question: Question, text: str, localities: Iterable[Locality] = ()) -> str | None:
    if dont_know(text):
        return UNKNOWN
    if question.type == "locality":
        return locality_in(text, localities)
    tokens = _tokens(text)
    said = polarity(text)
    counted = _counted(question, text)
    found = _by_words(question, tokens, labels=question.type == "choice")
    if counted is not None:
        particle = tokens[0] == "" and said
        but = bool(set(tokens) & BUT)  # "had 3 sellers, but let them all go, now nobody"
        nobody = bool(set(tokens) & NEGATIVE_WORDS)  # "никого не нанимали, только мы двое"
        words_decide = question.under is not None or particle or but or nobody  # an age rule has exceptions
        if len(found) == 1 and counted not in found and words_decide:  # "нет, два года, но неофициально"
            return None if particle and {said} != found else found.pop()
        return None if particle and said != counted else counted
    if not found:
        moldova = _place_option(question, "moldova")
        if moldova and (locality_in(text, localities) or any(name_positions(n, tokens) for n in MOLDOVA)):
            found = {moldova}
    if question.type == "yes_no" and said and tokens and tokens[0] == "":
        return said  # "yes, ..." / "нет, ...": the answer is the first word, whatever follows
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        return None
    if question.type == "yes_no":
        return said or ("yes" if _echoes(question, tokens) else None)
    if said:
        plain = [o.id for o in question.options if o.yes_no == said]
        if len(plain) == 1:
            return plain[0]
    return by_position(question, text) or _by_label_word(question, tokens) or next(iter(by_age(question, tokens)), None)


ECHO_STEM = 6  # letters compared when the question's own words are said back ("intreb" is not "intretinea")


def _content_stems(text: str, shortest: int = ECHO_STEM) -> set[str]:
    return {word[:ECHO_STEM] for word in words(text) if len(word) >= shortest}


LABEL_WORD = 5  # a label's own word this long or longer answers ("valid" for "Yes, a valid Moldovan licence")


def _echoes(question: Question, tokens: list[str]) -> bool:
    """ "I served in the army" to "Did you do military service?": the question's own words, said
    without a negation (a negation is read as "no" before this)."""
    return bool(_content_stems(" ".join(tokens)) & _content_stems(plain(question.text)))


def _by_label_word(question: Question, tokens: list[str]) -> str | None:
    """A word of one option's label that no other option's label (nor the question) has:
    "renting" for "Renting a home", "cooperative" for "Another type of company (…cooperative…)"."""
    said = {t[:ECHO_STEM] for i, t in enumerate(tokens) if len(t) >= LABEL_WORD and not _negated(tokens, i)}
    shared = _content_stems(plain(question.text), LABEL_WORD)
    labels = {option.id: _content_stems(plain(option.label), LABEL_WORD) for option in question.options}
    found = set()
    for option_id, stems in labels.items():
        others = set().union(*(s for other, s in labels.items() if other != option_id))
        if said & (stems - others - shared):
            found.add(option_id)
    return found.pop() if len(found) == 1 else None


def facts_in(
    questions: Iterable[Question],
    text: str,
    relations: Iterable[Relation] = (),
    localities: Iterable[Locality] = (),
    places: bool = True,
) -> dict[str, str]:
    """Answers a message gives by the way, to questions not asked yet: option words, relations, a locality.

    Only the catalogue's words count here, never a bare yes, no or number: those answer the
    question that was asked, not others.
    """
    tokens = _tokens(text)
    related = {r.id for r in relations if any(phrase_in(word, text) for word in r.keywords)}
    locality = _home_named(tokens, localities) if places else _lived_in(tokens, localities)
    answers: dict[str, str] = {}
    for question in questions:
        if question.type == "locality":
            if locality:
                answers[question.id] = locality
            continue
        found = _by_words(question, tokens, labels=question.type == "choice", places_after_in=True, places=places)
        home = _place_option(question, "moldova")
        if not found and home and places and _happened_in_moldova(tokens, localities):
            found = {home}  # "born at the maternity in Chișinău"
        found |= {o.id for o in question.options if set(o.relations) & related}
        counted = counted_fact(text, question)
        if counted:
            found = {counted}
        ages = children_ages(tokens)
        if not found and question.under is not None and ages:  # "my son is 14" for "a child under 18?"
            found = {"yes" if min(ages) < question.under else "no"}
        if not found and question.under is not None and (set(tokens) & PUPILS or children_counted(tokens)):
            found = {"yes"}  # "сын школьник у нас", "cu sotul si doi copii de scoala"
        found = by_age(question, tokens) or found  # "băiatul meu de 22 de ani": an adult
        if len(found) == 1:
            answers[question.id] = found.pop()
    return answers
