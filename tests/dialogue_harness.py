"""Drives the typed multi-turn conversations of tests/dialogue/ over the REST channel and scores them.

Each conversation has an opening, the reply the citizen types to each question the assistant may
ask, the answers that must end up stored, and a question to ask after the guide. The harness
answers whatever the assistant asks (in the order it asks), reads the conversation's slots
through Rasa's HTTP API after every turn, and reports per language: conversation success, answer
accuracy, wrong switches and facts asked twice. Run on its own against a running stack:

    python -m tests.dialogue_harness http://127.0.0.1:5005 TOKEN [--heldout | --extra... | --extra7] [en ro ru]

or, starting its own stack on free ports (`make dialogue-dev`):

    python -m tests.dialogue_harness --start [--heldout | --extra... | --extra7] [en ro ru]
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

DIALOGUES = Path(__file__).resolve().parent / "dialogue"  # the development set
HELDOUT = DIALOGUES / "heldout"  # the held-out set: measured, never looked into to tune
SETS = {  # the development sets beside tests/dialogue/ itself, written later by other hands
    "--heldout": HELDOUT,
    "--extra": DIALOGUES / "extra",
    "--extra2": DIALOGUES / "extra2",
    "--extra3": DIALOGUES / "extra3",
    "--extra4": DIALOGUES / "extra4",
    "--extra5": DIALOGUES / "extra5",
    "--extra6": DIALOGUES / "extra6",  # Romanian and Russian only
    "--extra7": DIALOGUES / "extra7",  # Romanian and Russian only
}
DONT_KNOW = {"en": "i don't know", "ro": "nu stiu", "ru": "не знаю"}
GUIDE_GIVEN = ("feedback", "guided", "comment")
MAX_TURNS = 25


def conversations(lang: str, folder: Path = DIALOGUES) -> list[dict[str, Any]]:
    with (folder / f"{lang}.yml").open(encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)["conversations"])


@dataclass
class Outcome:
    id: str
    success: bool = False
    answers_right: int = 0
    answers_expected: int = 0
    wrong_switches: int = 0
    asked_twice: int = 0
    clarified: bool = False  # the opening was too unclear: the assistant asked, the citizen named the situation
    problems: list[str] = field(default_factory=list)


@dataclass
class Client:
    """The REST channel and the conversation's slots, over real HTTP."""

    rasa_url: str
    token: str

    def say(self, sender: str, text: str, lang: str) -> list[dict[str, Any]]:
        payload = {"sender": sender, "message": text, "metadata": {"language": lang}}
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json=payload, timeout=30)
        response.raise_for_status()
        return list(response.json())

    def slots(self, sender: str) -> dict[str, Any]:
        response = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30
        )
        response.raise_for_status()
        return dict(response.json()["slots"])


def title_of(event_id: str, lang: str) -> str:
    """The life event's name as the catalogue gives it, in `lang` (what a citizen asked "what
    happened?" would type: "Pensionarea", "Развод")."""
    from catalogue_service.content import load
    from catalogue_service.views import Views

    global _VIEWS
    _VIEWS = _VIEWS or Views(load(Path(__file__).resolve().parent.parent / "data" / "catalogue"))
    return str(_VIEWS.life_event_summary(event_id, lang)["title"])


_VIEWS: Any = None


def run_conversation(client: Client, lang: str, spec: dict[str, Any]) -> Outcome:
    outcome = Outcome(spec["id"])
    sender = f"web-{uuid.uuid4().hex}"  # the widget's form: the only one the public channel accepts
    expected_event = spec["life_event"]
    replies: dict[str, str] = dict(spec.get("replies") or {})
    expect: dict[str, str] = {k: str(v) for k, v in (spec.get("expect") or {}).items()}
    asked: list[str] = []
    client.say(sender, spec["opening"], lang)
    opening = client.slots(sender)
    if opening.get("life_event") is None and not opening.get("pending_question"):
        # "What happened?": the citizen says which situation, as they would, by its name
        outcome.clarified = True
        client.say(sender, title_of(expected_event, lang), lang)
    reached_guide = False
    for _ in range(MAX_TURNS):
        slots = client.slots(sender)
        if slots.get("life_event") != expected_event:
            outcome.problems.append(f"life event {slots.get('life_event')!r}, not {expected_event!r}")
            outcome.wrong_switches += 1
            break
        if slots.get("stage") in GUIDE_GIVEN:  # (an offer of a second situation named in the opening may follow)
            reached_guide = True
            break
        if slots.get("proposed_life_event"):
            outcome.problems.append(f"asked to switch to {slots['proposed_life_event']}")
            outcome.wrong_switches += 1
            break
        question = slots.get("pending_question")
        if not question:
            outcome.problems.append(f"no question pending and no guide (stage {slots.get('stage')!r})")
            break
        if question in asked:
            outcome.problems.append(f"asked {question} again (answer not understood)")
            outcome.asked_twice += 1
            text = DONT_KNOW[lang]
        elif question not in replies:
            if question in expect:
                outcome.problems.append(f"asked {question}, already given")
                outcome.asked_twice += 1
            else:
                outcome.problems.append(f"asked {question}, not expected")
            text = DONT_KNOW[lang]
        else:
            text = replies[question]
        asked.append(question)
        client.say(sender, text, lang)
    slots = client.slots(sender)
    stored = dict(slots.get("answers") or {})
    for question, answer in expect.items():
        outcome.answers_expected += 1
        if str(stored.get(question)) == answer:
            outcome.answers_right += 1
        else:
            outcome.problems.append(f"{question}: stored {stored.get(question)!r}, expected {answer!r}")
    after_ok = False
    if reached_guide and spec.get("after_guide"):
        reply = client.say(sender, spec["after_guide"], lang)
        later = client.slots(sender)
        texts = [m.get("text") for m in reply if m.get("text")]
        restarted = later.get("life_event") != expected_event or later.get("stage") not in GUIDE_GIVEN
        after_ok = bool(texts) and not restarted and dict(later.get("answers") or {}) == stored
        if not after_ok:
            outcome.problems.append(f"after the guide {spec['after_guide']!r}: restarted or unanswered")
    outcome.success = (
        reached_guide
        and after_ok
        and outcome.answers_right == outcome.answers_expected
        and not outcome.wrong_switches
        and not outcome.asked_twice
    )
    return outcome


@dataclass
class Report:
    lang: str
    outcomes: list[Outcome]

    @property
    def success(self) -> float:
        return sum(o.success for o in self.outcomes) / len(self.outcomes)

    @property
    def answer_accuracy(self) -> float:
        return sum(o.answers_right for o in self.outcomes) / max(1, sum(o.answers_expected for o in self.outcomes))

    @property
    def wrong_switches(self) -> int:
        return sum(o.wrong_switches for o in self.outcomes)

    @property
    def asked_twice(self) -> int:
        return sum(o.asked_twice for o in self.outcomes)

    def line(self) -> str:
        return (
            f"{self.lang}: {len(self.outcomes)} conversations, success {self.success:.1%}, "
            f"answers {self.answer_accuracy:.1%}, wrong switches {self.wrong_switches}, "
            f"asked twice {self.asked_twice}, clarified {sum(o.clarified for o in self.outcomes)}"
        )


def evaluate(
    client: Client, lang: str, progress: Callable[[Outcome], None] | None = None, folder: Path = DIALOGUES
) -> Report:
    outcomes = []
    for spec in conversations(lang, folder):
        outcome = run_conversation(client, lang, spec)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return Report(lang, outcomes)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--start":
        return with_stack(argv[1:])
    client = Client(argv[0], argv[1])
    folder = next((SETS[a] for a in argv if a in SETS), DIALOGUES)
    languages = [a for a in argv[2:] if a not in SETS] or ["en", "ro", "ru"]
    for lang in [lang for lang in languages if (folder / f"{lang}.yml").exists()]:

        def show(outcome: Outcome) -> None:
            if not outcome.success and folder != HELDOUT:  # the held-out set: totals only
                print(f"  {outcome.id}: " + "; ".join(outcome.problems))

        print(evaluate(client, lang, show, folder).line())
    return 0


def with_stack(argv: list[str]) -> int:
    """Start catalogue, action server and Rasa on free ports (as `make run` does), run, stop."""
    import secrets
    import tempfile

    from runner.processes import action_server, catalogue_service, free_port, rasa_server, write_endpoints

    token = secrets.token_hex(16)
    os.environ["RATE_PER_CLIENT"] = "0"  # one address, hundreds of turns a minute
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        ports = {name: free_port() for name in ("catalogue", "actions", "rasa")}
        servers = [catalogue_service(ports["catalogue"], log_path=tmp / "catalogue.log").start()]
        try:
            catalogue_url = f"http://127.0.0.1:{ports['catalogue']}"
            servers.append(
                action_server(ports["actions"], catalogue_url, tmp / "cache", log_path=tmp / "a.log").start()
            )
            endpoints = write_endpoints(tmp / "endpoints.yml", ports["actions"], tmp / "tracker.db")
            model = Path(__file__).resolve().parent.parent / "models" / "assistant.tar.gz"
            rasa = rasa_server(ports["rasa"], model, endpoints, api_token=token, log_path=tmp / "rasa.log")
            servers.append(rasa.start(timeout=180))
            return main([f"http://127.0.0.1:{ports['rasa']}", token, *argv])
        finally:
            for server in reversed(servers):
                server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
