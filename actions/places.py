"""Places in answers: the locality the citizen lives in, a town or country where something happened
or came from, and what does not say so ("came back from Spain", "register it in Moldova").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from actions.answer_words import (
    AND,
    CAME_BACK,
    EVENT_STEMS,
    FILLERS,
    FROM,
    FROM_THERE,
    GENERIC_PLACE_WORDS,
    GOING,
    HERE,
    LIVE,
    LOCATIVES,
    PEOPLE,
    SERVICE_VERBS,
    US,
)
from actions.count_words import (
    NUMBER_WORDS,
)
from catalogue_client import Locality
from folding import name_positions, phrase_positions, words


def _located(tokens: list[str], position: int) -> bool:
    """Whether the place name at `position` says where something is or came from ("in Spain", "a
    car from Germany"), not where the citizen came back from ("I came back from Spain") nor where
    they want a service ("register the marriage in Moldova", "să-mi recunosc diploma aici")."""
    before = tokens[max(0, position - 2) : position]
    if not set(before) & LOCATIVES:
        return False
    if any(word.startswith(SERVICE_VERBS + GOING) for word in tokens[max(0, position - 5) : position]):
        return False  # nor where they are going ("plec in Germania la master")
    if set(before) & FROM and set(tokens[max(0, position - 5) : position]) & PEOPLE:
        return False  # "невеста из Украины" says who she is, not where something happened
    return not (set(before) & FROM and set(tokens[max(0, position - 4) : position]) & CAME_BACK)


def locality_in(text: str, localities: Iterable[Locality], entity_values: Iterable[str] = ()) -> str | None:
    """The locality a message names: the NLU's entity, else a name or spelling from the catalogue;
    of two, the one the citizen lives in ("born in Chișinău, we live in Ialoveni"), else the first."""
    known = {locality.id: locality for locality in localities}
    for value in entity_values:
        if value in known:
            return value
    tokens = words(text)
    named = localities_named(tokens, known.values())
    lived_in = [locality for position, locality in named if _lives_at(tokens, position)]
    not_left = [locality for position, locality in named if not _came_from(tokens, position)]
    preferred = lived_in or not_left or [locality for _, locality in named]
    return preferred[0] if preferred else None


def _came_from(tokens: list[str], position: int) -> bool:
    """ "from Cahul", "din Orhei", "de la Florești la Bălți": the town left, not the one lived in."""
    return tokens[max(0, position - 1)] in FROM or tokens[max(0, position - 2) : position] == ["de", "la"]


def localities_named(tokens: list[str], localities: Iterable[Locality]) -> list[tuple[int, str]]:
    """(position, locality id) for every time a locality is named, in the order they appear."""
    found = []
    for locality in localities:
        names = {spelling for name in (locality.name, *locality.aliases) for spelling in _spellings(name)}
        positions = [p for name in names for p in name_positions(name, tokens)]
        if locality.district:  # "в Криулянском районе"
            positions += _district_positions(locality.district, tokens)
        found += [(position, locality.id) for position in set(positions) if not _counts_years(tokens, position)]
    return sorted(found)


def _counts_years(tokens: list[str], position: int) -> bool:
    """ "стаж сорок лет" is forty years, not Soroca."""
    return tokens[position] in NUMBER_WORDS and tokens[position + 1 : position + 2] in (["лет"], ["ani"], ["years"])


INNER_I = re.compile(r"(?<=\w)[îâ](?=\w)")


def _spellings(name: str) -> set[str]:
    """A Romanian name in both spellings of the same sound inside a word: "Sîngerei", "Sângerei"."""
    return {name, INNER_I.sub("â", name), INNER_I.sub("î", name)}


def _home_named(tokens: list[str], localities: Iterable[Locality]) -> str | None:
    """The town a message names, by the way, as where the citizen lives: the one they say they live
    in, else one not named as where something happened ("died in the hospital in Soroca") nor as
    the town they left ("from Cahul")."""
    named = localities_named(tokens, localities)
    lived_in = [locality for position, locality in named if _lives_at(tokens, position)]
    if lived_in:
        return lived_in[0]
    for position, locality in named:
        around = tokens[max(0, position - 6) : position] + tokens[position + 1 : position + 3]
        if not any(word.startswith(EVENT_STEMS) for word in around) and not _came_from(tokens, position):
            return locality
    return None


def _lived_in(tokens: list[str], localities: Iterable[Locality]) -> str | None:
    """The town an answer to another question says the citizen lives in ("…and we live in Hîncești
    too"): only when it says so."""
    return next(
        (locality for position, locality in localities_named(tokens, localities) if _lives_at(tokens, position)), None
    )


def _happened_in_moldova(tokens: list[str], localities: Iterable[Locality]) -> bool:
    """Whether a Moldovan town is named as where something happened ("born in Bălți"), not only as
    where the citizen lives ("we live in Ialoveni")."""
    return any(
        _located(tokens, position) and (not _lives_at(tokens, position) or _event_before(tokens, position))
        for position, _ in localities_named(tokens, localities)
    )


def _event_before(tokens: list[str], position: int) -> bool:
    """ "родилась в комрате, мы тут и живем": what happened there comes just before the town."""
    return any(word.startswith(EVENT_STEMS) for word in tokens[max(0, position - 6) : position])


def _lives_at(tokens: list[str], position: int) -> bool:
    """ "we live in Cahul", "suntem din Orhei", "я из Бельц": where the citizen lives."""
    before = position - 2
    while before >= 0 and tokens[before] in FILLERS:  # "мы сами тоже из Сорок"
        before -= 1
    from_us = position >= 2 and tokens[position - 1] in FROM and before >= 0 and tokens[before] in US
    in_us = position >= 2 and tokens[position - 1] in LOCATIVES and tokens[position - 2] in US  # "мы в Чимишлии"
    after = tokens[position + 1 : position + 2]  # "noi tot in Hîncești stăm", "в Кагуле живем"
    if after and after[0] in AND:  # "la Bălți și stau în cămin acolo"
        after = tokens[position + 2 : position + 3]
    here = set(tokens[position + 1 : position + 6])  # "в комрате, мы тут и живем", "мы оттуда оба"
    lives_here = bool(here & HERE and here & LIVE or here & FROM_THERE and here & US)
    return from_us or in_us or lives_here or bool(set(tokens[max(0, position - 6) : position] + after) & LIVE)


def _district_positions(district: str, tokens: list[str]) -> list[int]:
    """Where a district is named by its own name, whatever word for "district" comes with it
    ("Бричанский р-н")."""
    name = " ".join(word for word in words(district) if word not in GENERIC_PLACE_WORDS)
    return phrase_positions(name, tokens) if name else []
