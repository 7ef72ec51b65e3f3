"""Which language a message is written in and which one it asks for (actions/language.py), pure."""

from __future__ import annotations

import pytest

from actions.language import clearly_written_in, detect, requested


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Мой отец умер вчера", "ru"),
        ("Bună ziua, soția a născut", "ro"),
        ("am nevoie de acte pentru copil", "ro"),
        ("my father died, what do I need?", "en"),
        ("ok", None),
        ("Cahul", None),
        ("123 !!!", None),
    ],
)
def test_detect(text: str, expected: str | None) -> None:
    assert detect(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in Romanian please", "ro"),
        ("можно по-русски?", "ru"),
        ("vorbiți în engleză?", "en"),
        ("ro", "ro"),
        ("my father died", None),
        ("am născut un copil", None),
    ],
)
def test_requested(text: str, expected: str | None) -> None:
    assert requested(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("da", None),  # one word says nothing
        ("Cahul 2024", None),
        ("я живу в Кагуле", "ru"),
        ("Кагул ok", None),
        ("unde este oficiul meu, vă rog", "ro"),
        ("where is the office, please", "en"),
        ("hello salut", None),
    ],
)
def test_clearly_written_in(text: str, expected: str | None) -> None:
    assert clearly_written_in(text) == expected
