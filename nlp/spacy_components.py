"""spaCy pipeline components of the assistant's offline pipeline.

Importing this module registers them with spaCy; `nlp.components` (loaded by
Rasa before it loads the pipeline) and `nlp.build_spacy` both import it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from folding import stem


@Language.component("catalogue_norms")
def catalogue_norms(doc: Doc) -> Doc:
    """Each token's NORM becomes its folded stem, which the entity ruler matches on.

    So "Bălți", "Balti" and "Bălțiului", or "Бельцы" and "в Бельцах", are the
    same to the catalogue's entity rules, and matching stays a hash lookup.
    """
    for token in doc:
        token.norm_ = stem(token.text)
    return doc
