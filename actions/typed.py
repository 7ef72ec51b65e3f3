"""Text as citizens type it: apostrophes, doubled letters and older spellings evened out, clause ends
marked, yes/no and "I don't know" read, negation located.
"""

from __future__ import annotations

import re

from actions.answer_words import (
    AFTER_NEGATORS,
    BARELY,
    DONT_KNOW,
    NEGATION_REACH,
    NEGATORS,
    NO_WORDS,
    RELATIVES,
    YES_WORDS,
)
from folding import fold, words


def dont_know(text: str) -> bool:
    folded = " ".join(words(plain(text)))
    return any(f" {phrase} " in f" {folded} " for phrase in (" ".join(words(plain(p))) for p in DONT_KNOW)) or (
        text.strip() in ("?", "??", "???")
    )


def polarity(text: str) -> str | None:
    """ "yes" or "no" as the message says it: its first word, else a negation, else a yes-word anywhere."""
    tokens = [_said(token) for token in words(plain(text))]
    if not tokens:
        return None
    if tokens[0] in YES_WORDS and tokens[0] not in NO_WORDS:
        return "yes"
    if tokens[0] in NO_WORDS:
        return "no"
    if any(token in NEGATORS for token in tokens):
        return "no"
    if any(token in YES_WORDS for token in tokens):
        return "yes"
    return None


LEADING_PARTICLE = re.compile(r"^\W*(\w+)\s*[,.!;:—–-]+")


CLAUSE_END = "|"  # stands for a comma or a full stop: a negation does not reach past it


# words never inside a phrase: "not", a clause's end, "but", "barely" ("денег еле хватает")
NEVER_BETWEEN = NEGATORS | AFTER_NEGATORS | {CLAUSE_END, "", "but", "dar", "insa", "но", "а"} | BARELY


TOKEN = re.compile(r"\w+|[,.;:!?()]+")


APOSTROPHES = re.compile(r"['’`]")


DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1+", re.IGNORECASE)  # Latin consonants: "aplly", "adress"
DRAWN_OUT = re.compile(r"(\w)\1{2,}")  # "nooo", "daaa", "нееет": a letter held three times or more


def _said(token: str) -> str:
    """A drawn-out yes or no as itself ("nooo", "daaa", "нееет"); any other word unchanged ("ооо")."""
    held = DRAWN_OUT.sub(r"\1", token)
    return held if held != token and held in YES_WORDS | NO_WORDS else token


SINT = re.compile(r"\b([sS])[îi]nt(em|eti|eți)?\b")  # "sînt", "sîntem": "sunt", "suntem"


def plain(text: str) -> str:
    """Text as people type it either way: "don't" as "dont", "oficialy" as "officially" (a doubled
    Latin consonant counts once, on both sides of a comparison), the older "sînt", "sîntem" as "sunt", "suntem"."""
    text = SINT.sub(r"\1unt\2", text)
    return DOUBLED.sub(r"\1", APOSTROPHES.sub("", text))


def _tokens(text: str) -> list[str]:
    """The message's folded words with clause ends marked, a leading "no," / "nu," / "да," blanked:
    it answers, it negates nothing."""
    tokens = [_said(t) if t[0].isalnum() or t[0] == "_" else CLAUSE_END for t in TOKEN.findall(fold(plain(text)))]
    particle = LEADING_PARTICLE.match(fold(text))
    if tokens and particle and _said(particle.group(1)) in YES_WORDS | NO_WORDS:
        tokens[0] = ""
    return tokens


def _negated(tokens: list[str], position: int) -> bool:
    """Whether the word at `position` is turned around by a negator a few words before it.

    A first-word "no"/"нет" followed by more words is an answer particle ("no, here in Moldova"),
    not a negation of what follows; a first-word "nu" followed by a verb is both ("nu suntem").
    """
    if set(tokens[position : position + 2]) & RELATIVES:  # "не можем договориться, с кем останутся дети"
        return False
    for index in range(position - 1, max(0, position - NEGATION_REACH) - 1, -1):
        token = tokens[index]
        if token == CLAUSE_END or token in RELATIVES:
            return False
        if token not in NEGATORS:
            continue
        if index == 0 and token in ("no", "нет", "nope", "nah") and len(tokens) > 1:
            continue
        return True
    return False
