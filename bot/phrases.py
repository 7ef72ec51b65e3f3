"""The Telegram bridge's own phrases (phrases.yml beside this file), in the chat's language."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("en", "ro", "ru")
FALLBACK = "en"


@cache
def _phrases() -> dict[str, dict[str, str]]:
    with Path(__file__).with_name("phrases.yml").open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def say(key: str, lang: str, **values: Any) -> str:
    """The phrase `key` in `lang` (English if missing), with {placeholders} filled."""
    texts = _phrases()[key]
    text = texts.get(lang) or texts[FALLBACK]
    return text.format(**values) if values else text
