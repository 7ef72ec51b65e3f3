"""Evaluates a trained model on the held-out NLU sets (tests/nlu/<lang>.yml), per language.

    python -m nlp.evaluate models/assistant.tar.gz [--out build/reports/nlu] [--check]

Writes Rasa's report per language (intent_report.json, the confusion matrix
and histogram images) under --out, prints intent macro-F1 and life-event
accuracy, and with --check exits 1 when a language falls below the thresholds.
Life-event accuracy counts a held-out life-event message as right only when
the assistant's final intent (after the fallback) is that life event.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

MIN_MACRO_F1 = 0.90
MIN_LIFE_EVENT_ACCURACY = 0.93
LANGUAGES = ("en", "ro", "ru")


def life_event_accuracy(report: dict[str, Any]) -> float:
    events = [name for name in report if name.startswith("life_event_")]
    support = sum(report[name]["support"] for name in events)
    correct = sum(report[name]["recall"] * report[name]["support"] for name in events)
    return correct / support if support else 0.0


async def evaluate(model: Path, test_dir: Path, out: Path) -> dict[str, dict[str, float]]:
    from rasa.core.agent import load_agent
    from rasa.nlu.test import run_evaluation

    agent = await load_agent(model_path=str(model))
    results = {}
    for lang in LANGUAGES:
        target = out / lang
        target.mkdir(parents=True, exist_ok=True)
        await run_evaluation(str(test_dir / f"{lang}.yml"), agent.processor, output_directory=str(target), errors=True)
        report = json.loads((target / "intent_report.json").read_text())
        results[lang] = {
            "intent_macro_f1": round(report["macro avg"]["f1-score"], 4),
            "life_event_accuracy": round(life_event_accuracy(report), 4),
            "examples": report["macro avg"]["support"],
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("--tests", type=Path, default=Path("tests/nlu"))
    parser.add_argument("--out", type=Path, default=Path("build/reports/nlu"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = asyncio.run(evaluate(args.model, args.tests, args.out))
    (args.out / "summary.json").write_text(json.dumps(results, indent=2))
    failed = False
    print("language  intent macro-F1  life-event accuracy  examples")
    for lang, figures in results.items():
        ok = figures["intent_macro_f1"] >= MIN_MACRO_F1 and figures["life_event_accuracy"] >= MIN_LIFE_EVENT_ACCURACY
        failed |= not ok
        print(
            f"{lang:8}  {figures['intent_macro_f1']:15.3f}  {figures['life_event_accuracy']:19.3f}"
            f"  {figures['examples']:8}  {'ok' if ok else 'BELOW THRESHOLD'}"
        )
    print(
        f"thresholds: macro-F1 >= {MIN_MACRO_F1}, life-event accuracy >= {MIN_LIFE_EVENT_ACCURACY};"
        f" report in {args.out}"
    )
    if args.check and failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
