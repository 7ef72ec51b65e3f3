"""The catalogue's full-text search (catalogue_service/search.py), in-process: no HTTP."""

from __future__ import annotations

import pytest

from catalogue_service.content import load
from catalogue_service.search import SearchIndex, terms
from tests.conftest import CATALOGUE_DIR


def test_terms_are_folded_stems_without_stop_words() -> None:
    assert terms("Înregistrarea nașterii", "ro") == ["inreg", "naste"]
    assert terms("how do I register the birth", "en") == ["regis", "birth"]
    assert terms("пенсия по возрасту", "ru") == ["пенси", "возра"]
    assert terms("de the и") == [], "without a language, every language's stop words go"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load(CATALOGUE_DIR))


def test_the_requested_language_ranks_first_but_others_still_find(index: SearchIndex) -> None:
    hits = index.search("ЗАГС", "en", {"organisation"}, 3)
    assert hits and hits[0][:2] == ("organisation", "civil-status")


def test_kinds_and_limit_are_respected(index: SearchIndex) -> None:
    hits = index.search("certificat", "ro", {"service"}, 2)
    assert 0 < len(hits) <= 2 and {kind for kind, _, _ in hits} == {"service"}
    scores = [score for _, _, score in hits]
    assert scores == sorted(scores, reverse=True)


def test_nothing_found_is_an_empty_list(index: SearchIndex) -> None:
    assert index.search("qwxzv", "en", None, 5) == []
