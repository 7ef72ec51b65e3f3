"""The held-out typed conversations (tests/dialogue/heldout/), driven over the real stack.

Per language: conversation success (life event right and held, guide reached, every answer stored
as expected, no fact asked twice, a question after the guide answered without restarting; an opening
too unclear to start from may be followed by the citizen naming the situation when asked) and
answer accuracy must stay at or above the floors below. The floors are what this code reaches
today (docs/dialogue.md), not yet the 90% / 95% the dialogue issue asks for. The development sets
(tests/dialogue/*.yml and tests/dialogue/extra*/) are for finding what breaks: `make dialogue-dev`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RASA_API_TOKEN, ROOT, Stack
from tests.dialogue_harness import HELDOUT, Client, Report, evaluate

# Measured on 2026-11-30 (third session, fresh clone): success en 95.6%, ro 88.9%, ru 80.0%; answers en
# 98.9%, ro 92.5%, ru 95.2%. Second session: 95.6%, 88.9%, 82.2%; 98.9%, 92.5%, 95.7%. First session:
# 75.6%, 77.8%, 68.9%; 88.3%, 87.1%, 85.1%; the code before the dialogue work: 4.4%, 0%, 0%; 23.9%,
# 14.5%, 25.0%. Russian success is at its floor (one conversation lost this session, see the note).
MIN_SUCCESS = {"en": 0.90, "ro": 0.86, "ru": 0.80}
MIN_ANSWER_ACCURACY = {"en": 0.95, "ro": 0.90, "ru": 0.93}
REPORT = ROOT / "build" / "reports" / "dialogue.md"


@pytest.fixture(scope="module")
def reports(assistant: Stack) -> dict[str, Report]:
    client = Client(assistant.rasa_url, RASA_API_TOKEN)
    results = {lang: evaluate(client, lang, folder=HELDOUT) for lang in ("en", "ro", "ru")}
    write(REPORT, results)
    return results


def write(path: Path, results: dict[str, Report]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["| language | conversations | success | answers right | wrong switches | facts asked twice |"]
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for lang, report in results.items():
        lines.append(
            f"| {lang} | {len(report.outcomes)} | {report.success:.1%} | {report.answer_accuracy:.1%} "
            f"| {report.wrong_switches} | {report.asked_twice} |"
        )
    # totals only: the held-out set is measured, never looked into (the development sets list their failures)
    path.write_text("\n".join([*lines, ""]), encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "ro", "ru"])
def test_typed_conversations_hold(reports: dict[str, Report], lang: str) -> None:
    report = reports[lang]
    assert len(report.outcomes) >= 45
    assert report.success >= MIN_SUCCESS[lang], report.line()
    assert report.answer_accuracy >= MIN_ANSWER_ACCURACY[lang], report.line()
