"""Builds the offline spaCy pipeline under Rasa's NLU from the catalogue: `make spacy`.

    python -m nlp.build_spacy [data/catalogue] [build/spacy/lifeevents]

spaCy's multi-language tokenizer (`xx`, no download needed) plus an entity
ruler whose patterns come from the catalogue: localities, organisations,
documents, services and family relations, in en/ro/ru. Each pattern carries
the catalogue id, so the entity's value is the id ("в Бельцах" -> balti).
Patterns ignore case and diacritics, and words of five letters or more match
whatever their ending, which covers most Romanian and Russian inflection.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import spacy

from catalogue_service.content import Content, load
from nlp.text import STEM_LENGTH, fold, words

VARIANTS = {
    "a": "aăâ",
    "i": "iî",
    "s": "sșş",
    "t": "tțţ",
    "е": "её",
    "и": "ий",
}
LANGUAGES = ("en", "ro", "ru")


def word_regex(word: str, lang: str) -> str:
    """A case- and diacritic-insensitive regex for one word.

    Romanian and Russian words of five letters or more keep all but their last
    two letters and take any ending ("Бельцы" -> "в Бельцах"); English words
    take only a plural ending, so "registrar" does not match "register".
    """
    folded = fold(word)
    if lang != "en" and len(folded) >= STEM_LENGTH:
        core, tail = folded[: max(STEM_LENGTH, len(folded) - 2)], r"\w*"
    else:
        core, tail = folded, ("(?:s|es)?" if lang == "en" else r"\w?")
    chars = "".join(f"[{VARIANTS[c]}]" if c in VARIANTS else _escape(c) for c in core)
    return f"(?i)^{chars}{tail}$"


def _escape(char: str) -> str:
    return "\\" + char if not char.isalnum() else char


def phrase_pattern(label: str, ident: str, phrase: str, lang: str) -> dict[str, Any] | None:
    tokens = words(phrase)
    if not tokens or (len(tokens) == 1 and len(tokens[0]) < 3 and not tokens[0].isupper()):
        return None
    return {"label": label, "id": ident, "pattern": [{"TEXT": {"REGEX": word_regex(t, lang)}} for t in tokens]}


def _texts(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return []
    return [(lang, value[lang]) for lang in LANGUAGES if value.get(lang)]


def _keywords(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return []
    return [(lang, word) for lang in LANGUAGES for word in value.get(lang) or []]


def patterns(content: Content) -> list[dict[str, Any]]:
    """Entity-ruler patterns for everything in the catalogue a citizen may name."""
    phrases: list[tuple[str, str, tuple[str, str]]] = []
    for locality_id, locality in content.localities.items():
        phrases += [("LOCALITY", locality_id, name) for name in _texts(locality["name"])]
    for document_id, document in content.documents.items():
        phrases += [("DOCUMENT", document_id, name) for name in _texts(document["name"])]
    for service_id, service in content.services.items():
        names = _texts(service["title"]) + _keywords(service.get("keywords"))
        phrases += [("SERVICE", service_id, name) for name in names]
    for relation_id, relation in content.relations.items():
        phrases += [("RELATION", relation_id, word) for word in _keywords(relation.get("keywords"))]
    # last: where an organisation's keyword is also a service or document, that wins
    for org_id, org in content.organisations.items():
        names = _texts(org.get("short_name")) + _keywords(org.get("keywords"))
        phrases += [("ORGANISATION", org_id, name) for name in names]
    seen: set[tuple[str, str]] = set()
    result = []
    for label, ident, (lang, phrase) in phrases:
        pattern = phrase_pattern(label, ident, phrase, lang)
        key = (label, str(pattern["pattern"]) if pattern else "")
        if pattern and key not in seen:
            seen.add(key)
            result.append(pattern)
    return result


def build(catalogue_dir: Path, target: Path) -> int:
    nlp = spacy.blank("xx")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    found = patterns(load(catalogue_dir))
    ruler.add_patterns(found)  # type: ignore[attr-defined]
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return len(found)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    catalogue_dir = Path(args[0]) if args else Path("data/catalogue")
    target = Path(args[1]) if len(args) > 1 else Path("build/spacy/lifeevents")
    count = build(catalogue_dir, target)
    print(f"spaCy pipeline with {count} catalogue patterns written to {target}")


if __name__ == "__main__":
    main()
