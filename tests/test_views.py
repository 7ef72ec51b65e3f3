"""Language fallback: a text missing in the requested language is given in English."""

from __future__ import annotations

from catalogue_service.content import Content
from catalogue_service.search import terms
from catalogue_service.views import Views, distance_km
from folding import fold


def test_missing_translation_falls_back_to_english() -> None:
    content = Content(meta={"languages": ["en", "ro", "ru"], "fallback_language": "en"})
    views = Views(content)
    text = {"en": "Passport", "ro": "Pașaport"}
    assert views.text(text, "ro") == "Pașaport"
    assert views.text(text, "ru") == "Passport"
    assert views.words({"en": ["id card"]}, "ru") == ["id card"]


def test_folding_ignores_case_and_diacritics() -> None:
    assert fold("CĂSĂTORIE în Bălți") == "casatorie in balti"
    assert fold("Ёлка ЗАГС") == "елка загс"
    assert terms("Înregistrarea nașterii", "ro") == terms("inregistrarea nasterii", "ro")


def test_distance_between_chisinau_and_balti() -> None:
    assert 100 < distance_km(47.0105, 28.8638, 47.7617, 27.9289) < 120
