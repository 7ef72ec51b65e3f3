"""Turning the assistant's replies into safe Telegram messages.

Telegram shows HTML we send, so every text from the assistant (citizen input
echoed, catalogue texts) is escaped; links become <a> tags; long texts are
split at Telegram's 4096-character limit on paragraph, then line, then word
boundaries.
"""

from __future__ import annotations

import html
import re

LIMIT = 4096
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def to_html(text: str) -> str:
    """Escape everything, then turn URLs into links."""
    parts, last = [], 0
    for match in URL.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        url = match.group(0)
        parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Pieces of at most `limit` characters of escaped HTML, cut at the most natural boundary."""
    pieces: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(to_html(candidate)) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        for chunk in _cut(paragraph, limit):
            if current:
                pieces.append(current)
            current = chunk
    if current:
        pieces.append(current)
    return [to_html(piece) for piece in pieces] or [""]


def _cut(paragraph: str, limit: int) -> list[str]:
    """A paragraph too long for one message, cut on lines, then words, then characters."""
    chunks: list[str] = []
    current = ""
    for unit in re.split(r"(?<=\n)|(?<= )", paragraph):
        while len(to_html(unit)) > limit:  # a single enormous word
            head = unit[: limit // 6]
            chunks.append(head)
            unit = unit[len(head) :]
        if len(to_html(current + unit)) > limit:
            chunks.append(current)
            current = unit
        else:
            current += unit
    if current:
        chunks.append(current)
    return [chunk.strip() for chunk in chunks if chunk.strip()]
