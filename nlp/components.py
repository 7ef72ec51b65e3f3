"""Rasa NLU components on top of the offline spaCy pipeline (see nlp/build_spacy.py).

- `FoldingSpacyTokenizer`: spaCy's tokens with a folded lemma (no case, no
  diacritics), so "nastere" and "naștere" give the featurizers the same word.
- `CatalogueEntityExtractor`: the catalogue entities the spaCy entity ruler
  found, with the catalogue id as value: {"entity": "locality", "value": "balti"}.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

import nlp.spacy_components  # noqa: F401 - registers catalogue_norms before Rasa loads the pipeline
from folding import fold


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingSpacyTokenizer(SpacyTokenizer):
    """spaCy tokens whose lemma ignores case and diacritics."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = fold(token.text)
        return tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP")
class CatalogueEntityExtractor(SpacyEntityExtractor):
    """Entities from the catalogue's entity rules, valued by catalogue id."""

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        """Reuse the doc SpacyNLP made (lower-cased, which the folded rules ignore) instead of a second parse."""
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT]) or model.model(message.get(TEXT) or "")
            found = self.add_extractor_name(self._extract_entities(doc))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

    @staticmethod
    def _extract_entities(doc: Any) -> list[dict[str, Any]]:
        return [
            {
                "entity": ent.label_.lower(),
                "value": ent.ent_id_ or ent.text,
                "start": ent.start_char,
                "end": ent.end_char,
                "confidence": None,
            }
            for ent in doc.ents
        ]
