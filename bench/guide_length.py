"""How long each life event's guide is, in messages and characters, per language.

Built straight from the catalogue's files (no servers): every question answered
"I don't know" (the longest guide) and the citizen in Chișinău. Usage:

    python bench/guide_length.py [data/catalogue]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions.guidance import guide_messages  # noqa: E402
from catalogue_client.models import LifeEvent, Office  # noqa: E402
from catalogue_service.content import load  # noqa: E402
from catalogue_service.views import Views  # noqa: E402


def lengths(directory: str) -> list[tuple[str, str, int, int]]:
    content = load(directory)
    views = Views(content)
    point = content.localities["chisinau"]["coordinates"]
    rows = []
    for lang in ("en", "ro", "ru"):
        nearest: dict[str, Office] = {}
        for item in views.offices_near(point["lat"], point["lon"], lang, limit=1000):
            nearest.setdefault(item["organisation"], Office.from_json(item))
        for event_id in sorted(content.life_events):
            event = LifeEvent.from_json(views.life_event(event_id, lang))
            answers = {question.id: "?" for question in event.questions}
            answers["locality"] = "chisinau"
            messages = guide_messages(event, answers, nearest, lang)
            rows.append((event_id, lang, len(messages), sum(len(m) for m in messages)))
    return rows


def main(argv: list[str]) -> int:
    rows = lengths(argv[0] if argv else "data/catalogue")
    print("| life event | language | messages | characters |")
    print("| --- | --- | ---: | ---: |")
    for event_id, lang, count, characters in rows:
        print(f"| {event_id} | {lang} | {count} | {characters} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
