"""The console's few sentences for citizens (phrases.yml), in the conversation's language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml


@cache
def _phrases() -> dict[str, dict[str, str]]:
    with Path(__file__).with_name("phrases.yml").open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def say(key: str, lang: str) -> str:
    texts = _phrases()[key]
    return texts.get(lang) or texts["en"]
