"""Builds the offline spaCy pipeline under Rasa's NLU from the catalogue: `make spacy`.

    python -m nlp.build_spacy [data/catalogue] [build/spacy/lifeevents]

spaCy's multi-language tokenizer (`xx`, no download needed), a component that
sets each token's NORM to its folded stem (`catalogue_norms`), and an entity
ruler matching phrases on NORM, with patterns from the catalogue: localities,
documents, services, family relations and organisations, in en/ro/ru. Each
pattern carries the catalogue id, so the entity's value is the id ("в
Бельцах" -> balti). Matching ignores case and diacritics, and words of five
letters or more match whatever their ending, which covers most Romanian and
Russian inflection.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import spacy

import nlp.spacy_components  # noqa: F401 - registers catalogue_norms
from catalogue_service.content import Content, load
from folding import stem, words

LANGUAGES = ("en", "ro", "ru")


def phrase_pattern(label: str, ident: str, phrase: str) -> dict[str, Any] | None:
    tokens = words(phrase)
    if not tokens or (len(tokens) == 1 and len(tokens[0]) < 3 and not phrase.isupper()):
        return None
    return {"label": label, "id": ident, "pattern": phrase}


def _texts(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return []
    return [value[lang] for lang in LANGUAGES if value.get(lang)]


def _keywords(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return []
    return [word for lang in LANGUAGES for word in value.get(lang) or []]


def patterns(content: Content) -> list[dict[str, Any]]:
    """Entity-ruler patterns for everything in the catalogue a citizen may name."""
    phrases: list[tuple[str, str, str]] = []
    for locality_id, locality in content.localities.items():
        phrases += [("LOCALITY", locality_id, name) for name in _texts(locality["name"])]
    for document_id, document in content.documents.items():
        phrases += [("DOCUMENT", document_id, name) for name in _texts(document["name"])]
    for relation_id, relation in content.relations.items():
        phrases += [("RELATION", relation_id, word) for word in _keywords(relation.get("keywords"))]
    # a phrase belongs to the first that names it: locality, document, relation, organisation, service
    for org_id, org in content.organisations.items():
        names = _texts(org.get("short_name")) + _keywords(org.get("keywords"))
        phrases += [("ORGANISATION", org_id, name) for name in names]
    for service_id, service in content.services.items():
        names = _texts(service["title"]) + _keywords(service.get("keywords"))
        phrases += [("SERVICE", service_id, name) for name in names]
    seen: set[str] = set()
    result = []
    for label, ident, phrase in phrases:
        pattern = phrase_pattern(label, ident, phrase)
        key = " ".join(stem(w) for w in words(phrase))  # a phrase means its first owner
        if pattern and key not in seen:
            seen.add(key)
            result.append(pattern)
    return result


def build(catalogue_dir: Path, target: Path) -> int:
    nlp = spacy.blank("xx")
    nlp.add_pipe("catalogue_norms")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "phrase_matcher_attr": "NORM"})
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
