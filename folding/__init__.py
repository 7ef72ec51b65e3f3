"""Text folding shared by the catalogue's search, the NLU and the actions: case, diacritics and
crude word endings ignored. A package of its own below all of them, so none imports another's."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

WORD = re.compile(r"\w+", re.UNICODE)
STEM_LENGTH = 5


def fold(text: str) -> str:
    """Lower-case and strip diacritics: 'Căsătorie' -> 'casatorie', 'Ёлка' -> 'елка'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """A folded word cut to its first letters: 'nasterii' and 'nastere' both -> 'naste'."""
    folded = fold(word)
    return folded[:STEM_LENGTH]


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def phrase_in(phrase: str, text: str) -> bool:
    """Whether every word of `phrase` starts a word of `text`, in order, ignoring case and diacritics.

    Words of five letters or more match on their stem, so Romanian and Russian
    endings do not matter ("Bălți" is found in "in baltiul", "Бельцы" in "в Бельцах").
    """
    return bool(phrase_positions(phrase, words(text)))


def phrase_positions(phrase: str, have: list[str]) -> list[int]:
    """Where `phrase` starts among the folded words `have` (matched as `phrase_in` does)."""
    wanted = [stem(w) if len(w) >= STEM_LENGTH else w for w in words(phrase)]
    return _starts(wanted, have, _word_matches)


def phrase_spans(
    phrase: str,
    have: list[str],
    gap: int = 0,
    never_between: frozenset[str] = frozenset(),
    tight_after: frozenset[str] = frozenset(),
    optional: frozenset[str] = frozenset(),
) -> list[tuple[int, int]]:
    """Where `phrase` is among the folded words `have`, as (start, end) spans. A long word matches
    on all its letters but the last two (endings differ; "comandită" is not "comandă"), a short
    one whole or with one more letter. Up to `gap` other words may stand between two of the
    phrase's words ("get a driving licence" for "get a licence"), none of them in `never_between`
    (a "not" changes the meaning) and none right after a phrase word in `tight_after` ("не
    молдаванин" is not "нет, оба молдаване")."""
    phrase_words = [word for word in words(phrase) if word not in optional] or words(phrase)
    wanted = [w[: max(STEM_LENGTH, len(w) - 2)] for w in phrase_words]
    if not wanted:
        return []

    def end_from(index: int, at: int) -> int | None:
        if index == len(wanted):
            return at
        allowed = gap if index and phrase_words[index - 1] not in tight_after else 0
        position, skipped = at, 0  # an optional word ("a", "the") skipped costs nothing
        while position < len(have) and skipped <= allowed:
            if _word_matches(wanted[index], have[position]):
                end = end_from(index + 1, position + 1)
                if end is not None:
                    return end
            if not index or have[position] in never_between:
                return None
            skipped += have[position] not in optional
            position += 1
        return None

    spans = [(start, end_from(0, start)) for start in range(len(have))]
    return [(start, end) for start, end in spans if end is not None]


def _starts(wanted: list[str], have: list[str], matches: Callable[[str, str], bool]) -> list[int]:
    """Where the words `wanted` start, in order, among `have`, each word compared by `matches`."""
    if not wanted:
        return []
    return [
        start
        for start in range(len(have) - len(wanted) + 1)
        if all(matches(w, have[start + i]) for i, w in enumerate(wanted))
    ]


def _word_matches(wanted: str, word: str) -> bool:
    if len(wanted) >= STEM_LENGTH or len(word) <= len(wanted) + 1:
        return word.startswith(wanted)
    return word == wanted


def stems(text: str) -> list[str]:
    """The folded stems of a text's words: what the intent classifier counts as words."""
    return [word[:6] for word in words(text)]


def name_positions(name: str, have: list[str]) -> list[int]:
    """Where a place's name starts among the folded words `have`, stricter than `phrase_positions`:
    each word of the name, less its last letter, begins a word at most one letter longer than it (two in Cyrillic)
    ("Италия" finds "в Италии", "Moscova" finds "Moscovei"); "Romania" does not find "romana",
    "Сороки" not "сорок", "Paris" not "parinte". Names of four letters or fewer match whole."""
    return _starts(words(name), have, _name_word_matches)


def _name_word_matches(wanted: str, word: str) -> bool:
    if len(wanted) <= 4:
        return word == wanted
    longest = len(wanted) + (1 if wanted.isascii() else 2)  # Russian cases are longer: "под Оргеевом"
    return word.startswith(wanted[:-1]) and len(wanted) <= len(word) <= longest
