"""Full-text search over life events, services and organisations.

Matching ignores case and diacritics ("casatorie" finds "căsătorie", "ё" is
"е") and crude word endings (a word is cut to its first five letters), which
is enough for Romanian and Russian inflection in short catalogue texts.
Ranking is BM25 with title and keywords weighted above descriptions; the
requested language counts fully, the other languages at half weight, so
"ЗАГС" still finds the civil status office when the citizen writes in English.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from catalogue_service.content import Content
from folding import STEM_LENGTH, WORD, fold

FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.0, "body": 1.0}
OTHER_LANGUAGE_WEIGHT = 0.5
STOP_WORDS = {
    "en": {"the", "a", "an", "of", "and", "or", "to", "for", "in", "on", "my", "i", "is", "how", "do"},
    "ro": {"de", "si", "la", "in", "a", "al", "ale", "cu", "pe", "pentru", "sau", "un", "o", "ce", "cum"},
    "ru": {"и", "в", "на", "с", "по", "для", "или", "не", "как", "что", "я", "мне", "о"},
}


def terms(text: str, lang: str | None = None) -> list[str]:
    stop = set().union(*STOP_WORDS.values()) if lang is None else STOP_WORDS.get(lang, set())
    words = [w for w in WORD.findall(fold(text)) if w not in stop]
    return [w[:STEM_LENGTH] for w in words]


@dataclass(frozen=True)
class _Doc:
    kind: str
    ident: str


class SearchIndex:
    """An in-memory BM25 index per language and field."""

    k1 = 1.2
    b = 0.75

    def __init__(self, content: Content) -> None:
        self.languages = content.languages
        self.docs: list[_Doc] = []
        # postings[lang][field][term] -> {doc_index: term frequency}
        self.postings: dict[str, dict[str, dict[str, dict[int, int]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(dict))
        )
        self.lengths: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for event_id, event in content.life_events.items():
            self._add("life_event", event_id, event, "title", "description")
        for service_id, service in content.services.items():
            self._add("service", service_id, service, "title", "description", "output")
        for org_id, org in content.organisations.items():
            self._add("organisation", org_id, org, "name", "description", "short_name")

    def _add(self, kind: str, ident: str, item: dict[str, Any], title: str, *body: str) -> None:
        index = len(self.docs)
        self.docs.append(_Doc(kind, ident))
        for lang in self.languages:
            fields = {
                "title": _text(item.get(title), lang),
                "keywords": " ".join((item.get("keywords") or {}).get(lang) or []),
                "body": " ".join(_text(item.get(name), lang) for name in body),
            }
            for field_name, text in fields.items():
                counts = Counter(terms(text, lang))
                self.lengths[lang][field_name].append(sum(counts.values()))
                for term, frequency in counts.items():
                    self.postings[lang][field_name][term][index] = frequency

    def search(
        self, query: str, lang: str, kinds: set[str] | None = None, limit: int = 10
    ) -> list[tuple[str, str, float]]:
        """(kind, id, score) of the best matches, best first."""
        query_terms = terms(query)
        scores: dict[int, float] = defaultdict(float)
        for search_lang in self.languages:
            language_weight = 1.0 if search_lang == lang else OTHER_LANGUAGE_WEIGHT
            per_language: dict[int, float] = defaultdict(float)
            for field_name, field_weight in FIELD_WEIGHTS.items():
                lengths = self.lengths[search_lang][field_name]
                average = (sum(lengths) / len(lengths)) or 1.0
                postings = self.postings[search_lang][field_name]
                for term in query_terms:
                    matches = postings.get(term)
                    if not matches:
                        continue
                    idf = math.log(1 + (len(self.docs) - len(matches) + 0.5) / (len(matches) + 0.5))
                    for doc, frequency in matches.items():
                        norm = frequency + self.k1 * (1 - self.b + self.b * lengths[doc] / average)
                        per_language[doc] += field_weight * idf * frequency * (self.k1 + 1) / norm
            for doc, score in per_language.items():
                scores[doc] = max(scores[doc], score * language_weight)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        results = []
        for position, score in ranked:
            found = self.docs[position]
            if kinds and found.kind not in kinds:
                continue
            results.append((found.kind, found.ident, round(score, 3)))
            if len(results) >= limit:
                break
        return results


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    return ""
