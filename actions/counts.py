"""Numbers in answers: counts against a question's threshold in its unit, amounts with their
multiplier, ages (the citizen's, a child's) against `under` and options' `ages`.
"""

from __future__ import annotations

import re

from actions.answer_words import (
    NEGATORS,
)
from actions.count_words import (
    AGE_BEFORE,
    CHILD_WORDS,
    COUNTED_AFTER,
    HALF_YEAR,
    IS,
    LESS,
    MORE,
    MULTIPLIERS,
    NUMBER_WORDS,
    PUPILS,
    UNITS,
)
from actions.typed import _tokens
from catalogue_client import Question
from folding import stem, words

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def composed(tokens: list[str]) -> list[str]:
    """ "treizeci si opt", "тридцать восемь", "thirty eight": one number (38), as the digits would be."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        tens = NUMBER_WORDS.get(tokens[index])
        skip = 2 if tokens[index + 1 : index + 2] in (["si"], ["и"], ["and"]) else 1
        unit = NUMBER_WORDS.get(tokens[index + skip]) if index + skip < len(tokens) else None
        if tens and tens >= 20 and tens % 10 == 0 and unit and unit < 10:
            out.append(str(int(tens + unit)))
            index += skip + 1
            continue
        out.append(tokens[index])
        index += 1
    return out


def _number(token: str) -> float | None:
    """A number written in digits ("35", "1,5", "1_5" for a decimal kept in one word) or in words
    ("ten", "zece", "десять")."""
    token = token.replace("_", ".")
    return float(token.replace(",", ".")) if NUMBER.fullmatch(token) else NUMBER_WORDS.get(token)


DECIMAL = re.compile(r"(\d)[.,](\d)")


def _multiplier(tokens: list[str], index: int) -> float:
    """ "2 mil lei", "1,5 milioane", "миллиона два": the amount's multiplier, else 1."""
    after = tokens[index + 1 : index + 2]
    before = tokens[index - 1 : index] if index else []
    if before in (["на"], ["около"], ["cam"], ["vreo"], ["about"]) and index >= 2:  # "миллиона на 4"
        before = tokens[index - 2 : index - 1]
    return MULTIPLIERS.get(after[0] if after else "", 0) or MULTIPLIERS.get(before[0] if before else "", 0) or 1.0


def _unit(tokens: list[str]) -> float | None:
    for token in tokens:
        for word, months in UNITS.items():
            if token == word or (len(word) >= 4 and token.startswith(word)):
                return months
    return None


def unit_next_to(tokens: list[str], index: int) -> float | None:
    """The unit of the number at `index`: the word right after it ("5 years", "35 de ani", "10 years
    of"), or right before it ("лет 12"); "63 next month" has none."""
    after = tokens[index + 2 : index + 3] if tokens[index + 1 : index + 2] in (["de"], ["of"]) else []
    return _unit(tokens[index + 1 : index + 2]) or _unit(after) or _unit(tokens[max(0, index - 1) : index])


def numbers_in(text: str, question: Question) -> list[float]:
    """The numbers the citizen gives, in the unit the question counts in ("3 ani" is 36 for a
    question in months), leaving out the ones the question itself names ("12 of the last 24 months")."""
    text = " ".join(words(DECIMAL.sub(r"\1_\2", text)))
    for words_for_half, months in HALF_YEAR.items():
        text = text.replace(words_for_half, months)
    named = {float(n.replace(",", ".")) for n in NUMBER.findall(question.text)} - {question.at_least}
    asked_unit = _unit(words(question.text))
    tokens = composed(words(text))
    found = []
    for index, token in enumerate(tokens):
        value = _number(token)
        if value is None or value in named:
            continue
        given_unit = unit_next_to(tokens, index)
        if asked_unit and given_unit and given_unit != asked_unit:
            value = value * given_unit / asked_unit
        value *= _multiplier(tokens, index)
        before = set(tokens[max(0, index - 2) : index])
        if question.at_least is not None and _says_nothing(before, value, question.at_least):
            continue  # "more than 1.2 million" to "over 1.5 million?"
        if before & LESS or _negated_count(tokens, index):  # "less than 12 months", "n-am stajul de 15 ani"
            value -= 0.5
        elif before & MORE:
            value += 0.5
        found.append(value)
    return found


def _says_nothing(before: set[str], value: float, threshold: float) -> bool:
    """ "more than 1.2 million" says nothing about "at least 1.5 million", nor "less than 20" about 15."""
    return bool(before & MORE and value < threshold or before & LESS and value > threshold)


def _negated_count(tokens: list[str], index: int) -> bool:
    """ "n-am 15 ani", "n-am stajul de 15 ani", "не было 15 лет": a count said not to be reached."""
    return bool(set(tokens[max(0, index - 4) : index]) & NEGATORS)


def number_in(text: str, question: Question) -> float | None:
    numbers = numbers_in(text, question)
    return numbers[0] if numbers else None


def _counted(question: Question, text: str) -> str | None:
    """yes or no from the numbers given: "at least" a threshold, or any age "under" one."""
    if question.type != "yes_no":
        return None
    numbers = numbers_in(text, question)
    if not numbers:
        return None
    if question.at_least is not None:
        return "yes" if numbers[0] >= question.at_least else "no"
    if question.under is not None:
        return _under(question.under, words(text))
    return None


def _under(limit: float, tokens: list[str]) -> str | None:
    """yes if a child's age given is under `limit` ("boys 7 and 12", "7 ani", "she is 4"), no if
    every age is not; yes for children counted without ages ("двое школьников", "трое"); else None
    ("it was only the two of us")."""
    ages = children_ages(tokens) + [
        number
        for i, t in enumerate(tokens)
        if (number := _number(t)) is not None and (unit_next_to(tokens, i) or (i and tokens[i - 1] in IS))
    ]
    if ages:
        return "yes" if any(age < limit for age in ages) else "no"
    return "yes" if children_counted(tokens) or (len(tokens) == 1 and _number(tokens[0]) is not None) else None


def children_counted(tokens: list[str]) -> bool:
    """Children counted without ages: "двое школьников", "doi copii de scoala", "с двумя детьми"."""
    return any(
        _number(t) is not None and set(tokens[i + 1 : i + 3]) & (CHILD_WORDS | PUPILS) for i, t in enumerate(tokens)
    )


def counted_fact(text: str, question: Question) -> str | None:
    """A count given by the way, with what it counts ("only 10 years of work" for "at least 15
    years of contributions?", "12 работников" for "will you have employees?"): yes or no; None
    without a number next to a unit of time or to a word of the question, for an age ("am 61 de
    ani"), nor when several counts add up past the threshold ("10 years in Italy and 8 here")."""
    if question.at_least is None or question.type != "yes_no":
        return None
    asked_unit = _unit(words(question.text))
    asked_words = {stem(word) for word in words(question.text) if len(word) >= 5}
    tokens = composed(_tokens(text))  # with clause ends: in "мне 63 года, стажа 12 лет" the age ends at the comma
    counts = []
    for index, token in enumerate(tokens):
        value = _number(token)
        if value is None or _is_age(tokens, index) or set(tokens[max(0, index - 2) : index]) & CHILD_WORDS:
            continue  # "мне 61 год", "с ребенком 4 года": ages, not counts
        around = tokens[max(0, index - 1) : index] + tokens[index + 1 : index + 3]
        given_unit = unit_next_to(tokens, index)
        if _multiplier(tokens, index) > 1:  # an amount: "оборот миллиона два в год"
            counts.append(value * _multiplier(tokens, index))
        elif given_unit is not None and asked_unit is not None:
            counts.append(value * given_unit / asked_unit - (0.5 if _negated_count(tokens, index) else 0))
        elif given_unit is None and asked_unit is None and {stem(word) for word in around} & asked_words:
            counts.append(value)
    if not counts:
        return None
    if max(counts) >= question.at_least:  # "20 years here and 10 in Portugal"
        return "yes"
    return "no" if sum(counts) < question.at_least else None  # "10 in Italy and 8 here": not ours to add up


def children_ages(tokens: list[str]) -> list[float]:
    """The ages, in years, of children the citizen names with one ("my son is 14", "doi copii de 5 si
    9 ani", "дочке 3 месяца")."""
    ages = []
    for index, token in enumerate(tokens):
        value = _number(token)
        near = tokens[max(0, index - 6) : index] + tokens[index + 1 : index + 5]  # "my 8 year old daughter"
        if value is None or value > 120 or not set(near) & CHILD_WORDS:
            continue
        if set(tokens[index + 1 : index + 2]) & (CHILD_WORDS | PUPILS):  # "two boys": how many, not how old
            continue
        ages.append(value / 12 if unit_next_to(tokens, index) == 1.0 else value)
    return ages


def by_age(question: Question, tokens: list[str]) -> set[str]:
    """The option whose `ages` hold the age the message gives ("am 45 de ani", "my son is 14")."""
    ages = [
        _number(tokens[i]) or 0.0
        for i in range(len(tokens))
        if _number(tokens[i])
        and (_is_age(tokens, i) or (i and tokens[i - 1] in IS and (_number(tokens[i]) or 0) < 120))
    ]
    ages += children_ages(tokens)
    return {o.id for o in question.options if o.ages and ages and o.ages[0] <= ages[0] < o.ages[1]}


def _is_age(tokens: list[str], index: int) -> bool:
    """Whether the number at `index` is the citizen's age: "I'm 61", "am 61 de ani", "мне 61 год",
    "61 years old" — not "am 35 de ani de stagiu"."""
    after = tokens[index + 1 : index + 4]
    unit_at = next((i for i, word in enumerate(after) if _unit([word])), None)
    if unit_at is not None and after[unit_at + 1 : unit_at + 2] == ["old"]:
        return True
    following = after[unit_at + 1 : unit_at + 2] if unit_at is not None else []
    return bool(set(tokens[max(0, index - 1) : index]) & AGE_BEFORE) and not set(following) & COUNTED_AFTER
