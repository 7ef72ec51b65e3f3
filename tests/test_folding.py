"""Text folding (folding/), shared by the catalogue's search, the NLU and the actions, pure."""

from __future__ import annotations

import pytest

from folding import fold, name_positions, phrase_in, phrase_spans, stem, stems, words


def test_fold_ignores_case_and_diacritics() -> None:
    assert fold("Căsătorie") == "casatorie"
    assert fold("ȘTIRI Ţară") == "stiri tara"
    assert fold("Ёлка") == "елка"


def test_stems_and_words() -> None:
    assert stem("nașterii") == stem("Naștere") == "naste"
    assert words("Bună ziua, Bălți!") == ["buna", "ziua", "balti"]
    assert stems("Înregistrarea nașterii") == ["inregi", "naster"]


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("Bălți", "locuiesc in baltiul", True),
        ("Бельцы", "живу в Бельцах", True),
        ("birth certificate", "I lost my BIRTH certificate", True),
        ("birth certificate", "the certificate of birth", False),
        ("Cahul", "Chișinău", False),
    ],
)
def test_phrase_in(phrase: str, text: str, found: bool) -> None:
    assert phrase_in(phrase, text) is found


def test_phrase_spans_allow_a_gap_but_not_a_negation() -> None:
    have = words("I need to get a driving licence")
    assert phrase_spans("get licence", have, gap=2) == [(3, 7)]
    assert phrase_spans("get licence", have) == []
    assert phrase_spans("need licence", words("need not any licence"), gap=2, never_between=frozenset({"not"})) == []


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("Италия", "работаю в Италии", True),
        ("Moscova", "la Moscovei", True),
        ("Romania", "vorbesc romana", False),
        ("Сороки", "мне сорок лет", False),
        ("Paris", "parinte", False),
        ("Rusia", "in Rusia", True),
    ],
)
def test_place_names_are_matched_strictly(name: str, text: str, found: bool) -> None:
    assert bool(name_positions(name, words(text))) is found
