"""End to end: the catalogue service, the action server and the Rasa server, talked to over REST."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from runner.processes import (
    ROOT,
    Server,
    action_server,
    catalogue_service,
    free_port,
    rasa_server,
    write_endpoints,
)

MODEL = ROOT / "models" / "assistant.tar.gz"


@dataclass
class Stack:
    tmp: Path
    catalogue: Server
    actions: Server
    rasa: Server
    rasa_port: int

    def say(self, sender: str, text: str, **metadata: Any) -> list[dict[str, Any]]:
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        url = f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"
        response = requests.post(url, json=payload, timeout=30)
        response.raise_for_status()
        return response.json()


def start_stack(tmp: Path, ports: dict[str, int]) -> Stack:
    catalogue = catalogue_service(ports["catalogue"], log_path=tmp / "catalogue.log").start()
    actions = action_server(
        ports["actions"], catalogue.health_url.rsplit("/", 1)[0], tmp / "cache", log_path=tmp / "actions.log"
    ).start()
    endpoints = write_endpoints(tmp / "endpoints.yml", ports["actions"], tmp / "tracker.db")
    rasa = rasa_server(ports["rasa"], MODEL, endpoints, log_path=tmp / "rasa.log").start(timeout=180)
    return Stack(tmp, catalogue, actions, rasa, ports["rasa"])


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    assert MODEL.exists(), "train the model first: make train (make test does it)"
    tmp = tmp_path_factory.mktemp("stack")
    ports = {"catalogue": free_port(), "actions": free_port(), "rasa": free_port()}
    running = start_stack(tmp, ports)
    yield running
    for server in (running.rasa, running.actions, running.catalogue):
        server.stop()


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def answer_until_guide(stack: Stack, sender: str, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Press the first button of each question until the guide arrives."""
    for _ in range(8):
        buttons = replies[-1].get("buttons") or []
        if [b["payload"] for b in buttons] == ["/affirm", "/deny"]:  # "did this help?"
            return replies
        assert buttons, f"expected a question with buttons, got {text_of(replies)!r}"
        replies = stack.say(sender, buttons[0]["payload"])
    raise AssertionError("the guide never came")


CONVERSATIONS = [
    ("en", "Hi. My dad passed away yesterday in Bălți, what do I do?", "I understand", "Checklist", "Bălți"),
    ("ro", "Bună ziua, soția a născut ieri o fetiță la Cahul. Ce acte trebuie să fac?", "Am înțeles", "Lista", "Cahul"),
    ("ru", "Здравствуйте. Я потерял работу, живу в Кагуле. Что делать?", "Понятно", "Список", "Кагул"),
]


@pytest.mark.parametrize(("lang", "opening", "recognised", "checklist", "town"), CONVERSATIONS)
def test_a_full_conversation_in_each_language(
    stack: Stack, lang: str, opening: str, recognised: str, checklist: str, town: str
) -> None:
    sender = f"e2e-{lang}-{uuid.uuid4().hex[:8]}"
    replies = stack.say(sender, opening)
    assert recognised in text_of(replies)
    replies = answer_until_guide(stack, sender, replies)
    guide = text_of(replies)
    assert checklist in guide and town in guide
    follow_up, answer = {
        "en": ("how much does it cost?", "Cost of “"),
        "ro": ("cât costă?", "Costul pentru „"),
        "ru": ("сколько это стоит?", "Стоимость услуги «"),
    }[lang]
    assert answer in text_of(stack.say(sender, follow_up))
    thanks = text_of(stack.say(sender, "/affirm"))
    assert thanks and thanks != guide


def test_digression_and_language_switch_mid_questions(stack: Stack) -> None:
    sender = f"e2e-switch-{uuid.uuid4().hex[:8]}"
    first = stack.say(sender, "I need to register my new car")
    question = first[-1]["text"]
    replies = stack.say(sender, "can I do it online?")
    assert replies[-1]["text"] == question, "the pending question is asked again after the digression"
    replies = stack.say(sender, "in Romanian please")
    said = text_of(replies)
    assert "limba română" in said
    assert replies[-1]["buttons"] and replies[-1]["text"] != question


def test_handover_gives_the_helpdesk(stack: Stack) -> None:
    sender = f"e2e-handover-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "хочу открыть ИП")
    said = text_of(stack.say(sender, "соедините меня с оператором"))
    assert "asp.gov.md" in said


def test_conversations_survive_a_restart_of_every_process(stack: Stack) -> None:
    sender = f"e2e-restart-{uuid.uuid4().hex[:8]}"
    first = stack.say(sender, "my wife gave birth yesterday")
    first_question = first[-1]["text"]
    second = stack.say(sender, first[-1]["buttons"][1]["payload"])
    next_question = second[-1]["text"]
    assert next_question != first_question
    for server in (stack.rasa, stack.actions, stack.catalogue):
        server.stop()
    for server, timeout in ((stack.catalogue, 30), (stack.actions, 60), (stack.rasa, 180)):
        server.start(timeout=timeout)
    replies = stack.say(sender, "what documents do I need?")
    assert replies[-1]["text"] == next_question, "after the restart the conversation resumes where it was"
