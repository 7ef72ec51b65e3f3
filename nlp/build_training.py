"""Training examples taken from the catalogue: each life event's title, description and keywords,
and the titles and keywords of the services only that life event uses, in en/ro/ru.

    python -m nlp.build_training [data/catalogue] [build/nlu/catalogue.yml]

They teach the classifier the catalogue's own vocabulary ("transcrierea
certificatului de naștere" is a birth) next to the hand-written citizen
messages in data/nlu/. Built by `make spacy`, never committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from catalogue_service.content import Content, load
from folding import fold

LANGUAGES = ("en", "ro", "ru")
UNSAFE = str.maketrans({"[": " ", "]": " ", "{": " ", "}": " "})


def written_examples(nlu_dir: Path) -> dict[str, set[str]]:
    """The hand-written examples' intents, by text (folded), read with Rasa's own NLU reader."""
    from rasa.shared.nlu.training_data.loading import load_data  # heavy: only when building

    intents: dict[str, set[str]] = {}
    for example in load_data(str(nlu_dir)).intent_examples:
        intents.setdefault(fold(str(example.get("text"))), set()).add(str(example.get("intent")))
    return intents


def examples(content: Content, nlu_dir: Path | None = None) -> dict[str, list[str]]:
    """Catalogue texts per life-event intent, leaving out any text the hand-written data already has
    or that would also mean another intent (both would make Rasa's validator warn)."""
    by_intent: dict[str, list[str]] = {}
    for event_id, event in content.life_events.items():
        texts: list[str] = []
        for lang in LANGUAGES:
            texts += [event["title"][lang], event["description"][lang]]
            texts += (event.get("keywords") or {}).get(lang) or []
            for ref in event["services"]:
                if content.life_events_using(ref["service"]) != [event_id]:
                    continue  # shared services say nothing about which event this is
                service = content.services[ref["service"]]
                texts.append(service["title"][lang])
                texts += (service.get("keywords") or {}).get(lang) or []
        cleaned = dict.fromkeys(" ".join(t.translate(UNSAFE).split()) for t in texts if t.strip())
        by_intent["life_event_" + event_id.replace("-", "_")] = list(cleaned)
    written = written_examples(nlu_dir) if nlu_dir else {}
    meanings: dict[str, set[str]] = {}
    for intent, texts in by_intent.items():
        for text in texts:
            meanings.setdefault(fold(text), set()).add(intent)
    return {
        intent: [t for t in texts if meanings[fold(t)] == {intent} and fold(t) not in written]
        for intent, texts in by_intent.items()
    }


def build(
    catalogue_dir: Path, target: Path, nlu_dir: Path = Path("data/nlu"), held_out: Path = Path("tests/nlu")
) -> int:
    data = examples(load(catalogue_dir), nlu_dir)
    unseen = set(written_examples(held_out)) if held_out.exists() else set()
    data = {
        intent: [t for t in texts if fold(t) not in unseen] for intent, texts in data.items()
    }  # never train on a test
    lines = ["# Generated from the catalogue by `python -m nlp.build_training`; do not edit.", 'version: "3.1"', "nlu:"]
    for intent, texts in data.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {text}" for text in texts)]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    yaml.safe_load(target.read_text(encoding="utf-8"))  # fail here, not in training, if it is not YAML
    return sum(len(texts) for texts in data.values())


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    catalogue_dir = Path(args[0]) if args else Path("data/catalogue")
    target = Path(args[1]) if len(args) > 1 else Path("build/nlu/catalogue.yml")
    print(f"{build(catalogue_dir, target)} catalogue examples written to {target}")


if __name__ == "__main__":
    main()
